"""The 志愿服务记录证明 PDF: the volunteer's name with masked ID and phone, the
confirmed records of the period and their total, for staff of the volunteer's
community (or the volunteer), a 404 for anyone else."""
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from wangge.volunteers.models import ServiceRecord


def pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def records(city, vol):
    def record(day, hours, confirmed=True, activity="为高龄老人代买药品"):
        return ServiceRecord.objects.create(
            volunteer=vol, activity=activity, date=datetime.date(2026, 3, day), hours=Decimal(hours),
            confirmed_by=city.community_head if confirmed else None, confirmed_at=timezone.now() if confirmed else None)

    return [record(2, "2.5"), record(9, "1.5", activity="义诊志愿服务"), record(16, "4", confirmed=False),
            record(23, "3")]


def test_the_certificate_states_the_name_and_the_confirmed_total(city, vol, records, api_client):
    head = api_client().login("head")
    text = pdf_text(head.get(f"/api/v1/volunteers/{vol.pk}/certificate.pdf"))
    compact = text.replace(" ", "").replace("\n", "")
    assert "志愿服务记录证明" in compact and "李红" in compact
    assert "累计志愿服务时长7.0小时" in compact  # 2.5 + 1.5 + 3; the unconfirmed 4 hours are left out
    assert "义诊志愿服务" in compact and "京华社区" in compact
    # ID number and phone appear masked only.
    id_number = city.resident_b.id_number
    assert id_number not in compact and f"{id_number[:6]}********{id_number[-4:]}" in compact
    assert "139****1111" in compact and "13900001111" not in compact


def test_the_period_bounds_the_records(city, vol, records, api_client):
    head = api_client().login("head")
    text = pdf_text(head.get(f"/api/v1/volunteers/{vol.pk}/certificate.pdf", date_from="2026-03-05",
                             date_to="2026-03-20")).replace(" ", "").replace("\n", "")
    assert "累计志愿服务时长1.5小时" in text and "为高龄老人代买药品" not in text
    bad = head.get(f"/api/v1/volunteers/{vol.pk}/certificate.pdf", date_from="2026-03-20", date_to="2026-03-05")
    assert bad.status_code == 422


def test_the_certificate_keeps_to_the_scope(city, vol, records, api_client, client):
    assert api_client().login("gw2").get(f"/api/v1/volunteers/{vol.pk}/certificate.pdf").status_code == 404
    assert api_client().login("gw").get(f"/api/v1/volunteers/{vol.pk}/certificate.pdf").status_code == 404
    # The volunteer prints their own, from the page too.
    assert "李红" in pdf_text(api_client().login("vol").get(f"/api/v1/volunteers/{vol.pk}/certificate.pdf"))
    client.force_login(vol.user)
    assert "李红" in pdf_text(client.get(f"/volunteers/{vol.pk}/certificate.pdf"))
    client.force_login(city.other_grid_worker)
    assert client.get(f"/volunteers/{vol.pk}/certificate.pdf").status_code == 404

"""志愿服务记录证明: a printable certificate of one volunteer's service record.

After 《志愿服务记录与证明出具办法》: the volunteer's identity (ID number and
phone masked, as everywhere in lists), the registering community, each
confirmed record in the period (date, what was done, actual hours without
travel), the total, and who issues it and when. Only confirmed records appear:
unconfirmed hours are claims, not service. Rendered by wangge.web.documents.
"""
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.people.privacy import mask_id_number, mask_phone
from wangge.web.documents import pdf_response

from . import selectors
from .models import Volunteer


def issuer(volunteer: Volunteer) -> str:
    """The issuing organisation: the registering community under its street (河北街道京华社区)."""
    area = volunteer.area
    return f"{area.parent.name}{area.name}" if area.parent_id else area.name


def certificate_context(volunteer: Volunteer, *, date_from: datetime.date | None = None,
                        date_to: datetime.date | None = None, today: datetime.date | None = None) -> dict:
    if date_from and date_to and date_from > date_to:
        raise ValidationError({"date_to": [_("结束日期不能早于开始日期")]})
    resident = volunteer.resident
    return {
        "volunteer": volunteer,
        "id_number": mask_id_number(resident.id_number) if resident else "",
        "phone": mask_phone(volunteer.phone or (resident.phone if resident else "")),
        "community": volunteer.area.name,
        "issuer": issuer(volunteer),
        "issued_on": today or timezone.localdate(),
        **selectors.certificate(volunteer, date_from=date_from, date_to=date_to),
    }


def certificate_response(volunteer: Volunteer, *, date_from=None, date_to=None, request=None):
    context = certificate_context(volunteer, date_from=date_from, date_to=date_to)
    filename = _("志愿服务记录证明-%(name)s.pdf") % {"name": volunteer.name}
    return pdf_response("volunteers/certificate.html", context, filename, request=request)

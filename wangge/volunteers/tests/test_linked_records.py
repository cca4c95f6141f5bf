"""Service records linked to the activity they were done in, and the registrations
read beyond the scope for the rule "one resident, one registration"."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from wangge.accounts.scope import Scope
from wangge.activities.models import Activity
from wangge.volunteers import selectors, services
from wangge.volunteers.models import ServiceRecord, Volunteer

DAY = datetime.date(2025, 9, 6)


@pytest.fixture
def check_up(city):
    return Activity.objects.create(title="中医义诊进社区", kind="health_check", area=city.community, date=DAY)


def test_a_record_names_its_activity_and_counts_once(city, api_client, check_up):
    head = api_client().login("head")
    volunteer = Volunteer.objects.create(name="李红", area=city.community)
    url = f"/api/v1/volunteers/{volunteer.pk}/records"
    response = head.post(url, {"linked_activity": check_up.pk, "date": "2025-09-06", "hours": "3", "confirm": True})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["linked_activity"], body["activity"], body["confirmed"]) == (check_up.pk, "中医义诊进社区", True)
    again = head.post(url, {"linked_activity": check_up.pk, "date": "2025-09-06", "hours": "2"})
    assert again.status_code == 422
    # Free-text records (made before activities existed) still work and add up with it.
    assert head.post(url, {"activity": "楼院清理", "date": "2025-09-07", "hours": "1.5", "confirm": True}
                     ).status_code == 201
    assert head.get("/api/v1/volunteer-hours").json()["hours"] == "4.5"
    assert head.get("/api/v1/volunteers/" + str(volunteer.pk)).json()["total_hours"] == "4.5"


def test_an_activity_outside_the_scope_is_not_found(city, check_up):
    other = Activity.objects.create(title="东洼消防演练", kind="fire_drill", area=city.other_community, date=DAY)
    volunteer = Volunteer.objects.create(name="李红", area=city.community)
    with pytest.raises(ValidationError) as refused:
        services.record_service(scope=Scope.for_user(city.community_head), actor=city.community_head,
                                volunteer=volunteer, data={"linked_activity": other.pk, "date": DAY, "hours": 2})
    assert refused.value.message_dict == {"linked_activity": ["未找到该服务活动"]}
    assert not ServiceRecord.objects.exists()


def test_deleting_an_activity_keeps_its_records_by_name(city, check_up):
    volunteer = Volunteer.objects.create(name="李红", area=city.community)
    record = services.record_service(scope=Scope.for_user(city.community_head), actor=city.community_head,
                                     volunteer=volunteer, data={"linked_activity": check_up.pk, "date": DAY,
                                                                "hours": 2, "confirm": True})
    check_up.delete()
    record.refresh_from_db()
    assert (record.linked_activity, record.activity, record.hours) == (None, "中医义诊进社区", 2)


def test_registrations_elsewhere_are_told_but_not_shown(city):
    Volunteer.objects.create(name="刘伊然", area=city.other_community, resident=city.other_resident)
    Volunteer.objects.create(name="刘伊蕊", area=city.community, resident=city.resident)
    head = Scope.for_user(city.community_head)
    ids = [city.resident.pk, city.other_resident.pk, city.resident_b.pk]
    assert selectors.registered_elsewhere(head, ids) == {city.other_resident.pk}
    assert selectors.registered_elsewhere(Scope.for_user(city.city_admin), ids) == set()
    assert selectors.registered_elsewhere(head, []) == set()
    assert selectors.registered_residents(ids) == {city.resident.pk, city.other_resident.pk}

"""The activity pages: register an activity or a quarterly series, edit it, and after it
record people served, outcome, residents served and the volunteers' hours (their
confirmed service records, linked to the activity); photos. Another area's user gets
a 404 on every page, photo and action, and changes nothing."""
import datetime

import pytest
from django.utils import timezone

from wangge.activities.models import Activity, ActivityPhoto
from wangge.partners.models import Partner
from wangge.testing import jpeg, png, signed_in, user
from wangge.volunteers.models import ServiceRecord, Volunteer

COMMUNITY = "220184001001"


@pytest.fixture
def head(city):
    return signed_in(city.community_head)


@pytest.fixture
def outsider(city):
    """The head of 东洼社区, in another street."""
    return signed_in(user("head2", "community_head", city.other_community))


@pytest.fixture
def hospital(city):
    return Partner.objects.create(name="公主岭市中医院", kind="hospital", area=city.street)


@pytest.fixture
def past(city):
    """A check-up held last week in 京华社区."""
    return Activity.objects.create(title="中医义诊进社区", kind="health_check", area=city.community,
                                   date=timezone.localdate() - datetime.timedelta(days=7), participants=0)


def test_staff_register_an_activity_with_a_partner(city, head, hospital):
    assert "登记活动" in head.get("/activities/").content.decode()
    assert "公主岭市中医院" in head.get("/activities/new/").content.decode()  # the street's partner is offered
    response = head.post("/activities/new/", {"title": "中医义诊进社区", "kind": "health_check", "date": "2026-03-15",
                                              "area": COMMUNITY, "place": "党群服务中心", "partners": [hospital.pk],
                                              "participants": "150"})
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/activities/{activity.pk}/"
    assert (activity.area_code, activity.participants, list(activity.partners.all()), activity.created_by) == (
        COMMUNITY, 150, [hospital], city.community_head)
    assert f'href="/activities/{activity.pk}/"' in head.get("/activities/").content.decode()
    refused = head.post("/activities/new/", {"title": "", "kind": "", "date": "", "area": COMMUNITY})
    body = refused.content.decode()
    assert refused.status_code == 422 and all(m in body for m in ("请填写活动名称", "请选择类型", "请填写日期"))
    assert Activity.objects.count() == 1


def test_a_quarterly_series_is_registered_at_once_and_one_is_edited(city, head, hospital):
    response = head.post("/activities/new/", {"title": "季度义诊", "kind": "health_check", "date": "2026-01-31",
                                              "area": COMMUNITY, "partners": [hospital.pk],
                                              "repeat_every_months": "3", "repeat_count": "4"})
    assert response.status_code == 302
    rows = list(Activity.objects.order_by("date"))
    assert [a.date.isoformat() for a in rows] == ["2026-01-31", "2026-04-30", "2026-07-31", "2026-10-31"]
    assert {a.series for a in rows} == {"季度义诊"}
    listed = head.get("/activities/", {"series": "季度义诊"})
    assert listed.context["page_obj"].paginator.count == 4
    second = rows[1]
    response = head.post(f"/activities/{second.pk}/edit/", {"title": "季度义诊（二季度）", "kind": "health_check",
                                                             "date": "2026-05-08", "area": COMMUNITY,
                                                             "partners": [hospital.pk], "series": "季度义诊"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.title, second.date, second.series) == ("季度义诊（二季度）", datetime.date(2026, 5, 8), "季度义诊")
    refused = head.post("/activities/new/", {"title": "x", "kind": "other", "date": "2026-01-01", "area": COMMUNITY,
                                             "repeat_count": "3"})
    assert refused.status_code == 422 and "每 1–12 个月一次" in refused.content.decode()


def test_recording_the_outcome_writes_confirmed_hours_linked_to_the_activity(city, head, past):
    li = Volunteer.objects.create(name="李红", area=city.community)
    zhao = Volunteer.objects.create(name="赵刚", area=city.community)
    found = head.get(f"/activities/{past.pk}/", {"vq": "李", "rq": city.resident.id_last4})
    assert [row[0] for row in found.context["volunteer_rows"]] == [li]
    assert found.context["found_residents"] == [city.resident]
    response = head.post(f"/activities/{past.pk}/record/", {
        "participants": "120", "outcome": "为120名居民测量血压", "volunteers": [li.pk, zhao.pk],
        f"hours_{li.pk}": "3", f"hours_{zhao.pk}": "2.5", "residents": [city.resident.pk]})
    assert response.status_code == 302
    past.refresh_from_db()
    assert (past.participants, past.outcome, set(past.volunteers.all()), list(past.residents.all())) == (
        120, "为120名居民测量血压", {li, zhao}, [city.resident])
    records = {r.volunteer: r for r in ServiceRecord.objects.filter(linked_activity=past)}
    assert {v.name: r.hours for v, r in records.items()} == {"李红": 3, "赵刚": 2.5}
    assert all(r.confirmed_by == city.community_head and r.activity == "中医义诊进社区" and r.date == past.date
               for r in records.values())
    page = head.get(f"/activities/{past.pk}/")
    assert page.context["confirmed_hours"] == 5.5
    # The volunteer's own page links the record to the activity, and their total counts it.
    assert f'href="/activities/{past.pk}/"' in head.get(f"/volunteers/{li.pk}/").content.decode()
    assert head.get("/api/v1/volunteer-hours").json()["hours"] == "5.5"
    # Hours are recorded once per volunteer and activity: a second entry is refused, nothing added.
    again = head.post(f"/activities/{past.pk}/record/", {"participants": "120", "volunteers": [li.pk],
                                                         f"hours_{li.pk}": "4"})
    assert again.status_code == 422 and "已登记过服务时长的志愿者：李红" in again.content.decode()
    assert ServiceRecord.objects.count() == 2
    # Unticking a volunteer with a record keeps them on the activity.
    head.post(f"/activities/{past.pk}/record/", {"participants": "121", "volunteers": []})
    assert set(Activity.objects.get(pk=past.pk).volunteers.all()) == {li, zhao}


def test_bad_hours_change_nothing(city, head, past):
    li = Volunteer.objects.create(name="李红", area=city.community)
    zhao = Volunteer.objects.create(name="赵刚", area=city.community)
    refused = head.post(f"/activities/{past.pk}/record/", {
        "participants": "80", "volunteers": [li.pk, zhao.pk], f"hours_{li.pk}": "2", f"hours_{zhao.pk}": "30"})
    assert refused.status_code == 422 and "赵刚：服务时长应在 0.1 至 24 小时之间" in refused.content.decode()
    past.refresh_from_db()
    assert (past.participants, past.volunteers.count(), ServiceRecord.objects.count()) == (0, 0, 0)
    upcoming = Activity.objects.create(title="下季度义诊", kind="health_check", area=city.community,
                                       date=timezone.localdate() + datetime.timedelta(days=14))
    early = head.post(f"/activities/{upcoming.pk}/record/", {"volunteers": [li.pk], f"hours_{li.pk}": "2"})
    assert early.status_code == 422 and "活动还没有举行" in early.content.decode()
    assert not ServiceRecord.objects.exists()


def test_photos_are_shown_on_the_activity_and_served_only_in_scope(city, head, outsider, past):
    response = head.post(f"/activities/{past.pk}/photos/", {"photos": [png(), jpeg()]})
    assert response.status_code == 302
    photos = list(ActivityPhoto.objects.order_by("id"))
    assert [p.content_type for p in photos] == ["image/png", "image/jpeg"]
    url = f"/activities/{past.pk}/photos/{photos[0].pk}/"
    assert url in head.get(f"/activities/{past.pk}/").content.decode()
    served = head.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert outsider.get(url).status_code == 404
    other = Activity.objects.create(title="东洼消防演练", kind="fire_drill", area=city.other_community,
                                    date=past.date)
    assert signed_in(city.city_admin).get(f"/activities/{other.pk}/photos/{photos[0].pk}/").status_code == 404
    assert outsider.post(f"/activities/{past.pk}/photos/{photos[0].pk}/delete/").status_code == 404
    assert outsider.post(f"/activities/{past.pk}/photos/", {"photos": [png()]}).status_code == 404
    assert ActivityPhoto.objects.count() == 2
    assert head.post(f"/activities/{past.pk}/photos/{photos[0].pk}/delete/").status_code == 302
    assert list(ActivityPhoto.objects.all()) == [photos[1]]


def test_photos_are_checked_by_content_and_size(city, head, past, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("notes.png", b"just text", content_type="image/png")
    refused = head.post(f"/activities/{past.pk}/photos/", {"photos": [fake]})
    assert refused.status_code == 422 and "不是 JPEG、PNG 或 WebP 照片" in refused.content.decode()
    settings.WANGGE_CASE_PHOTO_MAX_BYTES = 100
    big = head.post(f"/activities/{past.pk}/photos/", {"photos": [png(size=200)]})
    assert big.status_code == 422 and "超过" in big.content.decode()
    empty = head.post(f"/activities/{past.pk}/photos/", {})
    assert empty.status_code == 422 and "请选择照片" in empty.content.decode()
    assert not ActivityPhoto.objects.exists()


def test_another_area_gets_404_and_changes_nothing(city, outsider, past):
    li = Volunteer.objects.create(name="李红", area=city.community)
    for url in [f"/activities/{past.pk}/", f"/activities/{past.pk}/edit/"]:
        assert outsider.get(url).status_code == 404, url
    posts = [
        (f"/activities/{past.pk}/edit/", {"title": "改名", "kind": "other", "date": "2026-01-01",
                                          "area": "220184002001"}),
        (f"/activities/{past.pk}/record/", {"participants": "999", "volunteers": [li.pk], f"hours_{li.pk}": "5"}),
        ("/activities/new/", {"title": "越权", "kind": "other", "date": "2026-01-01", "area": COMMUNITY}),
    ]
    for url, data in posts:
        assert outsider.post(url, data).status_code == 404, url
    past.refresh_from_db()
    assert (past.title, past.participants, Activity.objects.count(), ServiceRecord.objects.count()) == (
        "中医义诊进社区", 0, 1, 0)
    # Their own activity cannot take 京华社区's volunteer or hours either.
    own = Activity.objects.create(title="东洼环境整治", kind="clean_up", area=city.other_community, date=past.date)
    refused = outsider.post(f"/activities/{own.pk}/record/", {"volunteers": [li.pk], f"hours_{li.pk}": "2"})
    assert refused.status_code == 422 and not ServiceRecord.objects.exists()
    assert signed_in(city.partner).get("/activities/new/").status_code == 404  # no area scope

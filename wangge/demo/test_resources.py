"""The demo city's resources: the article's partners, service points with real gaps in the 15-minute circle,
volunteers in the article's numbers (scaled), a year of activities with the quarterly check-ups, and volunteer
hours that add up to the confirmed service records."""
import datetime
import hashlib
from collections import defaultdict
from itertools import pairwise

import pytest
from django.db import transaction
from django.db.models import Sum

from wangge.accounts.models import User
from wangge.accounts.scope import Scope
from wangge.activities.models import Activity, ActivityKind
from wangge.activities.selectors import activities_for, activity_totals
from wangge.areas.models import Area
from wangge.partners.circle import service_circle
from wangge.partners.models import Partner, PartnerKind, PartnerMembership, PointKind, ServicePoint
from wangge.partners.selectors import partner_ids_of
from wangge.people.validators import validate_phone
from wangge.volunteers.models import HelpTask, ServiceRecord, Skill, TaskStatus, Team, Volunteer
from wangge.volunteers.selectors import hours_totals, volunteers_for

from . import case_texts as texts
from . import loader
from . import resources as demo
from .resources import scaled
from .tests import run_demo

SCALE = 0.02
# A Wednesday morning: the recent activities and the next check-up are placed relative to it.
NOW = datetime.datetime(2026, 3, 18, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
TODAY = datetime.date(2026, 3, 18)
CITY = Scope.of("220184")


def load(now=NOW) -> None:
    loader.load(scale=SCALE, password=loader.DEFAULT_PASSWORD, now=now)


@pytest.fixture(scope="class")
def demo_city(django_db_setup, django_db_blocker):
    """One small load for a class of tests that only read it."""
    with django_db_blocker.unblock(), transaction.atomic():
        load()
        yield
        transaction.set_rollback(True)


def community(name: str) -> str:
    return Area.objects.get(name=name).code


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_city")
class TestResources:
    # --- partners ------------------------------------------------------------------------------------
    def test_the_articles_partners_are_registered_with_kinds_contacts_categories_and_areas(self):
        expected = {
            "公主岭市中医院": (PartnerKind.HOSPITAL, "公主岭市"),
            "公主岭市公安局河北派出所": (PartnerKind.POLICE, "河北街道"),
            "公主岭市公安局河南派出所": (PartnerKind.POLICE, "河南街道"),
            "红心物业联盟": (PartnerKind.PROPERTY, "河北街道"),
            "公益律师服务团": (PartnerKind.LAW_FIRM, "公主岭市"),
            "“一心两化”心理咨询师工作室": (PartnerKind.COUNSELLING, "金融社区"),
            "公主岭市洁美垃圾清运有限公司": (PartnerKind.ENTERPRISE, "曙光社区"),
        }
        areas = dict(Area.objects.values_list("code", "name"))
        for name, (kind, area) in expected.items():
            partner = Partner.objects.get(name=name)
            assert (partner.kind, areas[partner.area_code]) == (kind, area), name
        for partner in Partner.objects.prefetch_related("categories"):
            assert partner.contact_name and partner.services and partner.is_active, partner.name
            assert validate_phone(partner.contact_phone) == partner.contact_phone
            assert partner.categories.exists(), partner.name
        hospital = Partner.objects.get(name="公主岭市中医院")
        assert set(hospital.categories.values_list("code", flat=True)) >= {"medical_health"}
        alliance = Partner.objects.get(name="红心物业联盟")
        assert {"parking", "roof_leak", "unit_door"} <= set(alliance.categories.values_list("code", flat=True))

    def test_partners_carry_the_names_the_case_history_dispatches_to(self):
        """A case dispatched to 红心物业联盟 by name in the history names the organisation now registered."""
        used = {texts.JINRONG_PARTNER, texts.SHUGUANG_REFUSE, *texts.POLICE.values(), *texts.JINRONG_MEDIATORS,
                *texts.DONGWA_PARTY_PARTNERS, *(texts.PARTNERS[k] for k in ("repair", "lawyer", "medical"))}
        assert used <= set(Partner.objects.values_list("name", flat=True))

    def test_demo_partner_acts_for_the_property_alliance_and_holds_no_area_scope(self):
        user = User.objects.get(username="demo_partner")
        assert list(user.posts.values_list("role", "area_code")) == [("partner_staff", "220184001")]
        assert partner_ids_of(user) == {Partner.objects.get(name="红心物业联盟").pk}
        assert not Scope.for_user(user).codes

    # --- the 15-minute circle ------------------------------------------------------------------------
    def test_service_points_of_every_kind_stand_inside_their_area(self):
        points = list(ServicePoint.objects.all())
        assert {p.kind for p in points} == set(PointKind.values) - {PointKind.OTHER}
        areas = Area.objects.in_bulk(field_name="code")
        for point in points:
            ring = areas[point.area_code].boundary["coordinates"][0]
            lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
            assert min(lats) <= point.lat <= max(lats) and min(lngs) <= point.lng <= max(lngs), point.name
            assert validate_phone(point.phone) == point.phone
        assert ServicePoint.objects.filter(partner__name="公主岭市中医院", kind=PointKind.CLINIC).exists()
        assert ServicePoint.objects.filter(partner__kind=PartnerKind.POLICE, kind=PointKind.POLICE).count() == 3

    def test_the_circle_shows_real_gaps(self):
        circle = service_circle(CITY, "220184")
        share = {k["kind"]: k["share"] for k in circle["kinds"]}
        assert 0 < share[PointKind.CLINIC] < 1 and circle["gap_count"] > 0
        assert 0 < share[PointKind.CANTEEN] < share[PointKind.STORE]
        # 东洼社区 has no clinic of its own: some of its households reach none.
        dongwa = service_circle(CITY, community("东洼社区"))
        assert dongwa["gap_count"] > 0

    # --- volunteers ----------------------------------------------------------------------------------
    def test_jinrong_has_its_800_volunteers_in_nine_teams_scaled(self):
        code = community("金融社区")
        registered = Volunteer.objects.filter(area_code=code)
        assert registered.count() == scaled(800, SCALE)
        teams = Team.objects.filter(area_code=code)
        assert teams.count() == 9
        assert {"红色代办服务队", "健康我先行医疗队", "“一心两化”心理关爱队"} <= set(teams.values_list("name", flat=True))
        members = Team.members.through.objects.filter(team__in=teams)
        assert set(members.values_list("volunteer_id", flat=True)) == set(registered.values_list("pk", flat=True))
        for team in teams:
            assert team.leader and team.members.filter(pk=team.leader.pk).exists()

    def test_dongfeng_has_its_180_governance_partners_scaled_with_liu_lili_leading_hong_weishi(self):
        code = community("东风社区")
        partners = Volunteer.objects.filter(area_code=code, is_governance_partner=True)
        assert partners.count() == scaled(180, SCALE)
        team = Team.objects.get(area_code=code, name="红卫士")
        assert set(team.members.values_list("pk", flat=True)) == set(partners.values_list("pk", flat=True))
        assert (team.leader.name, team.leader.resident.name) == ("刘莉莉", "刘莉莉")
        assert Volunteer.objects.filter(area_code=code, is_governance_partner=False).count() == scaled(
            demo.DONGFENG_OTHERS, SCALE)

    def test_volunteers_elsewhere_are_sparser(self):
        jinrong = Volunteer.objects.filter(area_code=community("金融社区")).count()
        for name, size in demo.OTHERS.items():
            assert Volunteer.objects.filter(area_code=community(name)).count() == scaled(size, SCALE) < jinrong
        assert Team.objects.filter(area_code=community("永盛社区"), name="红色代办服务队").exists()

    def test_volunteers_are_mostly_residents_of_their_community_with_valid_skills_and_phones(self):
        rows = list(Volunteer.objects.select_related("resident"))
        linked = [v for v in rows if v.resident]
        assert len(linked) > len(rows) / 2
        assert all(v.resident.area_code.startswith(v.area_code) and v.name == v.resident.name for v in linked)
        assert len({v.resident_id for v in linked}) == len(linked), "no resident registered twice"
        for volunteer in rows:
            assert volunteer.skills and set(volunteer.skills) <= set(Skill.values)
            assert volunteer.availability
            assert validate_phone(volunteer.phone) == volunteer.phone
        medical = Volunteer.objects.get(teams__name="健康我先行医疗队")
        assert "medical" in medical.skills

    # --- activities ----------------------------------------------------------------------------------
    def test_the_quarterly_check_ups_are_one_series_of_four_serving_about_600(self):
        assert 600 <= sum(demo.HEALTH_SERIES_PARTICIPANTS) < 700  # "惠及居民600余人次", at scale 1.0
        series = list(activities_for(CITY, series=demo.HEALTH_SERIES).order_by("date"))
        assert len(series) == 4
        assert all(a.kind == ActivityKind.HEALTH_CHECK and a.area.name == "金融社区" for a in series)
        assert [(b.date.year * 12 + b.date.month) - (a.date.year * 12 + a.date.month)
                for a, b in pairwise(series)] == [3, 3, 3]
        assert all(set(a.partners.values_list("name", flat=True)) == {"公主岭市中医院"} for a in series)
        assert sum(a.participants for a in series) == sum(scaled(n, SCALE) for n in demo.HEALTH_SERIES_PARTICIPANTS)
        assert all(a.volunteers.exists() for a in series)

    def test_a_year_of_activities_fifty_odd_in_jinrong(self):
        history = Activity.objects.filter(date__gte=datetime.date(2024, 7, 1), date__lt=datetime.date(2025, 7, 1))
        assert history.filter(area_code=community("金融社区")).count() > 50
        kinds = set(history.values_list("kind", flat=True))
        assert kinds == set(ActivityKind.values)
        assert history.filter(area_code=community("永红社区"), kind=ActivityKind.HEALTH_CHECK).count() == 5
        assert history.filter(area_code=community("正阳社区"), kind=ActivityKind.FIRE_DRILL,
                              partners__kind=PartnerKind.POLICE).exists()
        assert history.filter(area_code=community("永兴社区"), kind=ActivityKind.KNIFE_SHARPENING).exists()
        cpr = history.filter(area_code=community("东风社区"), kind=ActivityKind.FIRST_AID)
        assert cpr.exists() and all(a.date >= datetime.date(2025, 6, 1) for a in cpr)
        assert cpr.filter(residents__name="张云帆").exists()
        totals = activity_totals(CITY)
        assert totals["participants"] == Activity.objects.aggregate(n=Sum("participants"))["n"] > 0

    def test_recent_activities_lie_before_now_and_the_next_check_up_is_planned(self):
        recent = Activity.objects.filter(date__gte=TODAY - datetime.timedelta(days=demo.RECENT_DAYS))
        assert recent.filter(date__lt=TODAY).count() >= 5
        [upcoming] = recent.filter(date__gt=TODAY)
        assert (upcoming.kind, upcoming.participants, upcoming.volunteers.count()) == (ActivityKind.HEALTH_CHECK, 0, 0)
        assert not ServiceRecord.objects.filter(date__gte=TODAY).exists()

    # --- help tasks ----------------------------------------------------------------------------------
    def test_help_tasks_of_the_recent_weeks_some_done_with_hours_some_waiting(self):
        tasks = HelpTask.objects.select_related("volunteer", "record", "team", "resident")
        per_status = {status: tasks.filter(status=status).count() for status in TaskStatus.values}
        assert per_status[TaskStatus.DONE] == sum(done for _t, done, _a, _o in demo.TASKS.values())
        assert per_status[TaskStatus.ACCEPTED] and per_status[TaskStatus.OPEN]
        for task in tasks:
            assert task.team.area_code == task.area_code[:12] and task.skill
            if task.resident:
                assert task.resident.age(task.needed_on) >= 80 and task.resident.name in task.title
            if task.status == TaskStatus.DONE:
                record = task.record
                assert record.confirmed and record.volunteer == task.volunteer and record.date == task.needed_on
                assert task.team.members.filter(pk=task.volunteer.pk).exists()
                assert record.date < TODAY and task.accepted_at < task.completed_at
            elif task.status == TaskStatus.OPEN:
                assert task.volunteer is None and task.needed_on >= TODAY and task.created_at < NOW

    # --- hours ---------------------------------------------------------------------------------------
    def test_every_record_is_confirmed_and_belongs_to_an_activity_the_volunteer_took_part_in(self):
        records = list(ServiceRecord.objects.select_related("volunteer", "team"))
        assert records and all(r.confirmed for r in records)
        taking_part = defaultdict(set)
        for activity in Activity.objects.prefetch_related("volunteers"):
            for volunteer in activity.volunteers.all():
                taking_part[volunteer.pk].add((activity.title, activity.date))
        errands = [r for r in records if r.activity.startswith("红色代办：")]
        assert len(errands) == scaled(demo.YONGSHENG_ERRANDS, SCALE)
        assert all(r.team.name == "红色代办服务队" and r.area_code == community("永盛社区") for r in errands)
        from_tasks = set(HelpTask.objects.exclude(record=None).values_list("record_id", flat=True))
        for record in records:
            if record not in errands and record.pk not in from_tasks:
                assert (record.activity, record.date) in taking_part[record.volunteer_id], record
            assert record.team is None or record.team.members.filter(pk=record.volunteer_id).exists()

    def test_hours_totals_agree_with_the_records(self):
        totals = hours_totals(CITY)
        records = ServiceRecord.objects.all()
        assert totals["hours"] == records.aggregate(h=Sum("hours"))["h"] > 0
        assert totals["records"] == records.count() and totals["unconfirmed_records"] == 0
        assert sum(t["hours"] for t in totals["teams"]) == totals["hours"]
        per_volunteer = defaultdict(int)
        for volunteer_id, hours in records.values_list("volunteer_id", "hours"):
            per_volunteer[volunteer_id] += hours
        for volunteer in volunteers_for(CITY):
            assert volunteer.total_hours == per_volunteer.get(volunteer.pk, 0), volunteer.name


# --- the load ---------------------------------------------------------------------------------------------

def test_the_command_prints_the_partner_account(db):
    out = run_demo("--scale", "0.02")
    assert "\ndemo_partner " in out and "联建单位人员" in out


def resources_digest() -> str:
    rows = [
        *Partner.objects.order_by("id").values_list("name", "kind", "area_code", "contact_phone"),
        *ServicePoint.objects.order_by("id").values_list("name", "kind", "area_code", "lat", "lng", "phone"),
        *Volunteer.objects.order_by("id").values_list("name", "phone", "area_code", "resident__id_number", "skills",
                                                      "availability", "is_governance_partner"),
        *Team.objects.order_by("id").values_list("name", "area_code", "leader__name"),
        *Activity.objects.order_by("id").values_list("title", "kind", "date", "place", "area_code", "participants",
                                                     "series"),
        *ServiceRecord.objects.order_by("id").values_list("volunteer__name", "team__name", "activity", "date",
                                                          "hours"),
        *PartnerMembership.objects.order_by("id").values_list("user__username", "partner__name"),
        *HelpTask.objects.order_by("id").values_list("title", "area_code", "status", "needed_on", "created_at",
                                                     "volunteer__name", "accepted_at", "completed_at",
                                                     "record__hours"),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


class _Discard(Exception):
    pass


def _digest_of_a_fresh_load() -> str:
    with pytest.raises(_Discard), transaction.atomic():
        load()
        result = resources_digest()
        raise _Discard
    assert not Volunteer.objects.exists()
    return result


@pytest.mark.django_db
def test_two_loads_with_the_same_now_give_the_same_resources():
    assert _digest_of_a_fresh_load() == _digest_of_a_fresh_load()


@pytest.mark.django_db
def test_loading_again_adds_no_resources():
    load()
    before = resources_digest()
    load(now=NOW + datetime.timedelta(days=30))
    assert resources_digest() == before

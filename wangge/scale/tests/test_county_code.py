"""The county code of the large tables (docs/scaling.md, "4. Citus by county") is always right.

Every writer files a row under the first 6 digits of its area code, or under
its parent row's county: ``save()``, the managers' bulk paths, ``update`` and
``bulk_update`` of an area code, many-to-many links. A writer that sets a wrong
county anyway is refused by the database itself (a CHECK constraint), so a
forgotten bulk path fails loudly. The migrations fill the rows that existed
before the column.
"""
import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from wangge.accounts.scope import Scope
from wangge.areas.models import Building, Household
from wangge.cases import services as case_services
from wangge.cases.models import Case, CaseEvent, CasePhoto, Category, Notification
from wangge.people import services as people_services
from wangge.people.models import Resident, ResidentTag, SensitiveAccess, Tag
from wangge.testing import area, household, make_id_number, png, resident, user
from wangge.visits.models import CareReminder, Visit

OTHER_COUNTY = "220183"


@pytest.fixture
def elsewhere(city):
    """A household in another county (德惠市)."""
    area(OTHER_COUNTY, "德惠市")
    area(f"{OTHER_COUNTY}001", "胜利街道")
    area(f"{OTHER_COUNTY}001001", "新华社区")
    grid = area(f"{OTHER_COUNTY}001001001", "新华社区第一网格")
    return household(grid, "101", estate_name="新华小区")


def _visit(hh: Household, user, **extra) -> Visit:
    return Visit(client_id=uuid.uuid4(), household=hh, building=hh.building, area_code=hh.area_code,
                 visited_at=datetime.datetime(2026, 3, 4, 9, 30, tzinfo=datetime.timezone.utc), kind="home",
                 recorded_by=user, **extra)


def _resident(hh: Household, **extra) -> Resident:
    number = make_id_number(datetime.date(1960, 2, 3))
    return Resident(name="赵敏", name_pinyin="zhaomin", name_initials="zm", gender="F",
                    birth_date=datetime.date(1960, 2, 3), id_number=number, id_last4=number[-4:],
                    household=hh, area_code=hh.area_code, **extra)


class TestEveryWriterFilesTheRowUnderItsCounty:
    def test_save(self, city, elsewhere):
        there = resident("钱进", elsewhere)
        there.tags.add(Tag.objects.get(code="living_alone"))
        visit = _visit(elsewhere, city.city_admin)
        visit.save()
        access = SensitiveAccess.objects.create(user=city.city_admin, resident=there, field="phone", reason="核实",
                                                area_code=there.area_code)
        reminder = CareReminder.objects.create(resident=there, due_on=datetime.date(2026, 3, 4), stage="due")
        assert city.resident.county_code == city.household.county_code == city.household.building.county_code
        assert city.resident.county_code == "220184"
        for row in (there, elsewhere, elsewhere.building, visit, access, reminder,
                    ResidentTag.objects.get(resident=there)):
            row.refresh_from_db()
            assert row.county_code == OTHER_COUNTY, row

    def test_bulk_create(self, city, elsewhere):
        here, there = _resident(city.household), _resident(elsewhere)
        Resident.objects.bulk_create([here, there])
        assert [here.county_code, there.county_code] == ["220184", OTHER_COUNTY]
        tag = Tag.objects.get(code="veteran")
        # Link rows built with ids only: the residents' counties are read in one query.
        ResidentTag.objects.bulk_create([ResidentTag(resident_id=r.pk, tag=tag) for r in (here, there)])
        assert dict(ResidentTag.objects.filter(tag=tag).values_list("resident_id", "county_code")) == {
            here.pk: "220184", there.pk: OTHER_COUNTY}
        visits = Visit.objects.bulk_create([_visit(city.household, city.grid_worker), _visit(elsewhere, city.grid_worker)])
        assert [v.county_code for v in visits] == ["220184", OTHER_COUNTY]
        CareReminder.objects.bulk_create([CareReminder(resident_id=there.pk, due_on=datetime.date(2026, 3, 4),
                                                       stage="due")])
        assert CareReminder.objects.get().county_code == OTHER_COUNTY

    def test_a_move_to_another_county_carries_the_county_along(self, city, elsewhere):
        Resident.objects.filter(pk=city.resident.pk).update(area_code=elsewhere.area_code)
        city.resident.refresh_from_db()
        assert city.resident.county_code == OTHER_COUNTY
        city.resident_b.area_code = elsewhere.area_code
        Resident.objects.bulk_update([city.resident_b], ["area_code"])
        city.resident_b.refresh_from_db()
        assert city.resident_b.county_code == OTHER_COUNTY
        people_services.update_resident(scope=Scope.of("220184", OTHER_COUNTY), resident=city.other_resident,
                                        data={"household": elsewhere.pk})
        city.other_resident.refresh_from_db()
        assert (city.other_resident.area_code, city.other_resident.county_code) == (elsewhere.area_code, OTHER_COUNTY)

    def test_cases_their_events_photos_and_notifications(self, city, elsewhere, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        worker = user("dehui_gw", "grid_worker", elsewhere.building.grid)
        user("dehui_head", "community_head", elsewhere.building.grid.parent)
        case = case_services.report_case(actor=worker, photos=[png()], data={
            "title": "楼道灯不亮", "description": "新华小区1号楼楼道灯坏了", "category": "other", "source": "patrol",
            "area": elsewhere.area_code})
        case = case_services.escalate_case(actor=worker, number=case.number, version=case.version,
                                           reason="网格内无法处置")
        assert Case.objects.get(pk=case.pk).county_code == OTHER_COUNTY
        rows = [*CaseEvent.objects.filter(case=case), *CasePhoto.objects.filter(case=case),
                *Notification.objects.filter(case=case)]
        assert len(rows) >= 4 and {row.county_code for row in rows} == {OTHER_COUNTY}

    def test_the_escalation_job_writes_events_and_notifications_in_bulk(self, city, elsewhere):
        user("dehui_head", "community_head", elsewhere.building.grid.parent)
        worker = user("dehui_gw", "grid_worker", elsewhere.building.grid)
        case = case_services.report_case(actor=worker, data={
            "title": "井盖缺失", "description": "新华小区门口井盖缺失", "category": "other", "source": "patrol",
            "area": elsewhere.area_code})
        Case.objects.filter(pk=case.pk).update(deadline=case.reported_at - datetime.timedelta(days=1))
        assert case_services.escalate_overdue() == [case.number]
        assert set(CaseEvent.objects.filter(case=case).values_list("county_code", flat=True)) == {OTHER_COUNTY}
        assert set(Notification.objects.filter(case=case).values_list("county_code", flat=True)) == {OTHER_COUNTY}

    def test_a_notification_about_no_case_is_filed_under_its_recipients_county(self, city, elsewhere):
        from wangge.cases import notifications

        worker = user("dehui_gw", "grid_worker", elsewhere.building.grid)
        notifications.notify([worker, city.grid_worker], case=None, text="今日有关爱走访到期")
        assert dict(Notification.objects.values_list("user__username", "county_code")) == {
            "dehui_gw": OTHER_COUNTY, "gw": "220184"}

    def test_save_with_update_fields_writes_the_county_too(self, city, elsewhere):
        city.resident.area_code = elsewhere.area_code
        city.resident.save(update_fields=["area_code"])
        city.resident.refresh_from_db()
        assert city.resident.county_code == OTHER_COUNTY


class TestTheDatabaseRefusesAWrongCounty:
    """The CHECK county_code = substr(area_code, 1, 6): a bulk writer that sets the county wrong,
    or changes an area code behind the ORM's back, fails instead of filing the row elsewhere."""

    @pytest.mark.parametrize("make", [
        lambda city: _resident(city.household, county_code=OTHER_COUNTY),
        lambda city: Household(building=city.household.building, unit="2", room="101", address="x",
                               area_code=city.household.area_code, county_code=OTHER_COUNTY),
        lambda city: Building(grid=city.grid, name="9号楼", area_code=city.grid.code, county_code=OTHER_COUNTY),
        lambda city: _visit(city.household, city.grid_worker, county_code=OTHER_COUNTY),
        lambda city: SensitiveAccess(user=city.city_admin, resident=city.resident, field="phone", reason="核实",
                                     area_code=city.resident.area_code, county_code=OTHER_COUNTY),
        lambda city: Case(number="SQ-2026-999999", tracking="ABCDEFGHJK", title="t", description="d",
                          category=Category.objects.get(code="other"), source="visit", grid=city.grid, area_code=city.grid.code, level="grid",
                          owner_area=city.grid, deadline=datetime.datetime(2026, 3, 4, tzinfo=datetime.timezone.utc),
                          county_code=OTHER_COUNTY),
    ], ids=["resident", "household", "building", "visit", "sensitive_access", "case"])
    def test_a_bulk_insert_with_a_wrong_county(self, city, make):
        row = make(city)
        with pytest.raises(IntegrityError), transaction.atomic():
            type(row).objects.bulk_create([row])

    def test_an_update_of_the_county_alone(self, city):
        with pytest.raises(IntegrityError), transaction.atomic():
            Household.objects.filter(pk=city.household.pk).update(county_code=OTHER_COUNTY)

    def test_raw_sql_that_forgets_the_county(self, city):
        table = connection.ops.quote_name(Resident._meta.db_table)
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET area_code = %s WHERE id = %s", [f"{OTHER_COUNTY}001001001",
                                                                                 city.resident.pk])


class TestIdNumbers:
    """The database key is (id_number, county_code); one number is still registered once in the install."""

    def test_the_service_refuses_a_number_registered_in_another_county(self, city, elsewhere):
        with pytest.raises(ValidationError) as refused:
            people_services.create_resident(scope=Scope.of(OTHER_COUNTY), data={
                "name": "刘伊蕊", "id_number": city.resident.id_number, "household": elsewhere.pk})
        assert refused.value.message_dict["id_number"] == ["该身份证号已登记"]
        assert Resident.objects.filter(id_number=city.resident.id_number).count() == 1

    def test_the_database_refuses_a_number_twice_in_a_county(self, city):
        twin = _resident(city.household_b)
        twin.id_number = city.resident.id_number
        with pytest.raises(IntegrityError), transaction.atomic():
            Resident.objects.bulk_create([twin])

    def test_a_visit_sent_again_is_found_by_its_client_id(self, city):
        from wangge.visits import services as visit_services

        data = {"client_id": str(uuid.uuid4()), "household": city.household.pk, "kind": "home"}
        first = visit_services.record_visit(actor=city.grid_worker, data=data)
        again = visit_services.record_visit(actor=city.grid_worker, data=data)
        assert (first.created, again.created, again.visit.pk) == (True, False, first.visit.pk)


@pytest.mark.django_db(transaction=True)
def test_the_migrations_file_existing_rows_under_their_county():
    """Rows written before the column get it from their area code or their parent, and the keys hold."""
    executor = MigrationExecutor(connection)
    before = [("areas", "0001_initial"), ("people", "0003_trigram_search"), ("visits", "0002_seed_care_policies"),
              ("cases", "0006_figure_period_indexes")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    try:
        Area = old.get_model("areas", "Area")
        city_ = Area.objects.create(code="220183", name="德惠市", level="city")
        street = Area.objects.create(code="220183001", name="街道", level="street", parent=city_)
        community = Area.objects.create(code="220183001001", name="社区", level="community", parent=street)
        grid = Area.objects.create(code="220183001001001", name="网格", level="grid", parent=community)
        building = old.get_model("areas", "Building").objects.create(grid=grid, name="1号楼", area_code=grid.code)
        hh = old.get_model("areas", "Household").objects.create(building=building, room="101", address="1号楼101",
                                                                 area_code=grid.code)
        number = make_id_number(datetime.date(1950, 1, 1))
        person = old.get_model("people", "Resident").objects.create(
            name="孙", name_pinyin="sun", name_initials="s", gender="F", birth_date=datetime.date(1950, 1, 1),
            id_number=number, id_last4=number[-4:], household=hh, area_code=grid.code)
        person.tags.add(old.get_model("people", "Tag").objects.create(code="old_tag", name="旧标签"))
        user = old.get_model("accounts", "User").objects.create(username="old")
        old.get_model("visits", "Visit").objects.create(
            client_id=uuid.uuid4(), household=hh, building=building, area_code=grid.code, kind="home",
            visited_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc), recorded_by=user)
        old.get_model("visits", "CareReminder").objects.create(resident=person, due_on=datetime.date(2025, 1, 1),
                                                               stage="due")
        old.get_model("accounts", "Post").objects.create(user=user, role="grid_worker", area=grid, area_code=grid.code)
        case = old.get_model("cases", "Case").objects.create(
            number="SQ-2025-000001", tracking="ABCDEFGHJK", title="t", description="d", source="visit",
            category=old.get_model("cases", "Category").objects.create(code="old_other", name="其他"),
            grid=grid, area_code=grid.code, level="grid", owner_area=grid,
            deadline=datetime.datetime(2025, 1, 2, tzinfo=datetime.timezone.utc))
        event = old.get_model("cases", "CaseEvent").objects.create(
            case=case, seq=1, actor_label="old", action="report", to_status="reported", to_level="grid",
            owner_label="网格")
        old.get_model("cases", "CasePhoto").objects.create(case=case, event=event, file="x.png",
                                                           content_type="image/png", size=1)
        Notification_ = old.get_model("cases", "Notification")
        Notification_.objects.create(user=user, case=case, text="关于诉求")
        Notification_.objects.create(user=user, text="关爱走访到期")
        Notification_.objects.create(user=old.get_model("accounts", "User").objects.create(username="nopost"),
                                     text="没有岗位的人")
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    for model in (Building, Household, Resident, ResidentTag, Visit, CareReminder, Case, CaseEvent, CasePhoto):
        assert list(model.objects.values_list("county_code", flat=True)) == ["220183"], model
    assert sorted(Notification.objects.values_list("county_code", flat=True)) == ["", "220183", "220183"]

"""Ranking volunteers for a task: skill first, then the same grid, then availability,
then the lightest recent load; each candidate carries the reasons for its place."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from wangge.volunteers import services
from wangge.volunteers.matching import Fit, TaskFacts, VolunteerFacts, availability, rank, rank_volunteers
from wangge.volunteers.models import ServiceRecord, TaskStatus, Volunteer

from .conftest import MONDAY, SATURDAY

GRID = "220184001001001"
OTHER_GRID = "220184001001002"


def test_the_order_on_a_hand_made_set():
    task = TaskFacts(skill="errands", grid=GRID, day=SATURDAY, time_from=datetime.time(9), time_to=datetime.time(11))
    people = [
        VolunteerFacts(1, "甲·无技能·同网格·周末", skills=("cooking",), grid=GRID, availability="周末"),
        VolunteerFacts(2, "乙·有技能·别的网格·周末", skills=("errands",), grid=OTHER_GRID, availability="周末"),
        VolunteerFacts(3, "丙·有技能·同网格·工作日", skills=("errands",), grid=GRID, availability="工作日"),
        VolunteerFacts(4, "丁·有技能·同网格·未填", skills=("errands",), grid=GRID, availability=""),
        VolunteerFacts(5, "戊·有技能·同网格·周末上午·忙", skills=("errands", "driving"), grid=GRID,
                       availability="周末上午", recent_hours=Decimal("12.0"), recent_tasks=1),
        VolunteerFacts(6, "己·有技能·同网格·随时·闲", skills=("errands",), grid=GRID, availability="随时",
                       recent_hours=Decimal("2.0"), recent_tasks=3),
        VolunteerFacts(7, "庚·有技能·同网格·周六·闲", skills=("errands",), grid=GRID, availability="周六",
                       recent_hours=Decimal("2.0"), recent_tasks=1),
        VolunteerFacts(8, "辛·有技能·未登记住址·周末", skills=("errands",), grid="", availability="周末"),
    ]
    order = [c.facts.id for c in rank(task, people)]
    # skill > same grid > availability (fits, unknown, does not fit) > hours, then tasks, in the last 30 days
    assert order == [7, 6, 5, 4, 3, 2, 8, 1]


def test_each_candidate_says_why_and_gives_no_score():
    task = TaskFacts(skill="errands", grid=GRID, day=MONDAY, time_from=datetime.time(19))
    [first, second] = rank(task, [
        VolunteerFacts(1, "张", skills=("errands",), grid=GRID, availability="工作日晚上",
                       recent_hours=Decimal("3.5"), recent_tasks=2),
        VolunteerFacts(2, "王", skills=(), grid=OTHER_GRID, availability="周末"),
    ])
    assert first.reasons == ("有所需技能：代办跑腿", "住在同一网格", "可服务时间相符：工作日晚上",
                             "近30天已确认服务 3.5 小时、接单 2 次")
    assert second.reasons[:3] == ("无所需技能：代办跑腿", "同一社区", "可服务时间不符：周末")
    assert not hasattr(first, "score")


def test_a_task_without_a_skill_or_a_grid_ranks_by_availability_and_load():
    task = TaskFacts(skill="", grid="", day=MONDAY)
    order = rank(task, [
        VolunteerFacts(1, "A", availability="周末", recent_hours=Decimal(0)),
        VolunteerFacts(2, "B", availability="周一至周五", recent_hours=Decimal(5)),
        VolunteerFacts(3, "C", availability="", recent_hours=Decimal(0)),
    ])
    assert [c.facts.id for c in order] == [2, 3, 1]
    assert order[0].reasons[:2] == ("任务不限技能", "同一社区")


@pytest.mark.parametrize(("text", "day", "start", "end", "fit"), [
    ("周末", SATURDAY, None, None, Fit.YES),
    ("周末", MONDAY, None, None, Fit.NO),
    ("工作日晚上", MONDAY, 19, None, Fit.YES),
    ("工作日晚上", MONDAY, 9, 11, Fit.NO),
    ("周一至周五上午", MONDAY + datetime.timedelta(days=4), 9, 10, Fit.YES),  # Friday
    ("周一至周五上午", SATURDAY, 9, 10, Fit.NO),
    ("星期六、星期日下午", SATURDAY, 14, 16, Fit.YES),
    ("下午", MONDAY, 11, 13, Fit.YES),  # the window overlaps the afternoon
    ("下午", MONDAY, None, None, Fit.YES),  # a task without a time fits any part of its day
    ("全天", SATURDAY, 20, None, Fit.YES),
    ("随时可以", MONDAY, 7, None, Fit.YES),
    ("", MONDAY, 9, None, Fit.UNKNOWN),
    ("电话联系", MONDAY, 9, None, Fit.UNKNOWN),
])
def test_the_availability_rule(text, day, start, end, fit):
    t = (lambda h: datetime.time(h) if h is not None else None)
    assert availability(text, day, t(start), t(end)) == fit


def test_rank_volunteers_reads_grid_load_and_community_from_the_database(city, vol, make_task, head_scope):
    """李红 lives in the second grid; 赵 lives in the task's grid but served 4 hours
    this month; 钱 is just as near and has served nothing recently; 孙 is not active;
    周 belongs to another community."""
    task = make_task()
    near_busy = Volunteer.objects.create(name="赵", area=city.community, skills=["errands"], availability="周末",
                                         resident=city.resident)
    near_free = Volunteer.objects.create(name="钱", area=city.community, skills=["errands"], availability="周末",
                                         resident=city.resident)
    Volunteer.objects.create(name="孙", area=city.community, skills=["errands"], is_active=False)
    Volunteer.objects.create(name="周", area=city.other_community, skills=["errands"])
    today = timezone.localdate()
    ServiceRecord.objects.create(volunteer=near_busy, activity="义诊", date=today - datetime.timedelta(days=3),
                                 hours=Decimal(4), confirmed_by=city.community_head, confirmed_at=timezone.now())
    # Old and unconfirmed hours are no load.
    ServiceRecord.objects.create(volunteer=near_free, activity="义诊", date=today - datetime.timedelta(days=40),
                                 hours=Decimal(8), confirmed_by=city.community_head, confirmed_at=timezone.now())
    ServiceRecord.objects.create(volunteer=near_free, activity="义诊", date=today, hours=Decimal(8))

    ranked = rank_volunteers(task, scope=head_scope)
    assert [c.volunteer.name for c in ranked] == ["钱", "赵", "李红"]
    assert [(c.same_grid, c.facts.recent_hours) for c in ranked] == [
        (True, Decimal(0)), (True, Decimal(4)), (False, Decimal(0))]

    # An accepted task counts as load too.
    other = services.accept_task(scope=head_scope, actor=city.community_head, task=make_task(title="陪同就医"),
                                 volunteer=near_free)
    assert other.status == TaskStatus.ACCEPTED
    assert rank_volunteers(task, scope=head_scope)[0].facts.recent_tasks == 1

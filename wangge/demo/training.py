"""The article's training course (培训班) in the demo city, so the before/after comparison has figures.

"一个月前，由公主岭市委组织部、市委社工部联合主办的全市社区工作者专题培训班圆满结束" — a month before
七一 2025. The article gives no dates; the course is taken to be the last working week of May 2025, so that
its "after" begins where the case history's new way of working does (cases.COURSE_END, after the 端午
holiday). The attendees are the demo staff of the communities whose change the article tells: the heads
and community workers of 京华社区, 金融社区, 东洼社区 and 东风社区, and the grid workers of 京华社区 and
东洼社区. The course is recorded through stats.services.record_course by the city administrator, and its
registration time set to the course's last afternoon (the service stamps the real clock), so that two loads
give the same row.
"""
from __future__ import annotations

import datetime

from django.utils import timezone

from wangge.accounts.models import User
from wangge.accounts.roles import Role
from wangge.accounts.scope import Scope
from wangge.areas.codes import Level
from wangge.stats import services as stats
from wangge.stats.models import Course

from . import city
from .cases import COURSE_END

NAME = "全市社区工作者专题培训班"
ORGANISER = "中共公主岭市委组织部、中共公主岭市委社会工作部"
START = datetime.date(2025, 5, 26)
END = datetime.date(2025, 5, 30)
NOTE = ("提升社区工作者专业能力、服务精准度和治理效能：“网格+走访”主动发现，分层处置闭环，"
        "链接专业资源和志愿力量，每月将居民诉求转化为民生项目；心肺复苏等急救技能实操。")
# Whose communities' change the article tells: their heads and community workers attended, and these
# communities' grid workers too.
COMMUNITIES = ("京华社区", "金融社区", "东洼社区", "东风社区")
GRID_WORKERS_OF = ("京华社区", "东洼社区")

assert END < COURSE_END, "the course ends before the new way of working starts"


def attendees(accounts: list[city.DemoAccount]) -> list[str]:
    """The usernames of the demo staff who attended, in the order of the accounts."""
    codes = {spec.name: spec.code for spec in city.area_tree() if spec.level == Level.COMMUNITY}
    offices = {codes[name] for name in COMMUNITIES}
    grids = tuple(codes[name] for name in GRID_WORKERS_OF)
    return [
        a.username for a in accounts
        if (a.role in (Role.COMMUNITY_HEAD, Role.COMMUNITY_STAFF) and a.area_code in offices)
        or (a.role == Role.GRID_WORKER and a.area_code.startswith(grids))
    ]


def load(accounts: list[city.DemoAccount]) -> Course:
    """Record the course and its attendees as the city administrator."""
    admin = User.objects.get(username=next(a.username for a in accounts if a.role == Role.CITY_ADMIN))
    course = stats.record_course(
        scope=Scope.for_user(admin), actor=admin, name=NAME, organiser=ORGANISER, start_date=START, end_date=END,
        area=city.CITY_CODE, attendees=attendees(accounts), note=NOTE,
    )
    registered = datetime.datetime.combine(END, datetime.time(16, 30), tzinfo=timezone.get_default_timezone())
    Course.objects.filter(pk=course.pk).update(created_at=registered)
    course.created_at = registered
    return course

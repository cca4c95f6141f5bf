"""Writes of the stats app: the edited monthly briefing and training courses.

The figures themselves are never written: they are computed from what is recorded.
"""
from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.roles import AREA_ROLES
from wangge.accounts.scope import Scope
from wangge.areas.models import Area

from . import briefing
from .models import BriefingDraft, Course

MAX_DRAFT_CHARS = BriefingDraft._meta.get_field("text").max_length


def _month(month: str) -> str:
    try:
        briefing.month_bounds(month)
    except (TypeError, ValueError):
        raise ValidationError({"month": [_("月份格式应为 YYYY-MM")]})
    return month


def save_briefing_draft(*, scope: Scope, actor, area: str, month: str, title: str, text: str) -> BriefingDraft:
    """Keep an edited briefing of ``area`` for ``month``: one per area and month, the last save wins.
    Paragraphs are the non-empty lines of ``text``."""
    scope.require(area)
    place = scope.get_or_404(Area, code=area)
    month = _month(month)
    errors = {}
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        errors["title"] = [_("请填写标题")]
    if not text:
        errors["text"] = [_("请填写正文")]
    elif len(text) > MAX_DRAFT_CHARS:
        errors["text"] = [_("正文不能超过 %(n)s 字") % {"n": MAX_DRAFT_CHARS}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        draft, _created = BriefingDraft.objects.select_for_update().update_or_create(
            area=place, month=month, defaults={"title": title[:200], "text": text, "edited_by": actor},
        )
    return draft


def reset_briefing_draft(*, scope: Scope, area: str, month: str) -> bool:
    """重新生成: forget the edited text, so the briefing is generated again. True if there was one."""
    scope.require(area)
    month = _month(month)
    with transaction.atomic():
        deleted, _rows = scope.filter(BriefingDraft).filter(area_code=area, month=month).delete()
    return bool(deleted)


def course_attendee_choices(scope: Scope):
    """Who may be named as attending a course: active users holding a post (of an area role)
    in an area the recorder's scope covers."""
    return (
        get_user_model().objects.filter(scope.q("posts__area_code"), posts__role__in=AREA_ROLES, is_active=True)
        .distinct().order_by("username")
    )


def record_course(*, scope: Scope, actor, name: str, start_date: datetime.date, end_date: datetime.date,
                  area: str, attendees: list[str] = (), organiser: str = "", note: str = "") -> Course:
    """Record a training course held for ``area`` (in the recorder's scope) and who attended it
    (usernames of staff in the recorder's scope)."""
    errors = {}
    area = (area or "").strip()
    if not area:
        errors["area"] = [_("请选择区域")]
        place = None
    else:
        scope.require(area)
        place = Area.objects.filter(code=area).first()
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写培训班名称")]
    if not start_date:
        errors["start_date"] = [_("请填写开始日期")]
    if not end_date:
        errors["end_date"] = [_("请填写结束日期")]
    elif start_date and end_date < start_date:
        errors["end_date"] = [_("结束日期不能早于开始日期")]
    usernames = list(dict.fromkeys(u.strip() for u in attendees or () if u and u.strip()))
    people = list(course_attendee_choices(scope).filter(username__in=usernames))
    missing = sorted(set(usernames) - {u.username for u in people})
    if missing:
        errors["attendees"] = [_("未找到，或不在您的管辖范围内：%(names)s") % {"names": ", ".join(missing)}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        course = Course.objects.create(
            name=name[:200], organiser=(organiser or "").strip()[:200], start_date=start_date, end_date=end_date,
            area=place, note=(note or "").strip(), created_by=actor,
        )
        course.attendees.set(people)
    return course

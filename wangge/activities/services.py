"""Writes of activities. Partners, volunteers and residents named must be visible
to the actor; the organising area must be in scope."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import Scope
from wangge.areas.selectors import area_field
from wangge.cases import photos as photo_checks
from wangge.cases.models import Category
from wangge.partners.selectors import partners_for
from wangge.people.models import Resident
from wangge.volunteers import services as volunteer_services
from wangge.volunteers.models import Volunteer

from .models import Activity, ActivityKind, ActivityPhoto

FIELDS = ("title", "kind", "date", "place", "participants", "outcome")
MAX_REPEATS = 24
#: Photos one activity may hold (each within WANGGE_CASE_PHOTO_MAX_BYTES, like a case's).
MAX_PHOTOS = 30


def _rows(queryset, ids, name: str, errors: dict) -> list:
    ids = list(dict.fromkeys(ids or []))
    found = list(queryset.filter(pk__in=ids))
    if len(found) != len(ids):
        errors[name] = [_("未找到，或不在您的管辖范围内：%(ids)s") % {
            "ids": ", ".join(str(i) for i in sorted(set(ids) - {r.pk for r in found}))}]
    return found


def _links(scope: Scope, data: dict, errors: dict) -> dict:
    links = {}
    if data.get("partners") is not None:
        links["partners"] = _rows(partners_for(scope), data["partners"], "partners", errors)
    if data.get("volunteers") is not None:
        links["volunteers"] = _rows(scope.filter(Volunteer), data["volunteers"], "volunteers", errors)
    if data.get("residents") is not None:
        links["residents"] = _rows(scope.filter(Resident), data["residents"], "residents", errors)
    return links


def _check(activity: Activity, scope: Scope, data: dict, errors: dict) -> None:
    if not (activity.title or "").strip():
        errors["title"] = [_("请填写活动名称")]
    if not activity.kind:
        errors["kind"] = [_("请选择类型")]
    elif activity.kind not in ActivityKind.values:
        errors["kind"] = [_("不在可选值内：%(value)s") % {"value": activity.kind}]
    if activity.date is None:
        errors["date"] = [_("请填写日期")]
    if activity.participants is None or activity.participants < 0:
        errors["participants"] = [_("服务人次不能为负数")]
    if data.get("category"):
        activity.category = Category.objects.filter(code=data["category"]).first()
        if activity.category is None:
            errors["category"] = [_("未知问题分类")]
    elif "category" in data:
        activity.category = None


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def create_activity(*, scope: Scope, actor, data: dict) -> list[Activity]:
    """One activity, or a recurring series: ``repeat_every_months`` and ``repeat_count``
    create that many activities (the first on ``date``) sharing the ``series`` label
    (the title when none is given). Each later one starts with no participants."""
    errors: dict = {}
    area = area_field(scope, data.get("area"), errors)
    activity = Activity(area=area, created_by=actor, **{f: data[f] for f in FIELDS if data.get(f) is not None})
    _check(activity, scope, data, errors)
    links = _links(scope, data, errors)
    every, count = data.get("repeat_every_months") or 0, data.get("repeat_count") or 1
    if count > 1 and not (1 <= every <= 12) or not (1 <= count <= MAX_REPEATS):
        errors["repeat"] = [_("重复：每 1–12 个月一次，最多 %(n)s 次") % {"n": MAX_REPEATS}]
    if errors:
        raise ValidationError(errors)
    if count > 1:
        activity.series = (data.get("series") or activity.title)[:100]
    else:
        activity.series = (data.get("series") or "")[:100]
    created = []
    with transaction.atomic():
        for i in range(count):
            row = Activity(**{f.attname: getattr(activity, f.attname) for f in Activity._meta.concrete_fields
                              if f.name not in ("id", "created_at")})
            if i:
                row.date, row.participants, row.outcome = _add_months(activity.date, every * i), 0, ""
            row.save()
            for name, rows in links.items():
                getattr(row, name).set(rows if i == 0 or name == "partners" else [])
            created.append(row)
    return created


def update_activity(*, scope: Scope, activity: Activity, data: dict) -> Activity:
    scope.require(activity.area_code)
    errors: dict = {}
    if data.get("area"):
        activity.area = area_field(scope, data["area"], errors)
    for name in FIELDS + ("series",):
        if data.get(name) is not None:
            setattr(activity, name, data[name])
    _check(activity, scope, data, errors)
    links = _links(scope, data, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        activity.save()
        for name, rows in links.items():
            getattr(activity, name).set(rows)
    return activity


def delete_activity(*, scope: Scope, activity: Activity) -> None:
    scope.require(activity.area_code)
    activity.delete()


def record_outcome(*, scope: Scope, actor, activity: Activity, participants: int | None = None,
                   outcome: str | None = None, volunteers: list[int] | None = None,
                   residents: list[int] | None = None, hours: dict | None = None) -> Activity:
    """After the activity: people served (服务人次), outcome, who served and who was served.

    ``hours`` maps a volunteer id to the hours of actual service they gave (no travel);
    each becomes that volunteer's service record linked to the activity, confirmed by
    the actor as its organiser, and the volunteer joins the activity. A volunteer's
    hours are recorded once per activity; volunteers with a record stay on it.
    Everything is written or nothing is."""
    scope.require(activity.area_code)
    errors: dict = {}
    hours = {int(pk): value for pk, value in (hours or {}).items() if value not in (None, "")}
    recorded = set(activity.service_records.values_list("volunteer_id", flat=True))
    if hours and activity.date > timezone.localdate():
        errors["hours"] = [_("活动还没有举行，举行后再登记服务时长")]
    twice = sorted(set(hours) & recorded)
    if twice:
        errors["hours"] = [_("已登记过服务时长的志愿者：%(names)s") % {"names": "、".join(
            Volunteer.objects.filter(pk__in=twice).values_list("name", flat=True))}]
    data: dict = {}
    if participants is not None:
        data["participants"] = participants
    if outcome is not None:
        data["outcome"] = outcome
    if residents is not None:
        data["residents"] = residents
    if volunteers is not None or hours:
        current = set(activity.volunteers.values_list("pk", flat=True)) if volunteers is None else set(volunteers)
        data["volunteers"] = sorted(current | set(hours) | recorded)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        activity = update_activity(scope=scope, activity=activity, data=data)
        for volunteer in Volunteer.objects.filter(pk__in=hours).order_by("name", "pk"):
            try:
                volunteer_services.record_service(scope=scope, actor=actor, volunteer=volunteer, data={
                    "linked_activity": activity.pk, "date": activity.date, "hours": hours[volunteer.pk],
                    "confirm": True,
                })
            except ValidationError as exc:
                messages = [m for field in exc.message_dict.values() for m in field]
                errors.setdefault("hours", []).extend(f"{volunteer.name}：{m}" for m in messages)
        if errors:
            transaction.set_rollback(True)
    if errors:
        activity.refresh_from_db()
        raise ValidationError(errors)
    return activity


def add_photos(*, scope: Scope, actor, activity: Activity, photos) -> list[ActivityPhoto]:
    """Photos of an activity (JPEG, PNG or WebP by their content, each within the size
    limit of case photos, at most MAX_PHOTOS per activity)."""
    scope.require(activity.area_code)
    photos = [p for p in photos or [] if p]
    if not photos:
        raise ValidationError({"photos": [_("请选择照片")]})
    if activity.photos.count() + len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("每次活动最多 %(n)s 张照片") % {"n": MAX_PHOTOS}]})
    checked = photo_checks.check(photos, existing=0, limit=len(photos))
    saved = []
    with transaction.atomic():
        for upload, content_type in checked:
            photo = ActivityPhoto(activity=activity, content_type=content_type, size=upload.size, uploaded_by=actor)
            photo.file.save(f"photo.{photo.extension}", upload, save=True)
            saved.append(photo)
    return saved


def remove_photo(*, scope: Scope, activity: Activity, photo_id: int) -> None:
    scope.require(activity.area_code)
    photo = activity.photos.filter(pk=photo_id).first()
    if photo is None:
        raise ValidationError({"photos": [_("未找到该照片")]})
    photo.file.delete(save=False)
    photo.delete()

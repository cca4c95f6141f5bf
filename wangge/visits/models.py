"""Visits (走访): recurring sweeps, visit records with the needs they surface,
and the care-visit frequency of each key-population tag.

A visit is written once, by the worker on the spot, and every list and figure
(work lists, care due dates, coverage, blind spots, the cases it raised) is
read from it: nobody types it again anywhere (一表通).
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.areas.county import InCounty, county_check

from . import care


class Kind(models.TextChoices):
    HOME = "home", _("入户走访")
    PHONE = "phone", _("电话")
    STREET_CHAT = "street_chat", _("站墙根唠家常")
    PATROL = "patrol", _("巡查")


# Kinds that meet a household's people: only these are allowed at a household,
# and they are what care visits and household coverage count. A patrol looks
# at places (buildings, estates, public places), where a chat can happen too.
PEOPLE_KINDS = (Kind.HOME, Kind.PHONE, Kind.STREET_CHAT)
PLACE_KINDS = (Kind.STREET_CHAT, Kind.PATROL)


class Weekday(models.IntegerChoices):
    """ISO weekdays, as date.isoweekday() counts them."""

    MONDAY = 1, _("周一")
    TUESDAY = 2, _("周二")
    WEDNESDAY = 3, _("周三")
    THURSDAY = 4, _("周四")
    FRIDAY = 5, _("周五")
    SATURDAY = 6, _("周六")
    SUNDAY = 7, _("周日")


class VisitPlan(models.Model):
    """走访计划: a community's recurring sweep, e.g. every Wednesday and Friday all
    staff go down to the grids. Each day it occurs is a work list per participant."""

    name = models.CharField(_("名称"), max_length=100)
    community = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="visit_plans", verbose_name=_("社区")
    )
    area_code = models.CharField(_("社区代码"), max_length=15, db_index=True, editable=False)
    weekdays = models.JSONField(_("走访日"), default=list, help_text=_("ISO 星期：1=周一 … 7=周日"))
    all_staff = models.BooleanField(_("全员参加"), default=True, help_text=_("社区全体工作人员和网格员"))
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="visit_plans", verbose_name=_("参加人员")
    )
    grids = models.ManyToManyField(
        "areas.Area", blank=True, related_name="+", verbose_name=_("网格"), help_text=_("留空：社区全部网格")
    )
    target_households = models.PositiveSmallIntegerField(_("每人每次目标户数"), default=20)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_field = "area_code"

    class Meta:
        ordering = ["area_code", "name", "id"]
        verbose_name = _("走访计划")
        verbose_name_plural = _("走访计划")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.area_code = self.community.code
        super().save(*args, **kwargs)

    def occurs_on(self, day) -> bool:
        return (
            self.is_active
            and day.isoweekday() in self.weekdays
            and self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
        )

    @property
    def weekday_labels(self) -> list[str]:
        return [str(Weekday(d).label) for d in sorted(self.weekdays)]


class Visit(InCounty):
    """One visit: to a household, or to a building, an estate or a public place.

    ``client_id`` is made by the phone before sending, so that an entry sent
    twice (a lost answer, a resend after the signal returns) is recorded once.
    A household visit also stores its building and estate, so that "buildings
    never visited" and the per-building layer read one column.
    """

    # Unique with the county (the key a table distributed by county can enforce); a random UUID is unique
    # anyway, and services look it up alone to answer a resend wherever it was recorded.
    client_id = models.UUIDField(_("客户端编号"))
    household = models.ForeignKey(
        "areas.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="visits",
        verbose_name=_("户"),
    )
    building = models.ForeignKey(
        "areas.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="visits",
        verbose_name=_("楼栋"),
    )
    estate = models.ForeignKey(
        "areas.Estate", null=True, blank=True, on_delete=models.PROTECT, related_name="visits",
        verbose_name=_("小区"),
    )
    place_name = models.CharField(_("地点"), max_length=100, blank=True, help_text=_("公共场所，如文化广场"))
    area_code = models.CharField(_("所属区域代码"), max_length=15, db_index=True)
    visitors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="visits", verbose_name=_("走访人"))
    visited_at = models.DateTimeField(_("走访时间"), db_index=True)
    kind = models.CharField(_("方式"), max_length=12, choices=Kind.choices)
    met = models.CharField(_("见到"), max_length=200, blank=True)
    summary = models.TextField(_("情况"), max_length=2000, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recorded_visits", verbose_name=_("记录人")
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_field = "area_code"

    class Meta:
        ordering = ["-visited_at", "-id"]
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        indexes = [
            models.Index(fields=["household", "visited_at"], name="visit_household_latest"),
            models.Index(fields=["area_code", "visited_at"], name="visit_area_period"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=True) | Q(building__isnull=False), name="visit_household_has_building"
            ),
            models.UniqueConstraint(fields=["client_id", "county_code"], name="visit_unique_client_id"),
            county_check("visit"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.place_label}"

    @property
    def place_label(self) -> str:
        if self.household_id:
            return self.household.address
        if self.building_id:
            return str(self.building)
        if self.estate_id:
            return self.estate.name
        return self.place_name


class Need(models.Model):
    """诉求: a need a visit surfaced. Either solved on the spot (小事当场办) or
    turned into a case (走访发现), never neither: a need noted and left is lost."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="needs", verbose_name=_("走访"))
    text = models.TextField(_("内容"), max_length=1000)
    category = models.ForeignKey(
        "cases.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("分类")
    )
    solved_on_spot = models.BooleanField(_("当场解决"), default=False)
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="need", verbose_name=_("诉求单")
    )

    scope_field = "visit__area_code"

    class Meta:
        ordering = ["visit", "id"]
        verbose_name = _("走访诉求")
        verbose_name_plural = _("走访诉求")
        constraints = [
            models.CheckConstraint(
                condition=Q(solved_on_spot=True, case__isnull=True) | Q(solved_on_spot=False, case__isnull=False),
                name="need_solved_or_case",
            ),
        ]

    def __str__(self):
        return self.text[:40]


class CarePolicy(models.Model):
    """关爱走访频次: how often residents with a tag are visited, and on which fixed
    days besides (七一, 春节). Set by the city administrator; see care.py for the arithmetic."""

    tag = models.OneToOneField(
        "people.Tag", on_delete=models.CASCADE, related_name="care_policy", verbose_name=_("重点人群")
    )
    interval_days = models.PositiveSmallIntegerField(
        _("走访间隔（天）"), null=True, blank=True, help_text=_("至少每隔多少天走访一次；留空：只在固定日期走访")
    )
    fixed_dates = models.JSONField(
        _("固定走访日"), default=list, blank=True,
        help_text=_("如 [\"07-01\", \"spring_festival\"]：月-日，或 spring_festival（春节，按农历逐年换算）"),
    )
    lead_days = models.PositiveSmallIntegerField(
        _("提前天数"), default=care.DEFAULT_LEAD_DAYS, help_text=_("固定日期前多少天内的走访算作当次走访")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["tag__sort_order", "tag__code"]
        verbose_name = _("关爱走访频次")
        verbose_name_plural = _("关爱走访频次")

    def __str__(self):
        return str(self.tag)

    def clean(self):
        errors = {}
        if self.interval_days is None and not self.fixed_dates:
            errors["interval_days"] = _("请填写走访间隔或固定走访日")
        if self.interval_days == 0:
            errors["interval_days"] = _("间隔至少为 1 天")
        if not isinstance(self.fixed_dates, list):
            errors["fixed_dates"] = _("固定走访日须为列表")
        else:
            bad = [spec for spec in self.fixed_dates if not care.is_valid_occasion(spec)]
            if bad:
                errors["fixed_dates"] = _("无法识别：%(specs)s（月-日如 07-01，或 spring_festival）") % {
                    "specs": ", ".join(map(str, bad))
                }
        if errors:
            raise ValidationError(errors)

    @property
    def rule(self) -> care.Rule:
        return care.Rule(
            tag=self.tag.code, interval_days=self.interval_days,
            fixed_dates=tuple(self.fixed_dates), lead_days=self.lead_days,
        )


class CareReminder(InCounty):
    """A reminder already sent: one per resident, due date and stage, so that
    running the reminder job twice a day does not ring twice."""

    class Stage(models.TextChoices):
        DUE = "due", _("今日到期")
        OVERDUE = "overdue", _("已超期")

    resident = models.ForeignKey("people.Resident", on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    stage = models.CharField(max_length=8, choices=Stage.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    county_from = "resident"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resident", "due_on", "stage", "county_code"], name="care_reminder_once"),
        ]

"""Cases (诉求/事件), their append-only events and photos, categories, routing
rules, holidays and notifications.

The case row holds the current state for fast lists; every change to it also
appends a CaseEvent in the same transaction (services.py is the only writer).
"""
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wangge.areas.codes import Level
from wangge.areas.county import CountyQuerySet, InCounty, county_check

from .states import ACTIVE, Action, Status


class Category(models.Model):
    """A class of problem (问题分类), two levels deep: top classes and their sub-classes.
    Configured by the city administrator; a retired class stays on its old cases."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级分类")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("问题分类")
        verbose_name_plural = _("问题分类")

    def __str__(self):
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name

    @property
    def label(self) -> str:
        """The name in the page's language: categories carry their own English name."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def full_label(self) -> str:
        return f"{self.parent.label}/{self.label}" if self.parent_id else self.label

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("分类只有两级：上级分类须为一级分类")})


class RoutingRule(models.Model):
    """Where a category starts and how long each level has (分级处置规则).

    The rule for a case is the most specific match: its sub-class at its level,
    its sub-class at any level, its top class (likewise), then a rule for all
    categories; with none, routing.FALLBACK applies. A rule gives a time limit in
    working days or in clock hours, never both; ``start_level`` (the lowest
    level that takes the category, "小事不出网格、大事不出社区") is read from rules
    for any level only, and blank there means "as the broader rule says".
    """

    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="routing_rules",
        verbose_name=_("问题分类"), help_text=_("留空：适用于所有分类"),
    )
    level = models.CharField(
        _("处置层级"), max_length=10, choices=Level.choices, blank=True, help_text=_("留空：适用于各层级")
    )
    start_level = models.CharField(
        _("起始层级"), max_length=10, choices=Level.choices, blank=True, help_text=_("新诉求从哪一级开始处置")
    )
    working_days = models.PositiveSmallIntegerField(_("时限（工作日）"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("时限（小时）"), null=True, blank=True)
    partner_type = models.CharField(_("建议联建单位类型"), max_length=50, blank=True)

    class Meta:
        ordering = ["category__code", "level"]
        verbose_name = _("分级处置规则")
        verbose_name_plural = _("分级处置规则")
        constraints = [
            models.UniqueConstraint(fields=["category", "level"], name="routing_rule_unique"),
            models.UniqueConstraint(
                fields=["level"], condition=Q(category__isnull=True), name="routing_rule_unique_default"
            ),
            models.CheckConstraint(
                condition=Q(working_days__isnull=False, hours__isnull=True)
                | Q(working_days__isnull=True, hours__isnull=False),
                name="routing_rule_one_time_limit",
            ),
            models.CheckConstraint(condition=Q(level="") | Q(start_level=""), name="routing_rule_start_any_level"),
        ]

    def __str__(self):
        limit = _("%(n)s个工作日") % {"n": self.working_days} if self.hours is None else _("%(n)s小时") % {"n": self.hours}
        return f"{self.category or _('所有分类')} · {self.get_level_display() or _('各层级')} · {limit}"

    def clean(self):
        if (self.working_days is None) == (self.hours is None):
            raise ValidationError(_("请填写时限：工作日或小时，二选一"))
        if self.level and self.start_level:
            raise ValidationError({"start_level": _("起始层级只能在“各层级”规则上设置")})


class Holiday(models.Model):
    """A day that breaks the Monday–Friday rule: a public holiday, or a weekend day
    worked in exchange (调休上班). Entered each year from the State Council's notice."""

    date = models.DateField(_("日期"), unique=True)
    name = models.CharField(_("名称"), max_length=40, blank=True)
    is_workday = models.BooleanField(_("调休上班"), default=False, help_text=_("勾选：此日为周末调休上班日"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")

    def __str__(self):
        return f"{self.date} {self.name}"


class Source(models.TextChoices):
    VISIT = "visit", _("走访发现")
    PATROL = "patrol", _("巡查")
    RESIDENT = "resident", _("居民上报")
    HOTLINE = "hotline", _("12345热线")
    PARTNER = "partner", _("联建单位")
    ASSIGNED = "assigned", _("上级交办")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    EMERGENCY = "emergency", _("特急")


class OwnerKind(models.TextChoices):
    OFFICE = "office", _("层级")
    USER = "user", _("个人")
    PARTNER = "partner", _("联建单位")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class CaseCounter(models.Model):
    """The last case number given out in a year; its row is locked while a number is drawn."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Case(InCounty):
    # Both are unique in the whole install (a counter per year, a code drawn until unused: services.py);
    # the database keys them with the county, the form a table distributed by county can enforce.
    number = models.CharField(_("编号"), max_length=20, editable=False)
    tracking = models.CharField(_("查询码"), max_length=12, editable=False)
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("描述"), max_length=2000)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("分类"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)

    # Where: always a grid; optionally a building or household in it, and a point.
    grid = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="cases", verbose_name=_("网格"))
    area_code = models.CharField(_("所属网格代码"), max_length=15, db_index=True, editable=False)
    building = models.ForeignKey(
        "areas.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name=_("楼栋")
    )
    household = models.ForeignKey(
        "areas.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name=_("户")
    )
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)

    # Who reported it: a staff user, or a resident's phone (and the resident, when known).
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="reported_cases", verbose_name=_("上报人"),
    )
    reporter_phone = models.CharField(_("反映人电话"), max_length=20, blank=True)
    reporter_resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT,
        related_name="cases", verbose_name=_("反映人"),
    )

    # Who has it: the handling level, whose office (the grid's ancestor at that
    # level, states.office_code) answers for it, and who works on it.
    level = models.CharField(_("处置层级"), max_length=10, choices=Level.choices)
    owner_area = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="owned_cases", verbose_name=_("承办层级单位")
    )
    owner_kind = models.CharField(_("承办方式"), max_length=10, choices=OwnerKind.choices, default=OwnerKind.OFFICE)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="owned_cases", verbose_name=_("承办人"),
    )
    # The partner's name as dispatched (kept for history and for dispatches by name
    # alone), and the organisation itself when known: its staff see and work the case.
    owner_partner = models.CharField(_("承办联建单位"), max_length=100, blank=True)
    owner_partner_org = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT,
        related_name="cases", verbose_name=_("承办联建单位（机构）"),
    )

    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REPORTED, db_index=True)
    deadline = models.DateTimeField(_("办理时限"), db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    reopened_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    escalated_count = models.PositiveSmallIntegerField(_("升级次数"), default=0)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates", verbose_name=_("合并至")
    )

    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)

    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_field = "area_code"

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        indexes = [
            models.Index(fields=["status", "deadline"], name="case_status_deadline"),
            # The escalation job's query (services._overdue): only the active cases below the
            # city level, in deadline order; a few thousand rows however many cases are closed.
            models.Index(
                fields=["deadline", "id"], name="case_overdue",
                condition=Q(status__in=sorted(ACTIVE)) & ~Q(level=Level.CITY),
            ),
            models.Index(fields=["owner_area", "level", "status"], name="case_office_queue"),
            # The figures' period filters (stats.figures: accepted, closed, rated in a period).
            models.Index(fields=["accepted_at"], name="case_accepted_at"),
            models.Index(fields=["closed_at"], name="case_closed_at"),
            models.Index(fields=["rated_at"], name="case_rated_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_kind=OwnerKind.USER, owner_user__isnull=False)
                | Q(owner_kind=OwnerKind.PARTNER, owner_user__isnull=True) & ~Q(owner_partner="")
                | Q(owner_kind=OwnerKind.OFFICE, owner_user__isnull=True, owner_partner=""),
                name="case_exactly_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(owner_partner_org__isnull=True) | Q(owner_kind=OwnerKind.PARTNER),
                name="case_partner_org_only_when_partner",
            ),
            # The county last: the unique indexes still serve lookups by number or tracking code alone.
            models.UniqueConstraint(fields=["number", "county_code"], name="case_unique_number"),
            models.UniqueConstraint(fields=["tracking", "county_code"], name="case_unique_tracking"),
            county_check("case"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        if not self.area_code:
            self.area_code = self.grid.code
        super().save(*args, **kwargs)

    @property
    def is_overdue(self) -> bool:
        return self.status in ACTIVE and self.deadline < timezone.now()


class AppendOnlyQuerySet(CountyQuerySet):
    """Events are history: rows are added, never changed or removed, not even in bulk."""

    def update(self, **kwargs):
        raise TypeError("case events are append-only")

    def delete(self):
        raise TypeError("case events are append-only")


class CaseEvent(InCounty):
    """One change of a case: who, when, from and to which status and level, to whom, why."""

    county_from = "case"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("诉求"))
    seq = models.PositiveIntegerField(_("序号"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="case_events", verbose_name=_("操作人"),
    )
    # Kept as written at the time, so a later rename or post change does not rewrite history.
    actor_label = models.CharField(_("操作人"), max_length=100)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    from_status = models.CharField(_("原状态"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=Status.choices)
    from_level = models.CharField(_("原层级"), max_length=10, choices=Level.choices, blank=True)
    to_level = models.CharField(_("新层级"), max_length=10, choices=Level.choices)
    owner_label = models.CharField(_("承办"), max_length=150)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["case", "seq"]
        verbose_name = _("诉求记录")
        verbose_name_plural = _("诉求记录")
        constraints = [models.UniqueConstraint(fields=["case", "seq", "county_code"], name="case_event_unique_seq")]
        # Escalations in a period (stats.figures.escalated).
        indexes = [models.Index(fields=["action", "created_at"], name="case_event_action_time")]

    def __str__(self):
        return f"{self.case_id}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("case events are append-only")


def photo_path(photo: "CasePhoto", filename: str) -> str:
    """A random name under the county and month: the uploader's file name may carry personal data."""
    now = timezone.localtime()
    return f"cases/{photo.case.area_code[:6]}/{now:%Y/%m}/{uuid.uuid4().hex}.{photo.extension}"


class CasePhoto(InCounty):
    """A photo of a case, attached to the event it came with (before: report; after: handling)."""

    county_from = "case"

    EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="photos", verbose_name=_("诉求"))
    event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, related_name="photos", verbose_name=_("记录"))
    file = models.FileField(_("文件"), upload_to=photo_path)
    content_type = models.CharField(_("类型"), max_length=20)
    size = models.PositiveIntegerField(_("大小（字节）"))
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        ordering = ["case", "id"]
        verbose_name = _("诉求照片")
        verbose_name_plural = _("诉求照片")

    @property
    def extension(self) -> str:
        return self.EXTENSIONS[self.content_type]


class Notification(InCounty):
    """An in-app notification (the bell): one user, usually about one case."""

    county_from = "case"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("接收人")
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("诉求")
    )
    text = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.text

    @classmethod
    def county_without_parent(cls, notifications: list["Notification"]) -> None:
        """A notification about no case (a care reminder, a help task gone unanswered) is filed
        under its recipient's county: that of their first post, in code order."""
        from wangge.accounts.models import Post

        first: dict[int, str] = {}
        posts = Post.objects.filter(user_id__in={n.user_id for n in notifications}).order_by("area_code")
        for user_id, code in posts.values_list("user_id", "area_code"):
            first.setdefault(user_id, code[:6])
        for notification in notifications:
            notification.county_code = first.get(notification.user_id, "")

"""Volunteers (志愿者), their teams (志愿服务队) and service records (志愿服务记录).

A volunteer is registered in a community (``area_code``, the scope field) and
may be linked to a resident who lives here. A service record follows the
national volunteer-record rules (《志愿服务记录与证明出具办法》): who, what,
when, and the hours of actual service (no travel time), confirmed by the
organiser; only confirmed records count in totals.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Skill(models.TextChoices):
    MEDICAL = "medical", _("医疗")
    LEGAL = "legal", _("法律")
    REPAIR = "repair", _("维修")
    DRIVING = "driving", _("驾驶")
    COOKING = "cooking", _("烹饪")
    PSYCHOLOGICAL = "psychological", _("心理疏导")
    CPR = "cpr", _("急救（心肺复苏）")
    ERRANDS = "errands", _("代办跑腿")
    TEACHING = "teaching", _("教学辅导")
    OTHER = "other", _("其他")


class Volunteer(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="volunteers", verbose_name=_("所在社区"))
    area_code = models.CharField(_("所在社区代码"), max_length=15, db_index=True, editable=False)
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="volunteer_records",
        verbose_name=_("对应居民"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="volunteer_profiles",
        verbose_name=_("登录账号"),
    )
    skills = models.JSONField(_("技能"), default=list, blank=True)
    availability = models.CharField(_("可服务时间"), max_length=200, blank=True)
    is_governance_partner = models.BooleanField(_("治理合伙人"), default=False)
    is_active = models.BooleanField(_("在册"), default=True)
    registered_at = models.DateField(_("注册日期"), auto_now_add=True)

    scope_field = "area_code"

    class Meta:
        ordering = ["area_code", "name", "id"]
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.area_code = self.area.code
        super().save(*args, **kwargs)


class Team(models.Model):
    name = models.CharField(_("队名"), max_length=100)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="volunteer_teams", verbose_name=_("所属区域"))
    area_code = models.CharField(_("所属区域代码"), max_length=15, db_index=True, editable=False)
    leader = models.ForeignKey(
        Volunteer, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams", verbose_name=_("队长")
    )
    members = models.ManyToManyField(Volunteer, blank=True, related_name="teams", verbose_name=_("队员"))
    description = models.CharField(_("简介"), max_length=500, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    scope_field = "area_code"

    class Meta:
        ordering = ["area_code", "name"]
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        constraints = [models.UniqueConstraint(fields=["area_code", "name"], name="team_unique_name_in_area")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.area_code = self.area.code
        super().save(*args, **kwargs)


class ServiceRecord(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="records", verbose_name=_("志愿者"))
    area_code = models.CharField(_("区域代码"), max_length=15, db_index=True, editable=False)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="records", verbose_name=_("服务队")
    )
    # What was done, in words: kept for records made before activities existed, and for
    # service outside any activity; a record made on an activity also points at it.
    activity = models.CharField(_("服务项目"), max_length=200)
    linked_activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="service_records",
        verbose_name=_("服务活动"),
    )
    date = models.DateField(_("服务日期"), db_index=True)
    hours = models.DecimalField(
        _("服务时长（小时）"), max_digits=4, decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(24))],
        help_text=_("实际服务时间，不含往返路程"),
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("记录人")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("确认人"),
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_field = "area_code"

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("志愿服务记录")
        verbose_name_plural = _("志愿服务记录")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=24), name="service_record_hours_range"),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True, confirmed_at__isnull=True)
                | Q(confirmed_by__isnull=False, confirmed_at__isnull=False),
                name="service_record_confirmed_pair",
            ),
            # One record per volunteer and activity: recording an activity twice adds no hours.
            models.UniqueConstraint(
                fields=["volunteer", "linked_activity"], condition=Q(linked_activity__isnull=False),
                name="service_record_once_per_activity",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} {self.date} {self.hours}h"

    def save(self, *args, **kwargs):
        self.area_code = self.volunteer.area_code
        super().save(*args, **kwargs)

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待接单")
    ESCALATED = "escalated", _("超时转社区")
    ACCEPTED = "accepted", _("已接单")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


#: A task still waiting for a volunteer: offered to volunteers, open to changes.
UNACCEPTED = (TaskStatus.OPEN, TaskStatus.ESCALATED)


class HelpTask(models.Model):
    """求助任务: a need (an errand for a very old resident, 红色代办) offered to the
    volunteers of a community. Open → accepted → done, or cancelled; a task nobody
    accepts within WANGGE_TASK_ACCEPT_HOURS is escalated to the community's staff,
    and stays on offer. Completing it writes the volunteer's service record."""

    title = models.CharField(_("任务"), max_length=100)
    description = models.TextField(_("说明"), max_length=2000, blank=True)
    skill = models.CharField(_("所需技能"), max_length=20, choices=Skill.choices, blank=True)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="help_tasks", verbose_name=_("区域"))
    area_code = models.CharField(_("区域代码"), max_length=15, db_index=True, editable=False)
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="help_tasks",
        verbose_name=_("服务对象"),
    )
    household = models.ForeignKey(
        "areas.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="help_tasks",
        verbose_name=_("户"),
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks", verbose_name=_("服务队")
    )
    need = models.ForeignKey(
        "visits.Need", null=True, blank=True, on_delete=models.SET_NULL, related_name="help_tasks",
        verbose_name=_("走访诉求"),
    )
    needed_on = models.DateField(_("需要日期"), db_index=True)
    time_from = models.TimeField(_("开始时间"), null=True, blank=True)
    time_to = models.TimeField(_("结束时间"), null=True, blank=True)
    estimated_hours = models.DecimalField(_("预计时长（小时）"), max_digits=4, decimal_places=1, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN,
                              db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("发布人")
    )
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now, db_index=True)
    volunteer = models.ForeignKey(
        Volunteer, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("接单志愿者")
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("接单操作人"),
    )
    accepted_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("转社区时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("完成登记人"),
    )
    record = models.OneToOneField(
        ServiceRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="task",
        verbose_name=_("服务记录"),
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)

    scope_field = "area_code"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("求助任务")
        verbose_name_plural = _("求助任务")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "escalated", "cancelled"]) | Q(volunteer__isnull=False),
                name="help_task_accepted_has_volunteer",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="help_task_status_created")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.area_code = self.area.code
        super().save(*args, **kwargs)

    @property
    def community_code(self) -> str:
        return self.area_code[:12]

    @property
    def is_unaccepted(self) -> bool:
        return self.status in UNACCEPTED

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
    # Activities and tasks get their own apps later; until then the record names what was done.
    activity = models.CharField(_("服务项目"), max_length=200)
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
        ]

    def __str__(self):
        return f"{self.volunteer} {self.date} {self.hours}h"

    def save(self, *args, **kwargs):
        self.area_code = self.volunteer.area_code
        super().save(*args, **kwargs)

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

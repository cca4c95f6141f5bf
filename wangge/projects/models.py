"""Projects (民生项目): each month, staff turn related open demands into a project —
eight leaking-roof cases in one old estate become a roof repair — with the cases it
answers, the partners and volunteers who do the work, the residents involved, a plan,
and at the end a result that is written into every linked case's timeline.

A project belongs to a community or a street (``area_code``, its scope field) and to
a month (``month``, "YYYY-MM"). services.py is the only writer.
"""
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MONTH_RE = r"^\d{4}-(0[1-9]|1[0-2])$"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("已立项")
    IN_PROGRESS = "in_progress", _("实施中")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")


# A project still under way: its cases are taken (a case is in at most one of these).
OPEN_STATUSES = (ProjectStatus.PLANNED, ProjectStatus.IN_PROGRESS)


class Project(models.Model):
    title = models.CharField(_("项目名称"), max_length=100)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="projects", verbose_name=_("所属区域"))
    area_code = models.CharField(_("所属区域代码"), max_length=15, db_index=True, editable=False)
    month = models.CharField(
        _("所属月份"), max_length=7, db_index=True, validators=[RegexValidator(MONTH_RE)], help_text=_("如 2025-06")
    )
    category = models.ForeignKey(
        "cases.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="projects",
        verbose_name=_("问题分类"),
    )
    plan = models.TextField(_("实施方案"), max_length=4000, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED, db_index=True
    )
    result = models.TextField(_("实施结果"), max_length=4000, blank=True)

    cases = models.ManyToManyField(
        "cases.Case", through="ProjectCase", related_name="projects", verbose_name=_("关联诉求")
    )
    partners = models.ManyToManyField("partners.Partner", blank=True, related_name="projects", verbose_name=_("联建单位"))
    volunteers = models.ManyToManyField(
        "volunteers.Volunteer", blank=True, related_name="projects", verbose_name=_("参与志愿者")
    )
    residents = models.ManyToManyField("people.Resident", blank=True, related_name="projects", verbose_name=_("涉及居民"))

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("立项人")
    )
    created_at = models.DateTimeField(_("立项时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    started_at = models.DateTimeField(_("开始实施时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("完成/取消时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("完成/取消人"),
    )

    scope_field = "area_code"

    class Meta:
        ordering = ("-month", "-created_at", "-id")
        verbose_name = _("民生项目")
        verbose_name_plural = _("民生项目")
        indexes = (models.Index(fields=["area_code", "month"], name="project_area_month"),)

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.area_code = self.area.code
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ProjectCase(models.Model):
    """A case taken up by a project: who linked it and when (the case's timeline says so too)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="links", verbose_name=_("民生项目"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="project_links", verbose_name=_("诉求"))
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("关联人")
    )
    linked_at = models.DateTimeField(_("关联时间"))

    class Meta:
        ordering = ("project", "linked_at", "id")
        verbose_name = _("项目关联诉求")
        verbose_name_plural = _("项目关联诉求")
        constraints = (models.UniqueConstraint(fields=["project", "case"], name="project_case_unique"),)

    def __str__(self):
        return f"{self.project_id} · {self.case_id}"

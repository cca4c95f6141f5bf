"""Exports of figures are recorded (who took which area's figures for which period, when);
edited monthly briefings and training courses are kept."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    """What was exported: the figures, or one of the lists."""

    STATS = "stats", _("统计指标")
    CASES = "cases", _("诉求")
    VISITS = "visits", _("走访记录")
    RESIDENTS = "residents", _("居民")
    VOLUNTEERS = "volunteers", _("志愿者")
    ACTIVITIES = "activities", _("服务活动")


class StatsExport(models.Model):
    """导出记录: one Excel export of the figures or of a list: who, what, which area, with
    which filters, how many rows, whether personal data was left in full, when. Written only
    by wangge.stats.export.record_export. (Ledger exports keep their own ExportRecord, and
    each full ID number or phone exported is also in the personal-data access log.)"""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stats_exports", verbose_name=_("导出人")
    )
    kind = models.CharField(_("导出内容"), max_length=12, choices=ExportKind.choices, default=ExportKind.STATS)
    area_code = models.CharField(_("区域"), max_length=15, db_index=True)
    date_from = models.DateField(_("开始日期"), null=True, blank=True)
    date_to = models.DateField(_("结束日期"), null=True, blank=True)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    full = models.BooleanField(_("含完整身份证号和电话"), default=False)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    scope_field = "area_code"

    class Meta:
        ordering = ("-at",)
        verbose_name = _("导出记录")
        verbose_name_plural = _("导出记录")

    def __str__(self):
        return f"{self.get_kind_display()} {self.area_code} {self.at:%Y-%m-%d %H:%M}" if self.at else self.area_code


class BriefingDraft(models.Model):
    """月度简报修改稿: the text of an area's monthly briefing as someone edited it before
    export. Exports use it instead of the generated text; deleting it (重新生成) brings
    the generated text back. One per area and month."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("区域"))
    area_code = models.CharField(_("区域代码"), max_length=15, db_index=True, editable=False)
    month = models.CharField(_("月份"), max_length=7, help_text=_("YYYY-MM"))
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("正文"), max_length=20000, help_text=_("每段一行"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("修改人")
    )
    edited_at = models.DateTimeField(_("修改时间"), auto_now=True)

    scope_field = "area_code"

    class Meta:
        ordering = ("-month", "area_code")
        verbose_name = _("简报修改稿")
        verbose_name_plural = _("简报修改稿")
        constraints = (models.UniqueConstraint(fields=("area", "month"), name="briefing_draft_unique"),)

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.area_code = self.area.code
        super().save(*args, **kwargs)

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]


class Course(models.Model):
    """培训班: a training course held for an area's staff (the article's 全市社区工作者专题培训班).
    The comparison of the attendees' areas' figures before and after it is in courses.py."""

    name = models.CharField(_("名称"), max_length=200)
    organiser = models.CharField(_("主办单位"), max_length=200, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("举办区域"))
    area_code = models.CharField(_("举办区域代码"), max_length=15, db_index=True, editable=False)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="courses", verbose_name=_("参训人员")
    )
    note = models.TextField(_("内容"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_field = "area_code"

    class Meta:
        ordering = ("-start_date", "-id")
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.area_code = self.area.code
        super().save(*args, **kwargs)


class CareTally(models.Model):
    """关爱走访 figures of the key residents registered at one area code (exactly that code: a grid,
    or a community for residents placed there), over one period, as of one day. Precomputed by the
    nightly job (wangge.stats.tallies.refresh) for the usual periods; figures.care_visit_figures
    sums them where they still hold and reads the rest live (see tallies.py for when a tally no
    longer holds). Not part of any record: deleting them all only makes the figures slower."""

    area_code = models.CharField(_("区域代码"), max_length=15)
    date_from = models.DateField()
    date_to = models.DateField()
    as_of = models.DateField(_("计算日"))
    due = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    # What the tally was computed from: the place's and the policies' CareStamp versions, the last
    # visit, tag link and resident ids then; and whether the households' visits all lie in the place.
    version = models.PositiveIntegerField(default=0)
    policies = models.PositiveIntegerField(default=0)
    last_visit = models.BigIntegerField(default=0)
    last_tag = models.BigIntegerField(default=0)
    last_resident = models.BigIntegerField(default=0)
    mixed = models.BooleanField(default=False)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("关爱走访预汇总")
        verbose_name_plural = _("关爱走访预汇总")
        constraints = (
            models.UniqueConstraint(fields=("as_of", "date_from", "date_to", "area_code"), name="care_tally_once"),
        )


class CareStamp(models.Model):
    """A version per area code, raised in the same transaction as any change that can alter the
    care figures of residents registered there (visits edited or deleted, visits entered late,
    residents and their tags changed); ``""`` is raised when care policies or tags change. A tally
    computed at another version no longer holds."""

    area_code = models.CharField(max_length=15, unique=True)
    version = models.PositiveIntegerField(default=0)

"""Records of ledger imports (with what they changed, so they can be undone) and of exports."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    BUILDINGS = "buildings", _("楼栋")
    HOUSEHOLDS = "households", _("住户")
    RESIDENTS = "residents", _("居民")
    VOLUNTEERS = "volunteers", _("志愿者")
    PARTNERS = "partners", _("联建单位")
    SERVICE_POINTS = "service_points", _("便民服务点")


class ImportRecord(models.Model):
    """One import of a ledger file: who, when, what file, the counts, and its state.

    A record is made when a file is uploaded and previewed on a page, or when a
    command commits. ``area_code`` is the smallest area holding every row the
    import changed, so the people responsible for that area see it in the history.

    A large upload is checked (``checking``) and committed (``committing``) by a
    background task; ``rows_expected`` is the size its progress is measured
    against, and the rows done so far are kept beside the upload (see
    services.ProgressFile), because the commit's own transaction would hide them.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("校验中")
        PREVIEWED = "previewed", _("待确认")
        COMMITTING = "committing", _("导入中")
        COMMITTED = "committed", _("已导入")
        UNDONE = "undone", _("已撤销")

    kind = models.CharField(_("台账类型"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="ledger_imports", verbose_name=_("导入人"),
    )
    operator = models.CharField(_("命令行操作员"), max_length=150, blank=True,
                                help_text=_("不以账号身份运行导入命令时，记录系统用户名"))
    file_name = models.CharField(_("文件名"), max_length=255)
    stored_file = models.CharField(_("暂存文件"), max_length=255, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    valid_only = models.BooleanField(_("只导入通过校验的行"), default=False)
    area_code = models.CharField(_("所属区域"), max_length=15, db_index=True, blank=True)
    touched_codes = models.JSONField(_("涉及的区域代码"), default=list, editable=False)
    rows_total = models.PositiveIntegerField(_("数据行"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    refused = models.PositiveIntegerField(_("未通过"), default=0)
    refused_rows = models.JSONField(_("未通过的行（前若干行）"), default=list, editable=False)
    file_errors = models.JSONField(_("文件问题"), default=list, editable=False)
    ignored_columns = models.JSONField(_("未识别的列"), default=list, editable=False)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    undone_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("撤销人"),
    )
    background = models.BooleanField(_("后台处理"), default=False)
    rows_expected = models.PositiveIntegerField(_("预计行数"), null=True, blank=True)
    task_id = models.CharField(_("后台任务"), max_length=64, blank=True, editable=False)
    message = models.CharField(_("说明"), max_length=200, blank=True,
                               help_text=_("后台校验或导入中断时说明原因"))

    scope_field = "area_code"

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("台账导入记录")
        verbose_name_plural = _("台账导入记录")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.file_name}"


class ImportChange(models.Model):
    """The rows one batch of an import created or updated, with previous values for undo.

    One row per batch and action (not per object) keeps the undo log a small
    fraction of the import's own writes.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("更新")

    record = models.ForeignKey(ImportRecord, on_delete=models.CASCADE, related_name="changes")
    model = models.CharField(max_length=50)
    action = models.CharField(max_length=6, choices=Action.choices)
    ids = models.JSONField(default=list)
    # For updates, per id (same order): the changed fields' values before and after the import.
    # For creations (of kinds whose rows carry no updated_at), the values as created, so an
    # undo can tell whether they were edited since.
    before = models.JSONField(default=list)
    after = models.JSONField(default=list)

    class Meta:
        ordering = ("id",)


class ExportRecord(models.Model):
    """One export of a ledger: who, what, where, how many rows, and whether in full."""

    kind = models.CharField(_("台账类型"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="ledger_exports", verbose_name=_("导出人"),
    )
    operator = models.CharField(_("命令行操作员"), max_length=150, blank=True)
    area_code = models.CharField(_("导出区域"), max_length=15, db_index=True, blank=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    full = models.BooleanField(_("含完整身份证号和电话"), default=False)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    scope_field = "area_code"

    class Meta:
        ordering = ("-at",)
        verbose_name = _("台账导出记录")
        verbose_name_plural = _("台账导出记录")

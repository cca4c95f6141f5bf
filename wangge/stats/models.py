"""Exports of figures are recorded: who took which area's figures for which period, when."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatsExport(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stats_exports", verbose_name=_("导出人")
    )
    area_code = models.CharField(_("区域"), max_length=15, db_index=True)
    date_from = models.DateField(_("开始日期"))
    date_to = models.DateField(_("结束日期"))
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    scope_field = "area_code"

    class Meta:
        ordering = ["-at"]
        verbose_name = _("统计导出记录")
        verbose_name_plural = _("统计导出记录")

    def __str__(self):
        return f"{self.area_code} {self.date_from}–{self.date_to}"

"""Feedback (投诉建议) left by users from any page."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Feedback(models.Model):
    """One submission from the 投诉建议 link in the footer: who, from which page, what."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("提交人")
    )
    page_url = models.CharField(_("所在页面"), max_length=500, blank=True)
    text = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("投诉建议")
        verbose_name_plural = _("投诉建议")

    def __str__(self):
        return self.text[:40]

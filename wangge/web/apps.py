from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "wangge.web"
    verbose_name = _("投诉建议")

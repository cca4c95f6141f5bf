from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "wangge.cases"
    verbose_name = _("诉求与事件")

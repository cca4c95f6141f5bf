from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "wangge.partners"
    verbose_name = _("联建单位与服务点")

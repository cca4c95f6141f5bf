"""The Open311 endpoint's knobs and their defaults; settings.py may override any of them.

Read through :func:`get` at the moment of use, like wangge.cases.conf.
"""
from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULTS = {
    # Requests per minute (or /s, /h, /d) a newly issued key may make; each key's rate can be changed.
    "WANGGE_OPEN311_KEY_RATE": "60/m",
    # Reads without a key, per client address.
    "WANGGE_OPEN311_ANONYMOUS_RATE": "60/m",
    # A point outside every grid boundary goes to the nearest grid centre within this distance.
    "WANGGE_OPEN311_NEAREST_GRID_KM": 2.0,
    # The discovery document: whom to ask, how to get a key, and whether this endpoint is live.
    "WANGGE_OPEN311_CONTACT": _("请联系本市网格化服务管理平台的市级管理员（市委社会工作部）"),
    "WANGGE_OPEN311_KEY_SERVICE": _("API 密钥由市级管理员签发：说明您的应用名称和用途，管理员运行 manage.py open311_key 应用名称 后把密钥交给您"),
    "WANGGE_OPEN311_ENDPOINT_TYPE": "production",
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])

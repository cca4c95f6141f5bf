"""Roles a post can carry, and what each may do beyond seeing its areas."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    COMMUNITY_STAFF = "community_staff", _("社区工作者")
    COMMUNITY_HEAD = "community_head", _("社区书记/主任")
    STREET_STAFF = "street_staff", _("街道工作人员")
    CITY_ADMIN = "city_admin", _("市级管理员")
    PARTNER_STAFF = "partner_staff", _("联建单位人员")
    VOLUNTEER = "volunteer", _("志愿者")


# Roles whose post grants the area scope. Partner staff and volunteers hold a
# post for context only: they see what is dispatched or offered to them, not
# an area's residents.
AREA_ROLES = {
    Role.GRID_WORKER,
    Role.COMMUNITY_STAFF,
    Role.COMMUNITY_HEAD,
    Role.STREET_STAFF,
    Role.CITY_ADMIN,
}


def may_reveal(role: str) -> bool:
    """May a post of this role open a full ID number or phone (logged)?"""
    return role in settings.WANGGE_REVEAL_ROLES

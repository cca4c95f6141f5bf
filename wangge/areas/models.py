"""The area tree (city → street → community → grid) and the places in it.

Every row that belongs to a place stores ``area_code``: the code of the
deepest area it belongs to. Scope (wangge.accounts.scope) filters on it.
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import codes
from .codes import Level
from .county import InCounty, county_check


class Area(models.Model):
    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级")
    )
    boundary = models.JSONField(_("边界 (GeoJSON)"), null=True, blank=True)
    lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    lng = models.FloatField(_("中心经度"), null=True, blank=True)

    # The scope mechanism reads this name on every scoped model.
    scope_field = "code"

    class Meta:
        ordering = ["code"]
        verbose_name = _("区域")
        verbose_name_plural = _("区域")

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def area_code(self):
        return self.code

    def clean(self):
        try:
            self.level = codes.level_of(self.code)
        except ValueError as exc:
            raise ValidationError({"code": str(exc)}) from exc
        expected_parent = codes.parent_code(self.code)
        if expected_parent is None:
            if self.parent_id:
                raise ValidationError({"parent": _("市/区级区域没有上级")})
        elif self.parent is None or self.parent.code != expected_parent:
            raise ValidationError({"parent": _("上级区域代码应为 %(code)s") % {"code": expected_parent}})

    def save(self, *args, **kwargs):
        self.level = codes.level_of(self.code)
        super().save(*args, **kwargs)


class Estate(models.Model):
    """小区: a residential estate; its buildings may lie in several grids."""

    name = models.CharField(_("小区名称"), max_length=100)
    area_code = models.CharField(_("所属区域"), max_length=15, db_index=True)
    is_old = models.BooleanField(_("老旧小区"), default=False)
    is_abandoned = models.BooleanField(_("弃管小区"), default=False, help_text=_("无物业管理"))
    property_company = models.CharField(_("物业公司"), max_length=100, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)

    scope_field = "area_code"

    class Meta:
        ordering = ["area_code", "name"]
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        constraints = [models.UniqueConstraint(fields=["area_code", "name"], name="estate_unique_name_in_area")]

    def __str__(self):
        return self.name


class Building(InCounty):
    """楼栋: a building, always inside one grid."""

    grid = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("网格"))
    estate = models.ForeignKey(
        Estate, null=True, blank=True, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("小区")
    )
    name = models.CharField(_("楼栋"), max_length=50, help_text=_("如 3号楼"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    area_code = models.CharField(_("所属网格代码"), max_length=15, db_index=True, editable=False)

    scope_field = "area_code"

    class Meta:
        ordering = ["area_code", "estate__name", "name"]
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        constraints = [
            # The county last: the key stays unique per county (docs/scaling.md) and its index still serves
            # lookups by grid alone.
            models.UniqueConstraint(
                fields=["grid", "estate", "name", "county_code"], name="building_unique_name_in_estate"
            ),
            county_check("building"),
        ]

    def __str__(self):
        return f"{self.estate.name if self.estate else ''}{self.name}"

    def save(self, *args, **kwargs):
        self.area_code = self.grid.code
        super().save(*args, **kwargs)


class Household(InCounty):
    """户: one dwelling in a building, with its full postal address."""

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="households", verbose_name=_("楼栋"))
    unit = models.CharField(_("单元"), max_length=10, blank=True)
    floor = models.SmallIntegerField(_("楼层"), null=True, blank=True)
    room = models.CharField(_("门牌号"), max_length=20)
    address = models.CharField(_("完整地址"), max_length=255, db_index=True)
    area_code = models.CharField(_("所属网格代码"), max_length=15, db_index=True, editable=False)

    scope_field = "area_code"

    class Meta:
        ordering = ["area_code", "address"]
        verbose_name = _("户")
        verbose_name_plural = _("户")
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "room", "county_code"], name="household_unique_room_in_building"
            ),
            county_check("household"),
        ]

    def __str__(self):
        return self.address

    def save(self, *args, **kwargs):
        self.area_code = self.building.area_code
        super().save(*args, **kwargs)

"""Partners (联建单位 / 专业资源), the staff who act for them, and service points
(便民服务点) of the 15-minute circle.

A partner is linked to one area (``area_code``: usually a community or a street,
the city for city-wide organisations such as the 中医院); that code is its scope
field. A service point is a place on the map with a kind and a point.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    PARTY_BUILDING = "party_building", _("党建联建单位")
    HOSPITAL = "hospital", _("医院")
    CLINIC = "clinic", _("诊所/卫生服务站")
    POLICE = "police", _("派出所")
    LAW_FIRM = "law_firm", _("律师事务所")
    COUNSELLING = "counselling", _("心理咨询")
    PROPERTY = "property", _("物业公司（红心物业联盟）")
    ENTERPRISE = "enterprise", _("企业")
    SOCIAL_ORG = "social_org", _("社会组织")


class Partner(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=PartnerKind.choices)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="partners", verbose_name=_("联建区域"))
    area_code = models.CharField(_("联建区域代码"), max_length=15, db_index=True, editable=False)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    services = models.CharField(_("服务内容"), max_length=500, blank=True)
    categories = models.ManyToManyField(
        "cases.Category", blank=True, related_name="partners", verbose_name=_("可承接的问题分类")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_field = "area_code"

    class Meta:
        ordering = ["area_code", "name"]
        verbose_name = _("联建单位")
        verbose_name_plural = _("联建单位")
        constraints = [models.UniqueConstraint(fields=["area_code", "name"], name="partner_unique_name_in_area")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.area_code = self.area.code
        super().save(*args, **kwargs)


class PartnerMembership(models.Model):
    """A user who acts for a partner (role partner_staff): they see the cases dispatched to it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_memberships", verbose_name=_("用户")
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("联建单位"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联建单位人员")
        verbose_name_plural = _("联建单位人员")
        constraints = [models.UniqueConstraint(fields=["user", "partner"], name="partner_membership_unique")]

    def __str__(self):
        return f"{self.user} · {self.partner}"


class PointKind(models.TextChoices):
    CLINIC = "clinic", _("卫生服务站/诊所")
    PHARMACY = "pharmacy", _("药店")
    CANTEEN = "canteen", _("老年食堂/助餐点")
    STORE = "store", _("便利店/超市")
    REPAIR = "repair", _("维修点")
    POLICE = "police", _("警务室/派出所")
    OFFICE = "office", _("社区服务站")
    OTHER = "other", _("其他")


class ServicePoint(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=PointKind.choices)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="service_points", verbose_name=_("所在区域"))
    area_code = models.CharField(_("所在区域代码"), max_length=15, db_index=True, editable=False)
    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opening_hours = models.CharField(_("营业时间"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="service_points",
        verbose_name=_("所属联建单位"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    scope_field = "area_code"

    class Meta:
        ordering = ["area_code", "kind", "name"]
        verbose_name = _("便民服务点")
        verbose_name_plural = _("便民服务点")
        indexes = [models.Index(fields=["kind", "lat", "lng"], name="service_point_kind_place")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.area_code = self.area.code
        super().save(*args, **kwargs)

"""Residents, key-population tags, and the log of who opened whose personal data."""
import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.areas.county import InCounty, county_check


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class ResidenceType(models.TextChoices):
    REGISTERED = "registered", _("户籍")
    PERMANENT = "permanent", _("常住")
    FLOATING = "floating", _("流动")
    RENTING = "renting", _("租住")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    TENANT = "tenant", _("租户")
    OTHER = "other", _("其他")


class Tag(models.Model):
    """A key-population tag (重点人群). The list is configurable by the city administrator.

    A tag with ``min_age`` is derived from the birth date (高龄老人: 80+) and is
    never stored on a resident, so it cannot go stale.
    """

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)
    min_age = models.PositiveSmallIntegerField(_("按年龄自动判定（岁及以上）"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("重点人群标签")
        verbose_name_plural = _("重点人群标签")

    def __str__(self):
        return self.name

    @property
    def is_derived(self) -> bool:
        return self.min_age is not None

    def latest_birth_date(self, today: datetime.date) -> datetime.date:
        """Residents born on or before this date have reached ``min_age``."""
        try:
            return today.replace(year=today.year - self.min_age)
        except ValueError:  # 29 February
            return today.replace(year=today.year - self.min_age, day=28)


class Resident(InCounty):
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(_("姓名全拼"), max_length=200, db_index=True, editable=False)
    name_initials = models.CharField(_("姓名首字母"), max_length=50, db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    # Unique in the whole install (services refuse a number registered anywhere, ledger imports too); the
    # database key is (id_number, county_code), the form a table distributed by county can enforce.
    id_number = models.CharField(_("居民身份证号"), max_length=18)
    id_last4 = models.CharField(_("身份证号后四位"), max_length=4, db_index=True, editable=False)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    residence_type = models.CharField(
        _("居住类型"), max_length=12, choices=ResidenceType.choices, default=ResidenceType.REGISTERED
    )
    household = models.ForeignKey(
        "areas.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("所在户"),
    )
    relation = models.CharField(_("与户主关系"), max_length=12, choices=Relation.choices, default=Relation.HEAD)
    tags = models.ManyToManyField(
        Tag, blank=True, through="ResidentTag", related_name="residents", verbose_name=_("重点人群")
    )
    area_code = models.CharField(_("所属区域代码"), max_length=15, db_index=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_field = "area_code"

    class Meta:
        ordering = ["area_code", "name_pinyin", "id"]
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        constraints = [
            models.UniqueConstraint(fields=["id_number", "county_code"], name="resident_unique_id_number"),
            county_check("resident"),
        ]

    def __str__(self):
        return self.name

    def age(self, today: datetime.date | None = None) -> int:
        today = today or timezone.localdate()
        before_birthday = (today.month, today.day) < (self.birth_date.month, self.birth_date.day)
        return today.year - self.birth_date.year - before_birthday


class ResidentTag(InCounty):
    """A resident's key-population tag: the link row of Resident.tags, filed under the resident's county.

    Written by ``resident.tags.set()/add()`` and in bulk through the manager,
    both of which take the county from the resident.
    """

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
    county_from = "resident"

    class Meta:
        db_table = "people_resident_tags"
        verbose_name = _("居民重点人群")
        verbose_name_plural = _("居民重点人群")
        constraints = [
            models.UniqueConstraint(fields=["resident", "tag", "county_code"], name="resident_tag_unique"),
        ]

    def __str__(self):
        return f"{self.resident_id}:{self.tag_id}"


class SensitiveAccess(InCounty):
    """One opening of a resident's full ID number or phone: who, whose, when, why."""

    class Field(models.TextChoices):
        ID_NUMBER = "id_number", _("居民身份证号")
        PHONE = "phone", _("联系电话")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("查看人"))
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, verbose_name=_("被查看居民"))
    field = models.CharField(_("字段"), max_length=10, choices=Field.choices)
    reason = models.CharField(_("事由"), max_length=200)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    area_code = models.CharField(_("居民所属区域"), max_length=15, db_index=True)

    scope_field = "area_code"

    class Meta:
        ordering = ["-at"]
        verbose_name = _("敏感信息查看记录")
        verbose_name_plural = _("敏感信息查看记录")
        constraints = [county_check("sensitive_access")]

"""Service activities (服务活动): 义诊, 消防演练, 暖心磨刀, first-aid training,
clean-ups… held by a community (or street) with partners and volunteers, and
the number of people served (服务人次). A recurring series (quarterly check-ups)
is a set of activities sharing a ``series`` label, created together."""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    HEALTH_CHECK = "health_check", _("义诊")
    FIRE_DRILL = "fire_drill", _("消防演练")
    KNIFE_SHARPENING = "knife_sharpening", _("暖心磨刀")
    FIRST_AID = "first_aid", _("急救培训")
    CLEAN_UP = "clean_up", _("环境整治")
    LEGAL_ADVICE = "legal_advice", _("法律咨询")
    COUNSELLING = "counselling", _("心理疏导")
    OTHER = "other", _("其他")


class Activity(models.Model):
    title = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=ActivityKind.choices)
    date = models.DateField(_("日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="activities", verbose_name=_("组织区域"))
    area_code = models.CharField(_("组织区域代码"), max_length=15, db_index=True, editable=False)
    category = models.ForeignKey(
        "cases.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="activities",
        verbose_name=_("问题分类"),
    )
    partners = models.ManyToManyField("partners.Partner", blank=True, related_name="activities", verbose_name=_("联建单位"))
    volunteers = models.ManyToManyField(
        "volunteers.Volunteer", blank=True, related_name="activities", verbose_name=_("参与志愿者")
    )
    residents = models.ManyToManyField("people.Resident", blank=True, related_name="activities", verbose_name=_("服务对象"))
    participants = models.PositiveIntegerField(_("服务人次"), default=0)
    outcome = models.TextField(_("成效"), max_length=2000, blank=True)
    series = models.CharField(_("系列"), max_length=100, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_field = "area_code"

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("服务活动")
        verbose_name_plural = _("服务活动")

    def __str__(self):
        return f"{self.date} {self.title}"

    def save(self, *args, **kwargs):
        self.area_code = self.area.code
        super().save(*args, **kwargs)


def photo_path(photo: "ActivityPhoto", filename: str) -> str:
    """A random name under the county and month: the uploader's file name may carry personal data."""
    now = timezone.localtime()
    return f"activities/{photo.activity.area_code[:6]}/{now:%Y/%m}/{uuid.uuid4().hex}.{photo.extension}"


class ActivityPhoto(models.Model):
    """A photo of an activity. Served only through the activity's scope, never from MEDIA_URL."""

    EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos", verbose_name=_("服务活动"))
    file = models.FileField(_("文件"), upload_to=photo_path)
    content_type = models.CharField(_("类型"), max_length=20)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("上传人")
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        ordering = ["activity", "id"]
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")

    def __str__(self):
        return f"{self.activity} #{self.pk}"

    @property
    def extension(self) -> str:
        return self.EXTENSIONS[self.content_type]

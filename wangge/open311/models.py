"""Open311 GeoReport v2: the client applications that may report, what each
request they sent said, and the questions (service attributes) a category asks.

A request becomes an ordinary case (wangge.cases) as soon as it can be placed in
a grid; until a person places it, it waits here with a token. What a client
sent about the reporter (name, e-mail, phone, device and account ids) is kept
for the staff who call back and is never returned by the endpoint.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .throttle import validate_rate


class Open311Client(models.Model):
    """An application allowed to create requests (a city app, the 12345 hotline
    system, a mini-program), known by the SHA-256 digest of its key: the key
    itself is shown once, when it is issued, and stored nowhere."""

    name = models.CharField(_("应用名称"), max_length=100, unique=True)
    key_digest = models.CharField(_("密钥摘要 (SHA-256)"), max_length=64, unique=True, editable=False)
    rate = models.CharField(
        _("频率上限"), max_length=20, validators=[validate_rate], help_text=_("如 60/m：每分钟 60 次（s 秒、m 分、h 时、d 天）")
    )
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 应用")
        verbose_name_plural = _("Open311 应用")

    def __str__(self):
        return self.name


class Open311Request(models.Model):
    """One accepted POST of a service request, with the key (client) that sent it.

    ``case`` is the case it became; while it is empty the request could not be
    placed in a grid and waits, under ``token``, for a person to place it.
    """

    client = models.ForeignKey(Open311Client, on_delete=models.PROTECT, related_name="requests", verbose_name=_("应用"))
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="open311", verbose_name=_("诉求")
    )
    token = models.CharField(_("待定位令牌"), max_length=40, unique=True, null=True, blank=True, editable=False)
    service = models.ForeignKey("cases.Category", on_delete=models.PROTECT, related_name="+", verbose_name=_("服务"))
    description = models.TextField(_("描述（原文）"), blank=True)
    attributes = models.JSONField(_("属性"), default=dict, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    address_string = models.CharField(_("地址（原文）"), max_length=500, blank=True)
    address_id = models.CharField(_("地址编号"), max_length=40, blank=True)
    media_url = models.URLField(_("媒体链接"), max_length=500, blank=True)
    # first_name, last_name, email, phone, device_id, account_id as sent: for calling back only.
    contact = models.JSONField(_("反映人联系方式"), default=dict, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("人工定位人"),
    )
    placed_at = models.DateTimeField(_("人工定位时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Open311 请求")
        verbose_name_plural = _("Open311 请求")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(token__isnull=False), name="open311_request_placed_or_token"
            ),
        ]

    def __str__(self):
        return self.case.number if self.case_id else f"{self.client} · {self.token}"


class Datatype(models.TextChoices):
    """The datatypes of GeoReport v2 service attributes, with the spec's own names."""

    STRING = "string", _("单行文字")
    NUMBER = "number", _("数字")
    DATETIME = "datetime", _("日期时间")
    TEXT = "text", _("多行文字")
    SINGLE = "singlevaluelist", _("单选")
    MULTI = "multivaluelist", _("多选")


LIST_DATATYPES = (Datatype.SINGLE, Datatype.MULTI)


class ServiceAttribute(models.Model):
    """A question a client application asks when a category is reported
    (a GeoReport v2 service definition attribute), configured by the city
    administrator: which floor leaks, whether anyone is in danger.

    ``variable`` false makes it a notice shown to the reporter, not a question.
    ``values`` are the options of a list datatype: [{"key": "yes", "name": "是"}, …].
    """

    category = models.ForeignKey(
        "cases.Category", on_delete=models.CASCADE, related_name="open311_attributes", verbose_name=_("问题分类")
    )
    code = models.SlugField(_("代码"), max_length=40)
    order = models.PositiveSmallIntegerField(_("顺序"), help_text=_("从 1 起，同一分类内不重复"))
    datatype = models.CharField(_("类型"), max_length=20, choices=Datatype.choices)
    description = models.CharField(_("问题或提示"), max_length=200)
    datatype_description = models.CharField(_("填写说明"), max_length=200, blank=True)
    required = models.BooleanField(_("必填"), default=False)
    variable = models.BooleanField(_("需要填写"), default=True, help_text=_("不勾选：只是给反映人看的提示"))
    values = models.JSONField(_("选项"), default=list, blank=True, help_text=_('单选、多选的选项：[{"key": "yes", "name": "是"}, …]'))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["category", "order"]
        verbose_name = _("Open311 服务属性")
        verbose_name_plural = _("Open311 服务属性")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_unique_code"),
            models.UniqueConstraint(fields=["category", "order"], name="open311_attribute_unique_order"),
        ]

    def __str__(self):
        return f"{self.category} · {self.code}"

    @property
    def options(self) -> dict[str, str]:
        return {value["key"]: value["name"] for value in self.values}

    def clean(self):
        if self.order is not None and self.order < 1:
            raise ValidationError({"order": _("顺序从 1 开始")})
        if self.required and not self.variable:
            raise ValidationError({"required": _("提示不需要填写，不能设为必填")})
        if self.datatype not in LIST_DATATYPES:
            if self.values:
                raise ValidationError({"values": _("只有单选、多选有选项")})
            return
        if not isinstance(self.values, list) or not self.values:
            raise ValidationError({"values": _("单选、多选须列出选项")})
        keys = []
        for value in self.values:
            if not (isinstance(value, dict) and set(value) == {"key", "name"}
                    and all(isinstance(value[k], str) and value[k].strip() for k in ("key", "name"))):
                raise ValidationError({"values": _('每个选项须为 {"key": "…", "name": "…"}')})
            keys.append(value["key"])
        if len(set(keys)) != len(keys):
            raise ValidationError({"values": _("选项的 key 不能重复")})

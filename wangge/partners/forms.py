"""Forms of the partner and service-point pages. Like the other pages' forms they
only read what was typed; the rules (a name, a known kind, an area in scope, valid
coordinates, a visible partner) live in services.py, whose field errors are put back
onto these fields by name."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PartnerKind, PointKind

REQUIRED_HINT = {"required": True}


def _text(label, *, max_length, area=False, **attrs) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3, **attrs}) if area else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, max_length=max_length, required=False, widget=widget)


def area_options(areas) -> list[tuple[str, str]]:
    return [("", _("请选择区域"))] + [(a.code, a.name) for a in areas]


class PartnerForm(forms.Form):
    name = _text(_("名称"), max_length=100, **REQUIRED_HINT)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("请选择类型"))] + PartnerKind.choices)
    # A code offered as a drop-down: the service checks it against the scope (another
    # area is a 404, as everywhere), not the form.
    area = forms.CharField(label=_("联建区域"), required=False, widget=forms.Select)
    contact_name = _text(_("联系人"), max_length=50)
    contact_phone = _text(_("联系电话"), max_length=20, inputmode="tel")
    address = _text(_("地址"), max_length=200)
    services = _text(_("服务内容"), max_length=500, area=True, placeholder=_("如：每季度义诊、健康讲座"))
    categories = forms.MultipleChoiceField(label=_("可承接的问题分类"), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, areas=(), tops=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.choices = area_options(areas)
        self.fields["categories"].choices = [
            (top.label, [(top.code, _("%(name)s（全部）") % {"name": top.label})]
             + [(c.code, c.label) for c in top.active_children])
            for top in tops
        ]


class MemberForm(forms.Form):
    username = _text(_("用户名"), max_length=150, **REQUIRED_HINT, autocomplete="off")


class PointForm(forms.Form):
    name = _text(_("名称"), max_length=100, **REQUIRED_HINT)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("请选择类型"))] + PointKind.choices)
    area = forms.CharField(label=_("所在区域"), required=False, widget=forms.Select)
    lat = forms.FloatField(label=_("纬度"), required=False,
                           widget=forms.NumberInput(attrs={**REQUIRED_HINT, "step": "any", "inputmode": "decimal"}))
    lng = forms.FloatField(label=_("经度"), required=False,
                           widget=forms.NumberInput(attrs={**REQUIRED_HINT, "step": "any", "inputmode": "decimal"}))
    address = _text(_("地址"), max_length=200)
    opening_hours = _text(_("营业时间"), max_length=100, placeholder=_("如：8:00–17:30"))
    phone = _text(_("联系电话"), max_length=20, inputmode="tel")
    partner = forms.IntegerField(label=_("所属联建单位"), required=False, widget=forms.Select)

    def __init__(self, *args, areas=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.choices = area_options(areas)
        self.fields["partner"].widget.choices = [("", _("无"))] + [(p.pk, p.name) for p in partners]

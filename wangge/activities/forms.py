"""Forms of the activity pages. Like the other pages' forms they only read what was
typed; the rules (a title, a known kind, an area in scope, partners, volunteers and
residents the organiser may see, hours between 0.1 and 24) live in services.py, whose
field errors are put back onto these fields by name."""
from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.cases.forms import PhotosField

from .models import ActivityKind

REQUIRED_HINT = {"required": True}


class ActivityForm(forms.Form):
    """登记活动 (services.create_activity) and its changes (update_activity)."""

    title = forms.CharField(label=_("活动名称"), max_length=100, required=False,
                            widget=forms.TextInput(attrs={**REQUIRED_HINT, "placeholder": _("如：中医院义诊进社区")}))
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("请选择类型"))] + ActivityKind.choices)
    date = forms.DateField(label=_("日期"), required=False,
                           widget=forms.DateInput(attrs={**REQUIRED_HINT, "type": "date"}))
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    area = forms.CharField(label=_("组织区域"), required=False, widget=forms.Select)
    category = forms.CharField(label=_("问题分类（可不选）"), required=False, widget=forms.Select)
    partners = forms.TypedMultipleChoiceField(label=_("联建单位"), required=False, coerce=int,
                                              widget=forms.CheckboxSelectMultiple)
    series = forms.CharField(label=_("系列（可不填）"), max_length=100, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("如：季度大型义诊")}))

    def __init__(self, *args, areas=(), tops=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.choices = [("", _("请选择区域"))] + [(a.code, a.name) for a in areas]
        self.fields["category"].widget.choices = [("", "—")] + [
            (top.label, [(top.code, _("%(name)s（全部）") % {"name": top.label})]
             + [(c.code, c.label) for c in top.active_children])
            for top in tops
        ]
        self.fields["partners"].choices = [(p.pk, p.name) for p in partners]


class NewActivityForm(ActivityForm):
    """A new activity may be the first of a recurring series (每季度义诊: every 3 months, 4 times)."""

    participants = forms.IntegerField(label=_("服务人次（活动后再填也可以）"), required=False, min_value=0,
                                      widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    repeat_every_months = forms.IntegerField(label=_("定期举行：每几个月一次（不重复可不填）"), required=False,
                                             min_value=1, max_value=12,
                                             widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    repeat_count = forms.IntegerField(label=_("共几次"), required=False, min_value=1, max_value=24,
                                      widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class OutcomeForm(forms.Form):
    """After the activity: people served and outcome (the volunteers' hours and the
    residents served are read from the page's ticked rows, see views.activity_record)."""

    participants = forms.IntegerField(label=_("服务人次"), required=False, min_value=0,
                                      widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    outcome = forms.CharField(label=_("成效"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如：为120名居民免费测量血压血糖")}))


class PhotoForm(forms.Form):
    photos = PhotosField(label=_("活动照片（JPEG、PNG 或 WebP）"))

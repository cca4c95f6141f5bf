"""Forms of the task pages. Like the case pages' forms they only read what was
typed; the rules (valid area, hours between 0.1 and 24, who may do what) live in
services.py, whose errors are put back onto these fields by name."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Skill

REQUIRED_HINT = {"required": True}


class TaskForm(forms.Form):
    title = forms.CharField(label=_("任务"), max_length=100, required=False,
                            widget=forms.TextInput(attrs={**REQUIRED_HINT, "placeholder": _("如：为高龄老人代买药品")}))
    description = forms.CharField(label=_("说明"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    skill = forms.ChoiceField(label=_("所需技能"), required=False,
                              choices=[("", _("不限"))] + list(Skill.choices))
    # A free code offered as a drop-down: the service checks it against the scope
    # (another area is a 404, as everywhere), not the form.
    area = forms.CharField(label=_("区域"), required=False, widget=forms.Select)
    needed_on = forms.DateField(label=_("需要日期"), required=False,
                                widget=forms.DateInput(attrs={**REQUIRED_HINT, "type": "date"}))
    time_from = forms.TimeField(label=_("开始时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    time_to = forms.TimeField(label=_("结束时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    estimated_hours = forms.DecimalField(label=_("预计时长（小时）"), required=False, max_digits=4, decimal_places=1,
                                         widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5"}))
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.choices = [("", _("服务对象所在网格"))] + [(a.code, a.name) for a in areas]


class AssignForm(forms.Form):
    volunteer = forms.IntegerField(widget=forms.HiddenInput)


class CompleteForm(forms.Form):
    hours = forms.DecimalField(label=_("实际服务时长（小时，不含路程）"), required=False, max_digits=4, decimal_places=1,
                               widget=forms.NumberInput(attrs={**REQUIRED_HINT, "step": "0.5", "min": "0.1",
                                                               "max": "24", "inputmode": "decimal"}))
    date = forms.DateField(label=_("服务日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=300, required=False)


# --- registering volunteers and teams -----------------------------------------------------
class VolunteerForm(forms.Form):
    """志愿者登记 and its changes (services.register_volunteer / update_volunteer)."""

    name = forms.CharField(label=_("姓名"), max_length=50, required=False,
                           widget=forms.TextInput(attrs=REQUIRED_HINT))
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    area = forms.CharField(label=_("注册社区"), required=False, widget=forms.Select)
    skills = forms.MultipleChoiceField(label=_("技能"), required=False, choices=Skill.choices,
                                       widget=forms.CheckboxSelectMultiple)
    availability = forms.CharField(label=_("可服务时间"), max_length=200, required=False,
                                   widget=forms.TextInput(attrs={"placeholder": _("如：周末全天、工作日晚上")}))
    is_governance_partner = forms.BooleanField(label=_("治理合伙人"), required=False)
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.choices = [("", _("居民所在社区"))] + [(a.code, a.name) for a in areas]


class TeamForm(forms.Form):
    """志愿服务队: its name, area and description; on the edit page also its leader and
    members (ids of volunteers, checked by the service against the scope)."""

    name = forms.CharField(label=_("队名"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={**REQUIRED_HINT, "placeholder": _("如：红色代办服务队")}))
    area = forms.CharField(label=_("所属区域"), required=False, widget=forms.Select)
    description = forms.CharField(label=_("简介"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.choices = [("", _("请选择区域"))] + [(a.code, a.name) for a in areas]

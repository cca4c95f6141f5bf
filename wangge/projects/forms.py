"""Forms of the project pages. Like the case forms they only read what was typed:
the rules (what is required, which area, case, partner or volunteer is allowed) live
in services.py, whose field errors are put back onto these forms by name."""
from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.cases.forms import category_choices


def _text(label, *, area=False, rows=3, **attrs) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if area else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=False, widget=widget)


class ProjectForm(forms.Form):
    """立项 (services.create_project); from a suggestion, the cases come along hidden."""

    title = _text(_("项目名称"), required=True)
    area = forms.CharField(label=_("所属社区或街道"), required=False, widget=forms.Select)
    month = forms.CharField(label=_("所属月份"), required=False, widget=forms.TextInput(attrs={"type": "month"}))
    category = forms.CharField(label=_("问题分类（可不选）"), required=False, widget=forms.Select)
    plan = _text(_("实施方案（可不填）"), area=True)

    def __init__(self, *args, areas=(), tops=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.choices = [(a.code, a.name) for a in areas]
        self.fields["category"].widget.choices = [("", "—")] + category_choices(tops)[1:]


class PlanForm(forms.Form):
    title = _text(_("项目名称"))
    plan = _text(_("实施方案"), area=True, rows=4)


class CloseForm(forms.Form):
    result = _text(_("实施结果"), area=True, rows=4, placeholder=_("做了什么、解决了什么"), required=True)
    close_cases = forms.BooleanField(
        label=_("同时推进关联诉求（处置、核查、结案，以您的权限为限）"), required=False, initial=True
    )


class CancelForm(forms.Form):
    reason = _text(_("取消原因"), area=True, rows=2)

"""Forms of the pages. Rules about the data itself live in the services."""
from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.people.models import SensitiveAccess


class RevealForm(forms.Form):
    """Ask for one full value of a resident; the service logs it with the reason."""

    field = forms.ChoiceField(label=_("查看项目"))
    reason = forms.CharField(
        label=_("查看事由"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：入户走访核对身份")}),
    )

    def __init__(self, *args, has_phone: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = SensitiveAccess.Field.choices
        if not has_phone:
            choices = [c for c in choices if c[0] != SensitiveAccess.Field.PHONE]
        self.fields["field"].choices = choices


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("您的意见或建议"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": _("哪里不好用、哪里出错了、希望增加什么，都可以写在这里")}),
    )
    page_url = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

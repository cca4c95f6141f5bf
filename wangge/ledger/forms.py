from pathlib import Path

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Kind

SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")
# An upload larger than this is a command-line job (manage.py import_ledger).
MAX_UPLOAD_MB = 60


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("台账类型"), choices=Kind.choices)
    file = forms.FileField(label=gettext_lazy("文件（.xlsx 或 .csv）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("只能导入 .xlsx 或 .csv 文件；旧版 .xls 请先另存为 .xlsx"))
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("文件超过 %(mb)d MB，请分成几个文件，或请运维用命令 import_ledger 导入") % {"mb": MAX_UPLOAD_MB})
        return upload


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("台账类型"), choices=Kind.choices)
    area = forms.ChoiceField(label=gettext_lazy("区域"), required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("我的全部区域"))] + [
            (area.code, f"{area.name}（{area.get_level_display()}）") for area in areas
        ]

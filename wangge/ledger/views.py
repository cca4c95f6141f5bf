"""Ledger pages: upload and preview, commit, error sheet, history with undo, templates, export,
and the progress of a large upload checked or committed in the background.

Views are thin: the scope comes from scope_of(request), every decision from
services, export and selectors. Small uploads are checked and committed within
the request; larger ones (WANGGE_IMPORT_BACKGROUND_ROWS) by a background task
whose progress the detail page polls from ``progress`` (JSON).
"""
import tempfile
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.scope import scope_of
from wangge.areas.selectors import areas_for

from . import services
from .columns import SPECS
from .export import export_ledger
from .forms import ExportForm, UploadForm
from .models import ImportRecord, Kind
from .selectors import imports_for
from .sheets import write_template

HISTORY_SIZE = 30


def _index(request, *, upload_form=None, status=200):
    scope = scope_of(request)
    records = imports_for(scope, request.user)[:HISTORY_SIZE]
    history = [(record, services.undo_blocker(record, scope)) for record in records]
    return render(request, "ledger/index.html", {
        "upload_form": upload_form or UploadForm(),
        "export_form": ExportForm(areas=areas_for(scope)),
        "kinds": [(kind, label, SPECS[kind].title) for kind, label in Kind.choices],
        "history": history,
        "undo_hours": settings.WANGGE_IMPORT_UNDO_HOURS,
        "background_rows": settings.WANGGE_IMPORT_BACKGROUND_ROWS,
    }, status=status)


@login_required
def index(request):
    return _index(request)


@login_required
@require_POST
def upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, upload_form=form, status=400)
    record = services.upload_import(kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"],
                                    scope=scope_of(request), user=request.user)
    return redirect("ledger:detail", pk=record.pk)


def _record(request, pk) -> ImportRecord:
    return get_object_or_404(imports_for(scope_of(request), request.user), pk=pk)


@login_required
def detail(request, pk):
    record = services.settle_stalled(_record(request, pk))
    problems = [(number, header, reason) for number, errors in record.refused_rows for header, reason in errors]
    return render(request, "ledger/detail.html", {
        "record": record,
        "problems": problems,
        "valid": record.rows_total - record.refused,
        "can_commit": (record.status == ImportRecord.Status.PREVIEWED and record.user_id == request.user.pk
                       and bool(record.stored_file) and not record.file_errors),
        "has_error_sheet": record.refused and services.error_sheet_path(record) is not None,
        "undo_blocker": services.undo_blocker(record, scope_of(request)),
        "undo_hours": settings.WANGGE_IMPORT_UNDO_HOURS,
        "progress": services.progress_of(record),
    })


@login_required
def progress(request, pk):
    """How far a background check or commit has come: {running, phase, done, total, percent, text}."""
    record = services.settle_stalled(_record(request, pk))
    return JsonResponse(services.progress_of(record))


@login_required
@require_POST
def commit(request, pk):
    record = _record(request, pk)
    valid_only = request.POST.get("valid_only") == "1"
    report = services.start_commit(record=record, scope=scope_of(request), user=request.user, valid_only=valid_only)
    if report is None:
        messages.info(request, _("文件较大，正在后台导入；本页显示进度，完成后显示结果"))
    elif report.written:
        messages.success(request, _("已导入：新增 %(c)d 行，更新 %(u)d 行，未变 %(n)d 行，跳过未通过的 %(r)d 行") % {
            "c": report.counts["create"], "u": report.counts["update"], "n": report.counts["unchanged"],
            "r": report.counts["refused"]})
    elif report.file_errors:
        messages.error(request, "；".join(report.file_errors))
    else:
        messages.error(request, _("没有写入任何数据：有 %(r)d 行未通过校验。请改正后重新上传，或选择只导入通过校验的行。")
                       % {"r": report.counts["refused"]})
    return redirect("ledger:detail", pk=record.pk)


@login_required
def error_sheet(request, pk):
    record = _record(request, pk)
    path = services.error_sheet_path(record)
    if path is None:
        raise Http404(_("错误表已过期，请重新上传文件"))
    return FileResponse(open(path, "rb"), as_attachment=True,
                        filename=_("%(name)s_错误行.xlsx") % {"name": Path(record.file_name).stem})


@login_required
@require_POST
def undo(request, pk):
    record = _record(request, pk)
    try:
        services.undo_import(record=record, scope=scope_of(request), user=request.user)
    except services.UndoRefused as refused:
        messages.error(request, _("不能撤销：%(reasons)s") % {"reasons": "；".join(refused.reasons)})
    else:
        messages.success(request, _("已撤销这次导入：新增的行已删除，更新的行已恢复原值"))
    return redirect("ledger:detail", pk=record.pk)


@login_required
def template(request, kind):
    if kind not in Kind.values:
        raise Http404
    buffer = BytesIO()
    write_template(kind, buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=_("%(title)s模板.xlsx") % {"title": SPECS[kind].title})


@login_required
@require_POST
def export(request):
    scope = scope_of(request)
    form = ExportForm(request.POST, areas=areas_for(scope))
    if not form.is_valid():
        messages.error(request, _("请选择台账类型和区域"))
        return redirect("ledger:index")
    kind, area = form.cleaned_data["kind"], form.cleaned_data["area"]
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once it is sent
    export_ledger(kind, scope, out, area=area, user=request.user)
    out.seek(0)
    name = f"{SPECS[kind].title}_{area or _('全部')}_{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name)

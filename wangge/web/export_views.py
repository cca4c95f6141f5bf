"""The progress page of a large list export written in the background, its JSON and the file.

Only the user who asked for the export sees any of them; for anyone else they are 404
(wangge/web/export_tasks.py keeps the owner in the export's job file)."""
import datetime

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, JsonResponse
from django.shortcuts import render

from . import export_tasks
from .exports import XLSX


@login_required
def export_progress(request, token):
    """/exports/<token>/: a progress bar while the file is written, then its download link."""
    job = export_tasks.job_for(request.user, token)
    return render(request, "web/export_progress.html", {
        "token": token, "job": job, "progress": export_tasks.progress_of(job),
        "requested_at": datetime.datetime.fromisoformat(job["requested_at"]),
        "keep_hours": export_tasks.KEEP_HOURS,
    })


@login_required
def export_progress_json(request, token):
    """/exports/<token>/progress.json: {running, phase, done, total, percent, text}."""
    return JsonResponse(export_tasks.progress_of(export_tasks.job_for(request.user, token)))


@login_required
def export_download(request, token):
    """/exports/<token>/download: the finished file (it stays until the export expires)."""
    job = export_tasks.job_for(request.user, token)
    path = export_tasks.file_of(job, token)
    return FileResponse(path.open("rb"), as_attachment=True, filename=job["file_name"], content_type=XLSX)

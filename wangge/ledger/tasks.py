"""Large ledger uploads, checked and committed in the background by ``manage.py db_worker``.

Uploads above WANGGE_IMPORT_BACKGROUND_ROWS rows do not tie up a web request
for the half minute a street's file takes: the page queues one of these tasks
and follows its progress (services.ProgressFile) through a small JSON endpoint.
A commit is still one transaction; a task that fails or whose worker dies
leaves nothing written, and its record says so.
"""
from django_tasks import task

from . import services


@task()
def check_upload(record_id: int) -> dict:
    return services.check_in_background(record_id)


@task()
def commit_upload(record_id: int) -> dict:
    return services.commit_in_background(record_id)

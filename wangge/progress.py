"""How far a background job has come, in a small JSON file a page polls.

Used by the ledger's background checks and imports and by background list
exports. A file rather than a row: an import writes in one transaction, which
would hide a progress row from the page until it ends. Each write replaces the
file at once (a reader never sees half of it) and is stamped with the time, so
a reader can tell a job whose worker died: no write for ``STALLED_AFTER_SECONDS``.
"""
import json
import os
import time
from pathlib import Path

#: A running job that has not written its progress for this long is taken for dead
#: (its worker was killed, or the machine went down).
STALLED_AFTER_SECONDS = 10 * 60


def write_progress(path: Path, data: dict) -> None:
    """Replace the progress file with ``data``, stamped with the time (``at``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps({**data, "at": time.time()}))
    os.replace(partial, path)


def read_progress(path: Path) -> dict | None:
    """The progress file's data, or None when there is none (or it cannot be read)."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def stalled(data: dict) -> bool:
    """Has the job behind ``data`` gone without writing for too long?"""
    return time.time() - data.get("at", 0) > STALLED_AFTER_SECONDS

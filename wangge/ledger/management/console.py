"""What the ledger commands share: acting as a user or as the operator, and progress on stderr."""
import getpass
import time

from django.core.management.base import CommandError

from wangge.accounts.models import User
from wangge.accounts.scope import Scope

from ..services import operator_scope


def acting(username: str | None) -> tuple[Scope, User | None, str]:
    """(scope, user, operator name): a user's own scope, or the operator's full access."""
    if not username:
        return operator_scope(), None, getpass.getuser()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"没有这个有效账号 (no such active user): {username}")
    return Scope.for_user(user), user, ""


class Progress:
    """A progress bar on one stderr line, redrawn as rows are done:

        已处理 (processed) [##########----------]  50% 50000 / 100000 行 (rows) · 4,210 行/秒 (rows/s)

    Each call may give the total the file declares (an xlsx does); otherwise ``total``,
    an estimate made beforehand (a CSV's line count), is used; without either only the
    count is shown.
    """

    WIDTH = 24

    def __init__(self, stream, verb: str, total: int | None = None):
        self.stream = stream
        self.verb = verb
        self.total = total
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int | None) -> None:
        total = total or self.total
        rate = done / max(time.monotonic() - self.started, 1e-6)
        if total:
            share = min(done / total, 1)
            filled = round(share * self.WIDTH)
            bar = f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] {share:4.0%} {done} / {total}"
        else:
            bar = str(done)
        self.stream.write(f"\r{self.verb} {bar} 行 (rows) · {rate:,.0f} 行/秒 (rows/s)", ending="")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("")

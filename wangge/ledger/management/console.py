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
    """Rows done (and the share, when the file says how many it holds), redrawn on one stderr line."""

    def __init__(self, stream, verb: str):
        self.stream = stream
        self.verb = verb
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int | None) -> None:
        rate = done / max(time.monotonic() - self.started, 1e-6)
        share = f" / {total} ({min(done / total, 1):.0%})" if total else ""
        self.stream.write(f"\r{self.verb} {done}{share} 行 (rows) · {rate:,.0f} 行/秒 (rows/s)", ending="")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("")

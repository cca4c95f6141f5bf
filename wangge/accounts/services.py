"""Writes for accounts: API tokens and posts."""
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.db import connection
from django.utils import timezone

from .models import ApiToken, Post


def issue_token(*, request, username: str, password: str) -> str | None:
    """Check the password (through django-axes, so failures are counted and
    throttled) and return a new raw bearer token, or None."""
    user = authenticate(request=request, username=username, password=password)
    if user is None or not user.is_active:
        return None
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(raw),
        expires_at=timezone.now() + timedelta(days=settings.WANGGE_TOKEN_DAYS),
    )
    return raw


def user_for_token(raw: str):
    """The active user a bearer token belongs to, or None when unknown or expired.

    Every API request asks this, so it is one plain statement: the ORM's compiling of
    the same query (the token with its user) cost three times the CPU of running it."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())  # as the ORM would pass it
    users = list(get_user_model().objects.raw(_token_user_sql(), [ApiToken.digest_of(raw), now]))
    if not users or not users[0].is_active:
        return None
    return users[0]


def _token_user_sql() -> str:
    q = connection.ops.quote_name
    user, token = get_user_model()._meta, ApiToken._meta
    return (
        f"SELECT u.* FROM {q(user.db_table)} u JOIN {q(token.db_table)} t ON t.{q('user_id')} = u.{q(user.pk.column)}"
        f" WHERE t.{q('digest')} = %s AND t.{q('expires_at')} > %s"
    )


def assign_post(*, user, role: str, area) -> Post:
    post, _created = Post.objects.get_or_create(user=user, role=role, area=area)
    return post

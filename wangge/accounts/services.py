"""Writes for accounts: API tokens and posts."""
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
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
    """The active user a bearer token belongs to, or None when unknown or expired."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


def assign_post(*, user, role: str, area) -> Post:
    post, _created = Post.objects.get_or_create(user=user, role=role, area=area)
    return post

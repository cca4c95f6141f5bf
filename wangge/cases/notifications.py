"""Notifications: who hears about a case, and through which channels.

Every message goes through each channel listed in the setting
WANGGE_NOTIFICATION_CHANNELS (dotted paths of Channel classes). The default is
the in-app bell (InAppChannel); an SMS or WeChat channel is one more class.
Channels are called inside the transaction of the change they report, so the
in-app row appears or vanishes with it; a channel that talks to the outside
world should defer its sending with ``transaction.on_commit``.
"""
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Notification
from .states import LEVEL_ROLES


@dataclass(frozen=True)
class Message:
    user: object
    case: object | None
    text: str


class Channel:
    """One way of reaching a user. Subclasses implement send()."""

    def send(self, message: Message) -> None:
        raise NotImplementedError


class InAppChannel(Channel):
    """The bell on every page: a Notification row, unread until opened."""

    def send(self, message: Message) -> None:
        Notification.objects.create(user=message.user, case=message.case, text=message.text[:300])


def channels() -> list[Channel]:
    return [import_string(path)() for path in settings.WANGGE_NOTIFICATION_CHANNELS]


def notify(users, *, case, text: str) -> None:
    targets = {user.pk: user for user in users if user.is_active}
    if not targets:
        return
    for channel in channels():
        for user in targets.values():
            channel.send(Message(user=user, case=case, text=text))


def office_users(office_code: str, level: str) -> QuerySet:
    """The staff of an office: users with a post of that level's roles on exactly that area."""
    return get_user_model().objects.filter(
        is_active=True, posts__area_code=office_code, posts__role__in=LEVEL_ROLES[level]
    ).distinct()


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, ids=None, *, case=None) -> int:
    """Mark the user's notifications read: those with ``ids``, those about ``case``
    (opening a case reads them), or all of them; returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    if case is not None:
        unread = unread.filter(case=case)
    return unread.update(read_at=timezone.now())


def for_user(user, *, unread_only: bool = False) -> QuerySet:
    rows = Notification.objects.filter(user=user).select_related("case")
    return rows.filter(read_at__isnull=True) if unread_only else rows

"""Notifications: who hears about a case, and through which channels.

Every message goes through each channel listed in the setting
WANGGE_NOTIFICATION_CHANNELS (dotted paths of Channel classes). The default is
the in-app bell (InAppChannel); an SMS or WeChat channel is one more class.
Channels are called inside the transaction of the change they report, so the
in-app row appears or vanishes with it; a channel that talks to the outside
world should defer its sending with ``transaction.on_commit``.
"""
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Notification
from .states import LEVEL_ROLES, ROLE_LEVEL


@dataclass(frozen=True)
class Message:
    user: object
    case: object | None
    text: str


class Channel:
    """One way of reaching a user. Subclasses implement send(); send_many() may
    do a batch at once (the escalation job sends hundreds of messages)."""

    def send(self, message: Message) -> None:
        raise NotImplementedError

    def send_many(self, messages: list[Message]) -> None:
        for message in messages:
            self.send(message)


class InAppChannel(Channel):
    """The bell on every page: a Notification row, unread until opened."""

    def send(self, message: Message) -> None:
        self.send_many([message])

    def send_many(self, messages: list[Message]) -> None:
        Notification.objects.bulk_create(
            [Notification(user=m.user, case=m.case, text=m.text[:300]) for m in messages]
        )


def channels() -> list[Channel]:
    return [import_string(path)() for path in settings.WANGGE_NOTIFICATION_CHANNELS]


def messages_for(users, *, case, text: str) -> list[Message]:
    """One message to each active user among ``users`` (each user once)."""
    targets = {user.pk: user for user in users if user.is_active}
    return [Message(user=user, case=case, text=text) for user in targets.values()]


def send(messages: list[Message]) -> None:
    """Send messages through every channel."""
    if not messages:
        return
    for channel in channels():
        channel.send_many(messages)


def notify(users, *, case, text: str) -> None:
    send(messages_for(users, case=case, text=text))


def office_users(office_code: str, level: str) -> QuerySet:
    """The staff of an office: users with a post of that level's roles on exactly that area."""
    return get_user_model().objects.filter(
        is_active=True, posts__area_code=office_code, posts__role__in=LEVEL_ROLES[level]
    ).distinct()


def office_users_many(offices: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list]:
    """office_users() of many (office code, level) pairs in one query: {(code, level): [users]}."""
    offices = set(offices)
    if not offices:
        return {}
    roles = {role for _code, level in offices for role in LEVEL_ROLES[level]}
    rows = (
        get_user_model().objects
        .filter(is_active=True, posts__area_code__in={code for code, _level in offices}, posts__role__in=roles)
        .values_list("posts__area_code", "posts__role", "pk")
    )
    found: dict[tuple[str, str], set] = {office: set() for office in offices}
    for code, role, pk in rows:
        office = (code, ROLE_LEVEL[role])
        if office in found:
            found[office].add(pk)
    users = get_user_model().objects.in_bulk({pk for pks in found.values() for pk in pks})
    return {office: [users[pk] for pk in sorted(pks)] for office, pks in found.items()}


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

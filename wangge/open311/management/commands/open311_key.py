"""Issue (or replace) the Open311 api_key of a client application, or revoke it.

The key is printed once, alone on standard output, and only its SHA-256 digest
is stored: hand it to the application's operator over a safe channel.
"""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from wangge.open311 import services


class Command(BaseCommand):
    help = "Print a new Open311 api_key for CLIENT_NAME (replacing its old key), or --revoke it."

    def add_arguments(self, parser):
        parser.add_argument("name", metavar="CLIENT_NAME", help="the client application, e.g. 12345热线系统")
        parser.add_argument("--rate", default="", help="requests allowed per period for this key, e.g. 60/m or 1000/h")
        parser.add_argument("--revoke", action="store_true", help="revoke the client's key instead")

    def handle(self, *args, name, rate, revoke, **options):
        try:
            if revoke:
                client = services.revoke_key(name=name)
                self.stderr.write(f"revoked the Open311 key of {client.name} at {client.revoked_at:%Y-%m-%d %H:%M}")
                return
            client, key = services.issue_key(name=name, rate=rate)
        except (ValidationError, Http404) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", None) or [str(exc)])) from exc
        self.stdout.write(key)
        self.stderr.write(f"Open311 key for {client.name} (rate {client.rate}); it is shown only this once.")

"""Compute today's care tallies now; or (--schedule) make sure the background worker computes
them every night."""
from django.core.management.base import BaseCommand

from wangge.stats import tallies, tasks


class Command(BaseCommand):
    help = "Precompute the care-visit figures per place (关爱走访预汇总); --schedule queues the nightly job."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule", action="store_true",
            help="Queue the nightly tallies for `manage.py db_worker` unless they are already queued.",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            queued = tasks.schedule()
            self.stdout.write("queued the nightly care tallies" if queued else "the nightly care tallies are already queued")
            return
        written = tallies.refresh()
        self.stdout.write(self.style.SUCCESS(f"{written} care tallies written"))

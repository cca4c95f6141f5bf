"""Escalate overdue cases one level, once, now; or (--schedule) make sure the
background worker does it periodically."""
from django.core.management.base import BaseCommand

from wangge.cases import services, tasks


class Command(BaseCommand):
    help = "Escalate every overdue case one level (超期自动升级); --schedule queues the periodic job instead."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule", action="store_true",
            help="Queue the periodic escalation for `manage.py db_worker` unless it is already queued.",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            if tasks.schedule():
                self.stdout.write("queued the periodic escalation")
            else:
                self.stdout.write("the periodic escalation is already queued")
            return
        escalated = services.escalate_overdue()
        for number in escalated:
            self.stdout.write(number)
        self.stdout.write(self.style.SUCCESS(f"{len(escalated)} overdue case(s) escalated"))

"""Send today's care-visit reminders now; or (--schedule) make sure the background
worker sends them every morning."""
import datetime

from django.core.management.base import BaseCommand

from wangge.visits import services, tasks


class Command(BaseCommand):
    help = "Remind grid workers of care visits due today or overdue (关爱走访提醒); --schedule queues the daily job."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, help="Act as if today were this day.")
        parser.add_argument(
            "--schedule", action="store_true",
            help="Queue the daily reminders for `manage.py db_worker` unless they are already queued.",
        )

    def handle(self, *args, date=None, schedule=False, **options):
        if schedule:
            queued = tasks.schedule()
            self.stdout.write("queued the daily care reminders" if queued else "the daily care reminders are already queued")
            return
        sent = services.send_care_reminders(date)
        self.stdout.write(self.style.SUCCESS(f"{sent} reminder(s) sent"))

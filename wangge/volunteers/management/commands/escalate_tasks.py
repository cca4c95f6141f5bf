"""Escalate help tasks nobody accepted in time to their community, once, now; or
(--schedule) make sure the background worker does it periodically."""
from django.core.management.base import BaseCommand

from wangge.volunteers import services, tasks


class Command(BaseCommand):
    help = ("Escalate help tasks still unaccepted after WANGGE_TASK_ACCEPT_HOURS to their community "
            "(求助任务超时转社区); --schedule queues the periodic job instead.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule", action="store_true",
            help="Queue the periodic task escalation for `manage.py db_worker` unless it is already queued.",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            if tasks.schedule():
                self.stdout.write("queued the periodic task escalation")
            else:
                self.stdout.write("the periodic task escalation is already queued")
            return
        escalated = services.escalate_unaccepted()
        for task in escalated:
            self.stdout.write(f"{task.pk} {task.area_code} {task.title}")
        self.stdout.write(self.style.SUCCESS(f"{len(escalated)} unaccepted task(s) escalated"))

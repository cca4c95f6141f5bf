"""python manage.py generate_city --residents N --years Y --seed S: a synthetic city of any size (code 229999).

Plans the communities in --jobs planner processes (default: one per CPU) and
writes them into the configured database in one transaction, with PostgreSQL
COPY where available; progress goes to stderr. See wangge/scale/generator.py
and docs/performance.md.
"""
import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from wangge.scale import generator


class Command(BaseCommand):
    help = "Generate a deterministic synthetic city (code 229999) with N residents and Y years of cases and visits."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=100_000)
        parser.add_argument("--years", type=int, default=1)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--until", type=datetime.date.fromisoformat, default=None,
                            help="the day the history runs up to (10:00 that day); default: up to now. "
                                 "Pass it to get the same city twice.")
        parser.add_argument("--no-cases", action="store_true", help="no cases (nor the visits they came from)")
        parser.add_argument("--no-visits", action="store_true", help="no visits")
        parser.add_argument("--jobs", type=int, default=None,
                            help="planner processes (default: one per CPU; 1 plans in this process). "
                                 "The city does not depend on it.")

    def handle(self, *args, residents, years, seed, until, no_cases, no_visits, jobs, **options):
        if residents < 1 or years < 0:
            raise CommandError("--residents must be at least 1 and --years at least 0")
        if jobs is not None and jobs < 1:
            raise CommandError("--jobs must be at least 1")
        started = time.monotonic()
        progress = self.stderr._out if options["verbosity"] >= 1 else None
        try:
            counts = generator.generate(residents=residents, years=years, seed=seed, until=until,
                                        progress=progress, with_cases=not no_cases and years > 0,
                                        with_visits=not no_visits and years > 0, jobs=jobs)
        except generator.CityExists as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        size = generator.Size.for_residents(residents)
        self.stdout.write(
            f"{generator.CITY_NAME} ({generator.CITY_CODE}): {size.streets} streets, {size.communities} communities, "
            f"{size.grids} grids; " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + f"; {elapsed:.1f} s"
        )

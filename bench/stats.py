"""Where the time of ``GET /api/v1/stats`` goes, on the generated city (docs/performance.md, "Stats").

    DATABASE_URL=postgres://… .venv/bin/python bench/stats.py [--samples 10] [--out bench/stats-results.json]

For the whole city over the 30 days up to today (the dashboard's default period, which the nightly
care tallies cover: run ``manage.py care_tallies`` first, or pass --tallies) and one community over
the 365 days up to the day of the latest case, times the endpoint as the city administrator through Django's test
Client (in process, like bench/run.py), then each part of figures.compute on its own: the case
counts, escalations, the breakdowns, the visit, care-visit and service figures. Reads only.
"""
import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")

import django

django.setup()

from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone

from wangge.accounts.models import User
from wangge.accounts.scope import Scope
from wangge.cases.models import Case
from wangge.people.models import Resident
from wangge.scale import generator
from wangge.stats import figures, tallies

CITY = generator.CITY_CODE


def timed(fn, samples: int) -> dict:
    fn()  # warm
    times = []
    for _i in range(samples):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50": round(statistics.median(times), 1), "max": round(times[-1], 1), "samples": samples}


def parts(scope: Scope, area: str, start: datetime.date, end: datetime.date) -> dict:
    p = figures.Period.of(start, end)
    cases = figures.area_cases(scope, area)
    return {
        "case_counts": lambda: cases.filter(figures.counted(p)).aggregate(
            **{fn.__name__: fn(p) for fn in figures.CASE_COUNTS}),
        "escalated": lambda: figures.escalated(cases, p),
        "by_category+source+level": lambda: (figures.by_category(cases, p), figures.by_source(cases, p),
                                             figures.by_level(cases, p)),
        "visit_figures": lambda: figures.visit_figures(scope, area, p),
        "care_visit_figures": lambda: figures.care_visit_figures(scope, area, p),
        "care, live (no tallies)": lambda: figures.care_live(scope, area, p),
        "service_figures+projects": lambda: (figures.service_figures(scope, area, p),
                                             figures.projects_completed(scope, area, p)),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--tallies", action="store_true", help="Run the nightly care tallies first (timed).")
    parser.add_argument("--out", default=str(ROOT / "bench" / "stats-results.json"))
    args = parser.parse_args()
    setup_test_environment()
    residents = Resident.objects.filter(area_code__startswith=CITY).count()
    cases = Case.objects.filter(area_code__startswith=CITY).count()
    if not cases:
        sys.exit(f"no synthetic city {CITY} with cases in this database: run manage.py generate_city first")
    admin = User.objects.get(username=f"{generator.ACCOUNT_PREFIX}{CITY}_admin")
    client = Client()
    client.force_login(admin)
    scope = Scope.for_user(admin)
    end = timezone.localdate(Case.objects.filter(area_code__startswith=CITY).latest("reported_at").reported_at)
    community = Case.objects.filter(area_code__startswith=CITY).order_by("area_code").first().area_code[:12]
    results = {"database": connection.vendor, "residents": residents, "cases": cases,
               "at": timezone.now().isoformat(timespec="seconds"), "figures": {}}
    print(f"{connection.vendor}: city {CITY}, {residents:,} residents, {cases:,} cases", file=sys.stderr)
    if args.tallies:
        begin = time.perf_counter()
        written = tallies.refresh()
        results["tallies_job"] = {"ms": round((time.perf_counter() - begin) * 1000), "tallies": written}
        print(f"care tallies job: {written:,} tallies in {results['tallies_job']['ms']:,} ms", file=sys.stderr)
    today = timezone.localdate()
    for key, area, days, last in (("city_month", CITY, 30, today), ("community_year", community, 365, end)):
        start = last - datetime.timedelta(days=days - 1)
        url = f"/api/v1/stats?area={area}&from={start}&to={last}"

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        row = {"what": f"GET {url}", "endpoint": timed(get, args.samples), "parts": {}}
        for name, fn in parts(scope, area, start, last).items():
            row["parts"][name] = timed(fn, args.samples)
        results["figures"][key] = row
        print(f"\n{row['what']}\n  {'endpoint':28} p50 {row['endpoint']['p50']:9.1f} ms  max {row['endpoint']['max']:9.1f}")
        for name, t in row["parts"].items():
            print(f"  {name:28} p50 {t['p50']:9.1f} ms  max {t['max']:9.1f}")
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nwritten to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

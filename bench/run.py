"""Benchmarks on the synthetic city (manage.py generate_city): server time of the main reads, each beside a
hand-written SQL baseline measured in the same run.

    .venv/bin/python bench/run.py [--samples 30] [--out bench/results.json] [--only search|case_list|stats]

Runs against the configured database (DATABASE_URL), in process with Django's
test Client (no network, no server: "server time" is the time Django takes to
answer), with a raw cursor for the baselines. Writes nothing lasting: the
escalation job runs inside a transaction that is rolled back. Prints a table
and writes the figures as JSON. ``--only search`` measures only resident search (for a city generated with
``--no-cases``), ``--only case_list`` only the case list page and API, ``--only stats`` only the stats endpoint
(run ``manage.py care_tallies`` first, as the nightly job would have). See docs/performance.md.
"""
import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")

import django

django.setup()

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Length
from django.template import Template
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone

from wangge.accounts.models import User
from wangge.cases import services
from wangge.cases.models import Case
from wangge.cases.states import ACTIVE, OPEN
from wangge.people.models import Resident
from wangge.scale import generator

CITY = generator.CITY_CODE
TARGETS = {
    "case_list_page": ("p95 ≤ 50 ms, ≤ 3× raw", 50),
    "case_list_api": ("p95 ≤ 50 ms, ≤ 3× raw", 50),
    "search_name": ("p95 ≤ 100 ms", 100),
    "search_name_2_chars": ("p95 ≤ 100 ms", 100),
    "search_address": ("", None),
    "search_pinyin": ("p95 ≤ 100 ms", 100),
    "search_initials": ("p95 ≤ 100 ms", 100),
    "stats_city_month": ("≤ 500 ms", 500),
    "stats_community_year": ("", None),
}


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def timed(fn, samples, warmup=3):
    """Wall time per call, and this process's CPU time per call (``cpu_p50``: the Python side; the
    database's work is in its own processes), which a busy machine inflates far less than wall time."""
    for _ in range(warmup):
        fn()
    times, cpu = [], []
    for _ in range(samples):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return {"p50": round(percentile(times, 50), 2), "p95": round(percentile(times, 95), 2),
            "mean": round(statistics.mean(times), 2), "n": samples,
            "cpu_p50": round(percentile(cpu, 50), 2), "cpu_p95": round(percentile(cpu, 95), 2)}


def setup_environment():
    """The test environment (the test Client's host name, the in-memory mail box) without its template
    instrumentation: under setup_test_environment() every template rendered (each include, each widget)
    sends a signal the test Client answers by copying the context, for response.templates and
    response.context. That is test machinery a server never runs, so it is left out of "server time"."""
    render = Template._render
    setup_test_environment()
    Template._render = render


def get(client, url, **params):
    def call():
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response
    return call


def raw(sql, params):
    def call():
        with connection.cursor() as cursor:
            for statement, args in zip(sql, params):
                cursor.execute(statement, args)
                cursor.fetchall()
    return call


def busiest_grid_worker():
    """The grid worker with the most open cases of their own: the heaviest "mine" list."""
    row = (Case.objects.filter(area_code__startswith=CITY, status__in=OPEN, owner_user__isnull=False)
           .values("owner_user").annotate(n=Count("id"))
           .order_by("-n").first())
    user = User.objects.get(pk=row["owner_user"])
    return user, row["n"]


CASE_COLUMNS = """c.id, c.number, c.tracking, c.title, c.status, c.level, c.urgency, c.source, c.area_code,
 c.deadline, c.reported_at, c.owner_kind, c.owner_partner, cat.code, cat.name, parent.code, parent.name,
 g.code, g.name, oa.code, oa.name, ou.username, ou.display_name"""
CASE_JOINS = """FROM cases_case c
 JOIN cases_category cat ON cat.id = c.category_id
 LEFT JOIN cases_category parent ON parent.id = cat.parent_id
 JOIN areas_area g ON g.id = c.grid_id
 LEFT JOIN areas_area oa ON oa.id = c.owner_area_id
 LEFT JOIN accounts_user ou ON ou.id = c.owner_user_id"""


def city_admin_client():
    admin = User.objects.get(username=f"{generator.ACCOUNT_PREFIX}{CITY}_admin")
    client = Client()
    client.force_login(admin)
    return client


def bench_case_lists(figures, n):
    # --- a grid worker's case list -------------------------------------------------------
    worker, mine = busiest_grid_worker()
    grid = worker.posts.get().area_code
    client = Client()
    client.force_login(worker)
    page = timed(get(client, "/cases/"), n)
    open_statuses = list(OPEN)
    base_page = timed(raw(
        ["SELECT count(*) FROM cases_case c WHERE c.area_code LIKE %s AND c.owner_user_id = %s AND c.status = ANY(%s)"
         if connection.vendor == "postgresql" else
         "SELECT count(*) FROM cases_case c WHERE c.area_code LIKE %s AND c.owner_user_id = %s AND c.status IN ({})"
         .format(",".join(["%s"] * len(open_statuses))),
         f"SELECT {CASE_COLUMNS} {CASE_JOINS} WHERE c.area_code LIKE %s AND c.owner_user_id = %s AND "
         + ("c.status = ANY(%s)" if connection.vendor == "postgresql" else
            "c.status IN ({})".format(",".join(["%s"] * len(open_statuses))))
         + " ORDER BY c.reported_at DESC, c.id DESC LIMIT 30"],
        [[f"{grid}%", worker.pk, open_statuses] if connection.vendor == "postgresql"
         else [f"{grid}%", worker.pk, *open_statuses]] * 2), n)
    figures["case_list_page"] = {"what": f"GET /cases/ (tab 我的诉求, {mine} open cases, first page of 30)",
                                 **page, "baseline": base_page}
    api = timed(get(client, "/api/v1/cases"), n)
    base_api = timed(raw(
        ["SELECT count(*) FROM cases_case c WHERE c.area_code LIKE %s",
         (f"SELECT {CASE_COLUMNS} {CASE_JOINS} WHERE c.area_code LIKE %s ORDER BY c.reported_at DESC, c.id DESC "
         "LIMIT 100")],
        [[f"{grid}%"]] * 2), n)
    in_grid = Case.objects.filter(area_code__startswith=grid).count()
    figures["case_list_api"] = {"what": f"GET /api/v1/cases (all {in_grid:,} cases of the grid, first page of 100)",
                                **api, "baseline": base_api}
    return grid


def bench_search(figures, n, residents):
    """Resident search over the whole city, as the city administrator. The baselines are the SQL one would
    write by hand for the same rows in the same shape as the app: a name or address match of 3 characters or more as
    a UNION of two single-table matches (each served by its trigram index on PostgreSQL), a shorter one as the
    plain OR, pinyin and initials as prefix matches."""
    city_client = city_admin_client()
    city = Resident.objects.filter(area_code__startswith=CITY)
    sample = city.select_related("household").order_by("id")[residents // 2]
    two = city.annotate(n=Length("name")).filter(n=2).order_by("id")[residents // 50]
    address = sample.household.address.split("社区", 1)[-1]
    order = " ORDER BY r.area_code, r.name_pinyin, r.id LIMIT 100"
    text = ("r.id IN (SELECT id FROM people_resident WHERE name LIKE %s UNION SELECT r2.id FROM people_resident r2 "
            "JOIN areas_household h2 ON h2.id = r2.household_id WHERE h2.address LIKE %s)")
    short = "(r.name LIKE %s OR h.address LIKE %s)"  # under 3 characters, the plain OR (no trigram to look up)
    short_params = [f"%{two.name}%"] * 2
    if connection.vendor == "postgresql":  # 2 characters: the spaced union (people/0005), the exact check beside it
        spaced = "regexp_replace({0}, '(.)', '\\1x', 'g') LIKE %s AND strpos({0}, %s) > 0"
        short = (f"r.id IN (SELECT id FROM people_resident WHERE {spaced.format('name')} UNION SELECT r2.id "
                 f"FROM people_resident r2 JOIN areas_household h2 ON h2.id = r2.household_id "
                 f"WHERE {spaced.format('h2.address')})")
        short_params = [f"%{''.join(c + 'x' for c in two.name)}%", two.name] * 2
    latin = "(r.name_initials LIKE %s OR r.name_pinyin LIKE %s)"
    for key, q, where, params in (
        ("search_name", sample.name, text, [f"%{sample.name}%"] * 2),
        ("search_name_2_chars", two.name, short, short_params),
        ("search_address", address, text, [f"%{address}%"] * 2),
        ("search_pinyin", sample.name_pinyin, latin, [f"{sample.name_pinyin}%"] * 2),
        ("search_initials", sample.name_initials, latin, [f"{sample.name_initials}%"] * 2),
    ):
        timing = timed(get(city_client, "/api/v1/residents", q=q), n)
        joins = "FROM people_resident r LEFT JOIN areas_household h ON h.id = r.household_id"
        base = timed(raw(
            [f"SELECT count(*) {joins} WHERE r.area_code LIKE %s AND {where}",
             (f"SELECT r.id, r.name, r.gender, r.birth_date, r.id_last4, r.phone, r.area_code, h.address "
              f"{joins} WHERE r.area_code LIKE %s AND {where}{order}")],
            [[f"{CITY}%", *params]] * 2), n)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {joins} WHERE r.area_code LIKE %s AND {where}",
                           [f"{CITY}%", *params])
            hits = cursor.fetchone()[0]
        figures[key] = {"what": f"GET /api/v1/residents?q={q} as the city administrator ({hits:,} matches)",
                        **timing, "baseline": base}


def bench_stats(figures, n, grid):
    city_client = city_admin_client()
    # --- stats ----------------------------------------------------------------------------
    # Periods up to today, as the dashboard asks by default: the 30 days up to today is one of the
    # periods the nightly care tallies hold (run `manage.py care_tallies` first); a year is not.
    end = timezone.localdate()
    community = grid[:12]
    for key, area, start, samples in (
        ("stats_city_month", CITY, end - datetime.timedelta(days=29), max(5, n // 3)),
        ("stats_community_year", community, end - datetime.timedelta(days=364), max(5, n // 3)),
    ):
        timing = timed(get(city_client, "/api/v1/stats", area=area, **{"from": start.isoformat(),
                                                                        "to": end.isoformat()}), samples)
        base = timed(raw(
            ["SELECT status, source, count(*), avg(EXTRACT(EPOCH FROM (closed_at - reported_at))) FROM cases_case "
             "WHERE area_code LIKE %s AND reported_at >= %s AND reported_at < %s GROUP BY status, source"
             if connection.vendor == "postgresql" else
             "SELECT status, source, count(*) FROM cases_case WHERE area_code LIKE %s AND reported_at >= %s "
             "AND reported_at < %s GROUP BY status, source"],
            [[f"{area}%", datetime.datetime.combine(start, datetime.time(), tzinfo=timezone.get_default_timezone()),
              datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(),
                                        tzinfo=timezone.get_default_timezone())]]), samples)
        figures[key] = {"what": f"GET /api/v1/stats?area={area}&from={start}&to={end}", **timing,
                        "baseline": base, "baseline_note": "one GROUP BY over the same cases, not every figure"}


def bench_escalation(figures, cases):
    # --- the escalation job -----------------------------------------------------------------
    for key, ahead in (("escalation_now", 0), ("escalation_catch_up_10_days", 240)):
        moment = timezone.now() + datetime.timedelta(hours=ahead)
        with transaction.atomic():
            overdue = Case.objects.filter(status__in=ACTIVE, deadline__lt=moment).exclude(level="city").count()
            with mock.patch("wangge.cases.services.timezone.now", return_value=moment):
                start = time.perf_counter()
                escalated = services.escalate_overdue()
                elapsed = (time.perf_counter() - start) * 1000
            transaction.set_rollback(True)
        figures[key] = {"what": f"services.escalate_overdue() at now+{ahead}h over all {cases:,} cases "
                                f"({overdue} overdue; rolled back)",
                        "ms": round(elapsed, 1), "escalated": len(escalated),
                        "per_case_ms": round(elapsed / len(escalated), 2) if escalated else None}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--only", choices=["search", "case_list", "stats"],
                        help="only these figures: search (a city made with --no-cases), case_list (the case list "
                             "page and API) or stats (the stats endpoint)")
    args = parser.parse_args()
    setup_environment()
    n = args.samples
    residents = Resident.objects.filter(area_code__startswith=CITY).count()
    cases = Case.objects.filter(area_code__startswith=CITY).count()
    if not residents:
        sys.exit(f"no synthetic city {CITY} in this database: run manage.py generate_city first")
    results = {"database": connection.vendor, "residents": residents, "cases": cases,
               "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
               "at": timezone.now().isoformat(timespec="seconds"), "figures": {}}
    figures = results["figures"]
    print(f"{connection.vendor}: city {CITY}, {residents:,} residents, {cases:,} cases", file=sys.stderr)

    if args.only in (None, "case_list"):
        grid = bench_case_lists(figures, n)
    if args.only in (None, "search"):
        bench_search(figures, n, residents)
    if args.only in (None, "stats"):
        bench_stats(figures, n, grid if args.only is None else busiest_grid_worker()[0].posts.get().area_code)
    if args.only is None:
        bench_escalation(figures, cases)

    results["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print_table(results)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2))


def print_table(results):
    print(f"\n{results['database']} · {results['residents']:,} residents · {results['cases']:,} cases · "
          f"{results['machine']}")
    print(f"{'figure':<26}{'p50 ms':>9}{'p95 ms':>9}{'raw p50':>9}{'raw p95':>9}{'ratio p50':>10}{'cpu p50':>9}"
          "  target")
    for key, f in results["figures"].items():
        if "p50" in f:
            b = f["baseline"]
            ratio = f["p50"] / b["p50"] if b["p50"] else float("nan")
            f["ratio_p50"] = round(ratio, 1)
            print(f"{key:<26}{f['p50']:>9.1f}{f['p95']:>9.1f}{b['p50']:>9.1f}{b['p95']:>9.1f}{ratio:>10.1f}"
                  f"{f['cpu_p50']:>9.1f}  {TARGETS.get(key, ('',))[0]}")
        else:
            print(f"{key:<26}{f['ms']:>9.1f}{'':>9}{'':>9}{'':>9}{'':>10}{'':>9}  escalated {f['escalated']}, "
                  f"{f['per_case_ms']} ms/case")
    print(f"max RSS of this process: {results['max_rss_mb']} MB")


if __name__ == "__main__":
    main()

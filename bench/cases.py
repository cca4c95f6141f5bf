"""Benchmarks of the case loop's two write paths on the synthetic city (manage.py generate_city).

    .venv/bin/python bench/cases.py escalation [--ahead 0 240] [--per-case] [--batch-size 500]
    .venv/bin/python bench/cases.py profile-create [--n 200]
    .venv/bin/python bench/cases.py create --url http://127.0.0.1:8765 [--seconds 30] [--concurrency 4]

``escalation`` times ``services.escalate_overdue()`` over every case of the
configured database (DATABASE_URL) as if it ran ``--ahead`` hours from now,
inside a transaction that is rolled back (nothing lasting is written); with
``--per-case`` it also times the per-case path the job used before batches
(one ``_escalate_one`` per overdue case), on the same cases.

``profile-create`` reports ``--n`` cases in process through
``POST /api/v1/cases`` (Django's test client, a grid worker of the synthetic
city) inside a rolled-back transaction, and prints the queries of one report
and where the time goes (cProfile).

``create`` is a writes-only load test against a running server (scripts/serve)
on loopback: ``--concurrency`` grid workers each report cases in their own grid
over HTTP for ``--seconds`` seconds; then the trivial endpoint
(``GET /api/v1/categories``) at the same concurrency as the baseline. Prints
requests per second, p50/p95/p99, errors, and the CPU time the gunicorn
workers (and, with ``--pg-data``, the PostgreSQL server processes) spent per
request, which a busy machine does not inflate as it does wall times. Writes
``--out`` as JSON.
"""
import argparse
import cProfile
import datetime
import json
import os
import pstats
import statistics
import sys
import threading
import time
from pathlib import Path
from unittest import mock
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")

CITY = "229999"
CATEGORIES = ("garbage", "street_light", "road_damage", "corridor_light", "noise", "parking", "fire_hazard")


def _django():
    import django

    django.setup()


def escalation(args):
    _django()
    from django.db import transaction
    from django.utils import timezone

    from wangge.cases import services
    from wangge.cases.models import Case

    results = {"cases": Case.objects.count()}
    for ahead in args.ahead:
        moment = timezone.now() + datetime.timedelta(hours=ahead)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            overdue = services._overdue(moment).count()
            row = {"ahead_hours": ahead, "overdue": overdue}
            if args.per_case:
                with transaction.atomic():
                    start = time.perf_counter()
                    done = 0
                    for number, version in list(services._overdue(moment).values_list("number", "version")):
                        services._escalate_one(number, version)
                        done += 1
                    row["per_case_ms"] = round((time.perf_counter() - start) * 1000, 1)
                    row["per_case_escalated"] = done
                    transaction.set_rollback(True)
            with transaction.atomic():
                start = time.perf_counter()
                escalated = services.escalate_overdue(batch_size=args.batch_size)
                row["batch_ms"] = round((time.perf_counter() - start) * 1000, 1)
                row["batch_escalated"] = len(escalated)
                transaction.set_rollback(True)
        results.setdefault("runs", []).append(row)
        print(json.dumps(row))
    Path(args.out).write_text(json.dumps(results, indent=2))


def profile_create(args):
    _django()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from wangge.accounts.models import ApiToken, User

    setup_test_environment()
    user = User.objects.filter(username__startswith=f"s{CITY}", username__endswith="_grid").order_by("username")[7]
    grid = user.username[1:-5]
    client = Client()
    headers = {}
    if args.auth == "session":
        client.force_login(user)
    else:  # a bearer token, as the HTTP benchmark and the app use the API
        raw = f"profile-create-{os.getpid()}"
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def body(i):
        return {"title": "巡查发现问题", "description": "基准测试：巡查发现的问题。", "source": "patrol",
                "category": CATEGORIES[i % len(CATEGORIES)], "area": grid}

    def post(i):
        response = client.post("/api/v1/cases", body(i), content_type="application/json", **headers)
        assert response.status_code == 201, response.content[:300]

    def trivial(_i):
        assert client.get("/api/v1/categories").status_code == 200

    def timed(request, n):
        times, cpu = [], []
        for i in range(n):
            start, start_cpu = time.perf_counter(), time.process_time()
            request(i)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        times.sort()
        return (f"wall mean {statistics.mean(times):.1f} ms, p50 {times[len(times) // 2]:.1f} ms, "
                f"p95 {times[int(len(times) * 0.95)]:.1f} ms; CPU of this process mean {statistics.mean(cpu):.2f} ms")

    with transaction.atomic():
        if args.auth != "session":
            ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw),
                                    expires_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1))
        post(0)  # warm up
        trivial(0)
        with CaptureQueriesContext(connection) as queries:
            post(1)
        print(f"queries of one report ({args.auth}): {len(queries)}")
        for q in queries.captured_queries:
            print(f"  {q['time']:>6} {q['sql'][:args.sql_width]}")
        for _round in range(args.rounds):  # unprofiled: wall and CPU time of this process, alternating
            print(f"{args.n} reports in process: {timed(post, args.n)}")
            print(f"{args.n} trivial requests (GET /api/v1/categories): {timed(trivial, args.n)}")
        profiler = cProfile.Profile(time.process_time)  # where this process's CPU goes
        for i in range(args.n):
            profiler.enable()
            post(i)
            profiler.disable()
        transaction.set_rollback(True)
    stats = pstats.Stats(profiler)
    stats.sort_stats(args.sort).print_stats(args.top)


def create(args):
    import load  # bench/load.py: the loopback-only HTTP client and token login

    setup = load.Http(args.url)
    admin_token = load.token(setup, f"s{CITY}_admin")
    grids = load._grid_codes(setup, admin_token)
    users = [{"grid": grid, "token": load.token(setup, f"s{grid}_grid")}
             for grid in (grids[(i * 7919) % len(grids)] for i in range(args.concurrency))]

    def hammer(phase_seconds, request_of):
        samples, errors, lock = [], [], threading.Lock()
        stop = time.monotonic() + phase_seconds

        def run(i):
            http_ = load.Http(args.url)
            n = 0
            while time.monotonic() < stop:
                method, path, body, token = request_of(i, n)
                n += 1
                start = time.perf_counter()
                try:
                    status, data = http_.request(method, path, body, token=token)
                except Exception as exc:  # noqa: BLE001 - every failure counts as an error
                    status, data = 0, repr(exc).encode()
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    samples.append(elapsed)
                    if status not in (200, 201):
                        errors.append({"status": status, "body": data[:200].decode(errors="replace")})

        threads = [threading.Thread(target=run, args=(i,)) for i in range(args.concurrency)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        return {"n": len(samples), "rps": round(len(samples) / elapsed, 1), "p50": load.pct(samples, 50),
                "p95": load.pct(samples, 95), "p99": load.pct(samples, 99), "errors": len(errors),
                "error_examples": errors[:3]}

    def report(i, n):
        user = users[i]
        body = {"title": "巡查发现问题", "description": "负载测试：巡查发现的问题，请处理。", "source": "patrol",
                "category": CATEGORIES[(i + n) % len(CATEGORIES)], "area": user["grid"]}
        return "POST", "/api/v1/cases", body, user["token"]

    workers = _workers(args.url)  # recycling off: the same processes throughout
    if not workers:
        sys.exit(f"no gunicorn workers serving {args.url} found")

    def measured(phase_seconds, request_of):
        """A phase, with the CPU the gunicorn workers (and PostgreSQL, with --pg-data) and
        these client threads spent on it."""
        before = (_cpu_ms(workers), _postgres_ms(args.pg_data) if args.pg_data else 0, time.process_time())
        figures = hammer(phase_seconds, request_of)
        after = (_cpu_ms(workers), _postgres_ms(args.pg_data) if args.pg_data else 0, time.process_time())
        n = max(figures["n"], 1)
        figures["worker_cpu_ms_per_request"] = round(
            sum(ms - before[0].get(pid, 0) for pid, ms in after[0].items()) / n, 2
        )
        if args.pg_data:
            figures["postgres_cpu_ms_per_request"] = round((after[1] - before[1]) / n, 2)
        figures["client_cpu_ms_per_request"] = round((after[2] - before[2]) * 1000 / n, 2)
        return figures

    if args.warmup_seconds:  # first requests of a worker import and compile: not measured
        hammer(args.warmup_seconds, report)
        hammer(args.warmup_seconds / 2, lambda i, n: ("GET", "/api/v1/categories", None, None))
    rss_before = _rss_mb(workers)
    result = {"concurrency": args.concurrency, "seconds": args.seconds,
              "create_case": measured(args.seconds, report)}
    rss_after = _rss_mb(workers)
    result["trivial_endpoint"] = measured(
        args.baseline_seconds, lambda i, n: ("GET", "/api/v1/categories", None, None)
    )
    result["worker_rss_mb_before"], result["worker_rss_mb_after"] = rss_before, rss_after
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    result["ratio_to_trivial"] = round(result["create_case"]["rps"] / max(result["trivial_endpoint"]["rps"], 0.1), 3)
    print(f"{'':<18}{'n':>7}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'errors':>8}{'app CPU ms':>12}{'db CPU ms':>11}"
          f"{'client CPU ms':>15}")
    for key in ("create_case", "trivial_endpoint"):
        f = result[key]
        print(f"{key:<18}{f['n']:>7}{f['rps']:>8}{f['p50']:>8}{f['p95']:>8}{f['p99']:>8}{f['errors']:>8}"
              f"{f['worker_cpu_ms_per_request']:>12}{f.get('postgres_cpu_ms_per_request', ''):>11}"
              f"{f['client_cpu_ms_per_request']:>15}")
    print(f"reports/s ÷ trivial requests/s: {result['ratio_to_trivial']}")
    if result["create_case"]["errors"]:
        print("errors, e.g.:", result["create_case"]["error_examples"])


def _workers(url) -> list[int]:
    """The gunicorn workers serving ``url``: children of the gunicorn master whose command
    line binds that port (other gunicorns on the machine are left out)."""
    port = f":{urlparse(url).port}"
    commands = {}
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            commands[int(cmdline.parent.name)] = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
    masters = {pid for pid, command in commands.items() if "gunicorn" in command and port in command}
    return sorted(pid for pid in masters if (stat := _stat(pid)) and int(stat[1]) in masters)


def _rss_mb(pids) -> dict[int, float]:
    rss = {}
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        rss[pid] = round(int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) / 1024, 1)
    return rss


def _stat(pid) -> list[str] | None:
    """/proc/<pid>/stat after the command name: [state, ppid, …]; field n of stat(5) is [n - 3]."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _ms(ticks) -> float:
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def _cpu_ms(pids) -> dict[int, float]:
    """User + system CPU time (utime + stime) of each process, in milliseconds (Linux /proc)."""
    return {int(pid): _ms(int(f[11]) + int(f[12])) for pid in pids if (f := _stat(pid))}


def _postgres_ms(data_dir) -> float:
    """CPU time of the PostgreSQL cluster in data_dir: its live server processes, plus what the
    ones that ended (connections closed after DB_CONN_MAX_AGE) left in the postmaster's
    cutime + cstime."""
    postmaster = Path(data_dir, "postmaster.pid").read_text().split()[0]
    own = _stat(postmaster)
    total = _ms(int(own[13]) + int(own[14]))
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat(stat.parent.name)
        if fields and fields[1] == postmaster:
            total += _ms(int(fields[11]) + int(fields[12]))
    return total


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("escalation")
    p.add_argument("--ahead", type=float, nargs="+", default=[0, 240])
    p.add_argument("--per-case", action="store_true")
    p.add_argument("--batch-size", type=int, default=500)
    p.add_argument("--out", default=str(ROOT / "bench" / "escalation-results.json"))
    p = commands.add_parser("profile-create")
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime, …")
    p.add_argument("--auth", choices=["token", "session"], default="token",
                   help="a bearer token (as over HTTP; default) or a session cookie")
    p.add_argument("--rounds", type=int, default=1, help="timed rounds of reports and trivial requests, alternating")
    p.add_argument("--sql-width", type=int, default=150, help="characters of each query shown")
    p = commands.add_parser("create")
    p.add_argument("--url", default="http://127.0.0.1:8765")
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--baseline-seconds", type=float, default=10)
    p.add_argument("--warmup-seconds", type=float, default=4, help="unmeasured reports (and half as long trivial "
                   "requests) first, so each worker's imports and first compilations are not counted")
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--pg-data", help="the PostgreSQL data directory, to count its CPU time too (same machine)")
    p.add_argument("--out", default=str(ROOT / "bench" / "create-results.json"))
    args = parser.parse_args()
    {"escalation": escalation, "profile-create": profile_create, "create": create}[args.command](args)


if __name__ == "__main__":
    main()

"""A bounded load test against a running server (scripts/serve) on loopback, over the synthetic city.

    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --seconds 60 --concurrency 8

Needs the synthetic city (manage.py generate_city; its accounts share the
password generator.PASSWORD) in the server's database. Each of
``--concurrency`` threads acts as one user, chosen round-robin from grid
workers, community heads and the city administrator, and loops until the
time is up over a realistic mix: 80 % reads (own case list, the office's
queue, a resident search, the community's stats, the unread count) and 20 %
writes for every role: a grid worker reports a case in their own grid or
moves one of their own cases on (受理, 开始处置, 处置反馈); a community head
opens a case of the office's queue and takes the first of its allowed
actions that needs no more than a note (核查, 结案, 受理…), or reports one in a
grid of the community when the queue offers none; the city administrator
marks their notifications read. A 409 (someone, e.g. the escalation job,
changed the case since it was listed) is counted as a conflict, the answer
a client refreshes on, not as an error. Every request is timed from the client. A trivial endpoint
(``GET /api/v1/categories``) is timed in a second phase as the baseline.
Prints throughput, latency percentiles per kind and errors, the resident
memory of the gunicorn workers before and after, and writes
bench/load-results.json. Only loopback addresses are accepted.
"""
import argparse
import http.client
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CITY = "229999"
PASSWORD = "wangge-scale-2026"


class Http:
    def __init__(self, url):
        parsed = urlparse(url)
        if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit("load tests run on loopback only")
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.conn = None

    def request(self, method, path, body=None, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.conn.request(method, path, body=json.dumps(body) if body is not None else None,
                                  headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return response.status, data
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError


def token(http_, username):
    status, data = http_.request("POST", "/api/v1/auth/token", {"username": username, "password": PASSWORD})
    if status != 200:
        sys.exit(f"login of {username} failed: {status} {data[:200]!r}")
    return json.loads(data)["token"]


def worker_rss(url) -> dict[int, float]:
    """Resident memory (MB) of each gunicorn worker serving ``url`` (bench/cases.py finds them by port)."""
    import cases  # bench/cases.py, which imports this module's HTTP client in turn

    return cases._rss_mb(cases._workers(url))


def pct(values, p):
    values = sorted(values)
    if not values:
        return None
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return round(values[lo] + (values[hi] - values[lo]) * (k - lo), 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--out", default=str(ROOT / "bench" / "load-results.json"))
    args = parser.parse_args()

    setup = Http(args.url)
    # Who acts: read the accounts from the API as the city administrator.
    admin = f"s{CITY}_admin"
    admin_token = token(setup, admin)
    # Accounts follow the generator's naming: s<grid>_grid, s<community>_head.
    users = []
    grids = _grid_codes(setup, admin_token)
    for i in range(args.concurrency):
        grid = grids[(i * 7919) % len(grids)]
        kind = ("grid", "grid", "grid", "head", "admin")[i % 5]
        username = {"grid": f"s{grid}_grid", "head": f"s{grid[:12]}_head", "admin": admin}[kind]
        users.append({"kind": kind, "grid": grid, "username": username, "token": token(setup, username),
                      "cases": [], "opened": None})

    rss_before = worker_rss(args.url)
    stop = time.monotonic() + args.seconds
    samples, errors, conflicts, lock = [], [], [], threading.Lock()

    def run(user, seed):
        http_ = Http(args.url)
        r = random.Random(seed)
        while time.monotonic() < stop:
            for step in pick(r, user):
                step = step(user) if callable(step) else step
                if step is None:
                    break  # nothing to act on
                kind, method, path, body = step
                start = time.perf_counter()
                try:
                    status, data = http_.request(method, path, body, token=user["token"])
                except Exception as exc:  # noqa: BLE001 - every failure counts as an error
                    status, data = 0, repr(exc).encode()
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    samples.append((kind, elapsed))
                    if status == 409:
                        conflicts.append(kind)
                    elif status not in (200, 201):
                        errors.append({"kind": kind, "status": status,
                                       "body": data[:200].decode(errors="replace")})
                if status in (200, 201):
                    remember(user, kind, data)
                if status not in (200, 201):
                    break  # the rest of a two-step write rests on this answer

    threads = [threading.Thread(target=run, args=(u, i)) for i, u in enumerate(users)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    rss_after = worker_rss(args.url)

    # The baseline: the same concurrency on a trivial endpoint.
    base_samples = []
    stop = time.monotonic() + args.baseline_seconds

    def trivial(seed):
        http_ = Http(args.url)
        while time.monotonic() < stop:
            start = time.perf_counter()
            _status, _data = http_.request("GET", "/api/v1/categories")
            with lock:
                base_samples.append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=trivial, args=(i,)) for i in range(args.concurrency)]
    base_started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    base_elapsed = time.monotonic() - base_started

    kinds = sorted({k for k, _ in samples})
    result = {
        "seconds": round(elapsed, 1), "concurrency": args.concurrency, "requests": len(samples),
        "rps": round(len(samples) / elapsed, 1), "errors": len(errors), "error_examples": errors[:5],
        "conflicts": len(conflicts),
        "write_share": round(sum(1 for k, _ in samples if k in WRITES) / max(1, len(samples)), 3),
        "by_kind": {k: {"n": len(v), "rps": round(len(v) / elapsed, 1), "p50": pct(v, 50), "p95": pct(v, 95),
                        "p99": pct(v, 99), "mean": round(statistics.mean(v), 1)}
                    for k in kinds for v in [[ms for kk, ms in samples if kk == k]]},
        "all": {"p50": pct([ms for _, ms in samples], 50), "p95": pct([ms for _, ms in samples], 95),
                "p99": pct([ms for _, ms in samples], 99)},
        "trivial_endpoint": {"rps": round(len(base_samples) / base_elapsed, 1), "p50": pct(base_samples, 50),
                             "p99": pct(base_samples, 99)},
        "worker_rss_mb_before": rss_before, "worker_rss_mb_after": rss_after,
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"{result['requests']} requests in {result['seconds']} s at concurrency {args.concurrency}: "
          f"{result['rps']} req/s, {result['errors']} errors, {result['conflicts']} conflicts (409), "
          f"writes {result['write_share']:.0%}")
    print(f"{'kind':<16}{'n':>7}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}")
    for k, f in result["by_kind"].items():
        print(f"{k:<16}{f['n']:>7}{f['rps']:>8}{f['p50']:>8}{f['p95']:>8}{f['p99']:>8}")
    t = result["trivial_endpoint"]
    print(f"{'trivial (base)':<16}{'':>7}{t['rps']:>8}{t['p50']:>8}{'':>8}{t['p99']:>8}")
    print(f"worker RSS MB before {rss_before} after {rss_after}")
    if errors:
        print("errors, e.g.:", errors[:3])


def _grid_codes(http_, admin_token):
    """The grids of the synthetic city, from the areas API."""
    status, data = http_.request("GET", "/api/v1/areas?" + urlencode({"level": "grid"}), token=admin_token)
    if status != 200:
        sys.exit(f"areas: {status} {data[:200]!r}")
    items = json.loads(data)
    items = items.get("items", items) if isinstance(items, dict) else items
    return sorted(a["code"] for a in items if a["code"].startswith(CITY))


CATEGORIES = ("garbage", "street_light", "road_damage", "corridor_light", "noise", "parking")
# Actions a client takes with a note alone, in the order a user would prefer them.
SIMPLE_ACTIONS = ("verify", "close", "accept", "start", "handle")
# What each role moves its own cases on with (a grid worker's handling steps).
OWN_STEPS = {"reported": "accept", "accepted": "start", "in_progress": "handle"}
WRITES = {"create_case", "transition", "mark_read"}


def pick(r, user) -> list:
    """The next requests of this user: one read, or a write (for some writes, the read it rests on first)."""
    grid = user["grid"]
    if r.random() < 0.2:
        return write(r, user)
    draw = r.random() / 0.8
    if draw < 0.3125:
        params = {"list": "queue"} if user["kind"] != "grid" else {"list": "mine"}
        return [("case_list", "GET", "/api/v1/cases?" + urlencode(params), None)]
    if draw < 0.5625:
        q = r.choice(("zh", "wang", "li", "lyr", "zhangwei", "wx"))
        return [("resident_search", "GET", "/api/v1/residents?" + urlencode({"q": q}), None)]
    if draw < 0.75:
        area = grid[:12] if user["kind"] != "grid" else grid
        return [("stats", "GET", "/api/v1/stats?" + urlencode({"area": area}), None)]
    return [("unread", "GET", "/api/v1/notifications/unread", None)]


def write(r, user) -> list:
    """A write: a request, or a read and a function of its answer giving the request (or None)."""
    if user["kind"] == "admin":
        return [("mark_read", "POST", "/api/v1/notifications/read", {})]
    if user["kind"] == "grid":
        own = [c for c in user["cases"] if c["status"] in OWN_STEPS and c["owner"].get("username") == user["username"]]
        if own and r.random() < 0.5:
            case = own[0]
            user["cases"].remove(case)
            return [transition(case["number"], OWN_STEPS[case["status"]], case["version"])]
        return [report(r, user["grid"])]
    # A head opens a case of the office's queue, then acts on it (the action comes from the case's answer).
    if user["cases"]:
        case = user["cases"].pop(0)
        return [("case_detail", "GET", f"/api/v1/cases/{case['number']}", None), act_on_opened]
    return [report(r, user["grid"])]


def report(r, grid):
    body = {"title": "巡查发现问题", "description": "负载测试：巡查发现的问题，请处理。", "category": r.choice(CATEGORIES),
            "source": "patrol", "area": grid}
    return "create_case", "POST", "/api/v1/cases", body


def transition(number, action, version):
    return ("transition", "POST", f"/api/v1/cases/{number}/transitions",
            {"action": action, "version": version, "note": "负载测试"})


def act_on_opened(user):
    """The first action of the opened case that needs only a note, if it offers one."""
    case = user["opened"]
    action = next((a for a in SIMPLE_ACTIONS if a in case.get("allowed_actions", [])), None)
    return transition(case["number"], action, case["version"]) if action else None


def remember(user, kind, data):
    """Keep what the next write rests on: the cases of the last list, the case just opened."""
    if kind == "case_list":
        user["cases"] = json.loads(data).get("items", [])
    elif kind == "case_detail":
        user["opened"] = json.loads(data)


if __name__ == "__main__":
    main()

"""N simulated line tablets building whole units against gunicorn and PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/threadline_tablet \\
        .venv/bin/python bench/tablets.py --tablets 50 --units 2

Runs the app as production does: PostgreSQL (DATABASE_URL), Redis (`--redis`, a database number
of its own: it is flushed) as cache and Celery broker, a real Celery worker (one process) relaying
the outbox after every write. Seeds (in the database named by DATABASE_URL, migrated first) rev C
of 100-200, one station per tablet at ASSY-1 with its operator, bound tablet, lots, and `--units`
units per tablet; starts gunicorn (2 sync workers) on loopback; then each tablet (a thread with its
own keep-alive connection and cookies) signs in by badge and builds its units through the screens, exactly as
the browser does with htmx: start, step screen, scans (PCB serial, screws, thread locker, tool,
gauge), results, sign-offs (the last one countersigned by an inspector's password); each scan
and result answers the step's fresh needs and actions in the same response, as on the screen.
Prints p50/p95/p99 per action and of a bare baseline (GET /health) measured in the same run, the
error count, and stops gunicorn. The run is bounded by `--units` and `--max-seconds`.
"""

import argparse
import http.client
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
ENV = {
    "DJANGO_SETTINGS_MODULE": "mes.settings",
    "SECRET_KEY": "bench-tablets-not-secret-" + "x" * 40,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
}
PASSWORD = "bench-password-7319"


def seed(tablets: int, units: int):
    """Everything the tablets need; returns [(badge, tablet cookie value, [serials])] and the step ids."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.http import HttpResponse
    from django.utils import timezone

    from core.choices import Role
    from core.models import User
    from line.models import Station
    from line.services import lots, qualifications, stations, tools, work_orders
    from line.views.tablet import COOKIE, set_tablet_cookie
    from tests.conftest import DATA

    call_command("migrate", verbosity=0)
    from django.conf import settings

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    newest = max(path.stat().st_mtime for path in (BASE_DIR / "static").rglob("*") if path.is_file())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        call_command("collectstatic", interactive=False, verbosity=0)  # production serves hashed static names
    engineer = User.objects.create(
        username="bench-engineer", role=Role.ENGINEER, password=make_password(PASSWORD)
    )
    User.objects.create(username="bench-inspector", role=Role.INSPECTOR, password=make_password(PASSWORD))
    call_command("import_release", str(DATA / "release-100-200-B.json"), verbosity=0)
    call_command("import_release", str(DATA / "release-100-200-C.json"), verbosity=0)
    today = timezone.localdate()
    tools.register_tool(
        code="TD-0.6", name="Torque driver", actor=engineer, calibration_due=today + timedelta(days=90)
    )
    tools.register_tool(
        code="G-TQ-1",
        name="Gauge",
        kind="torque driver",
        actor=engineer,
        calibration_due=today + timedelta(days=90),
    )
    work_order = work_orders.create_work_order(
        number="WO-BENCH", part_number="100-200", quantity=tablets * units, actor=engineer
    )
    serials = list(work_order.units.order_by("serial").values_list("serial", flat=True))
    hashed = make_password(PASSWORD)
    plan = []
    for index in range(tablets):
        code = "BT-{:03d}".format(index)
        station = Station.objects.create(code=code, work_center="ASSY-1", name="Bench {}".format(index))
        operator = User.objects.create(
            username="op-{:03d}".format(index),
            role=Role.OPERATOR,
            password=hashed,
            badge_code="BADGE-{:03d}".format(index),
        )
        stations.assign_stations(user=operator, station_codes=[code], actor=engineer)
        qualifications.grant_qualification(user=operator, qualification="ESD-1", actor=engineer)
        mine = serials[index * units : (index + 1) * units]
        pcbs = []
        for number in range(units):
            pcb = "PCB-{:03d}-{:03d}".format(index, number)
            lots.receive_lot(part_number="200-010", lot=pcb, quantity=1, actor=engineer)
            pcbs.append(pcb)
        lots.receive_lot(
            part_number="300-550", lot="SCR-{:03d}".format(index), quantity=4 * units, actor=engineer
        )
        lots.receive_lot(
            part_number="300-900",
            lot="TL-{:03d}".format(index),
            quantity=units,
            actor=engineer,
            expires_on=today + timedelta(days=30),
        )
        _binding, key = stations.bind_tablet(station=station, name=code, actor=engineer)
        response = HttpResponse()
        set_tablet_cookie(response, key)
        plan.append(
            {
                "badge": operator.badge_code,
                "cookie": (COOKIE, response.cookies[COOKIE].value),
                "units": list(zip(mine, pcbs, strict=True)),
                "index": index,
            }
        )
    return plan


def recreate_database(url: str) -> None:
    """A fresh database for every run (the bench's own: never point it at one you keep)."""
    import psycopg

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        connection.execute('DROP DATABASE IF EXISTS "{}"'.format(name))
        connection.execute('CREATE DATABASE "{}"'.format(name))


class Tablet:
    """One tablet: a keep-alive HTTP connection, its cookies, the CSRF header htmx would send."""

    def __init__(self, port: int, cookie: tuple[str, str]):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = {cookie[0]: cookie[1]}

    def request(
        self, method: str, path: str, data: dict | None = None, *, htmx: bool = True
    ) -> tuple[int, dict, str]:
        body = urlencode(data) if data is not None else None
        headers = {
            "Host": "127.0.0.1:{}".format(self.port),
            # The app runs as in production behind TLS: the proxy says https, CSRF checks the origin.
            "X-Forwarded-Proto": "https",
            "Origin": "https://127.0.0.1:{}".format(self.port),
            "Cookie": "; ".join("{}={}".format(k, v) for k, v in self.cookies.items()),
        }
        if htmx:
            headers["HX-Request"] = "true"
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            parsed = SimpleCookie()
            parsed.load(header)
            for name, morsel in parsed.items():
                self.cookies[name] = morsel.value
        return response.status, dict(response.headers), text


def build_units(
    tablet: Tablet, plan: dict, timings, errors, deadline: float, think: float, delay: float = 0.0
) -> None:
    pause = random.Random(plan["index"])
    time.sleep(delay)  # tablets come on one after another over the ramp, as a shift starts

    def timed(action: str, method: str, path: str, data=None, expect=(200,), htmx=True):
        # An operator between two actions (reads, reaches for a part, scans): think +- 50 %.
        if think:
            time.sleep(pause.uniform(0.5, 1.5) * think)
        started = time.perf_counter()
        try:
            status, headers, text = tablet.request(method, path, data, htmx=htmx)
        except Exception as error:  # noqa: BLE001 - a benchmark counts failures, it does not stop on them
            errors.append("{} {}: {}".format(action, path, error))
            tablet.connection.close()
            return None, {}, ""
        timings[action].append(time.perf_counter() - started)
        if status not in expect:
            errors.append("{} {} -> {} {}".format(action, path, status, text[:200].replace("\n", " ")))
        return status, headers, text

    timed("sign-in page", "GET", "/line/sign-in", htmx=False)
    timed("sign-in", "POST", "/line/sign-in", {"badge": plan["badge"]}, expect=(200,))
    for serial, pcb in plan["units"]:
        if time.monotonic() > deadline:
            return
        base = "/line/units/{}/".format(serial)
        timed("station screen", "GET", "/line/", htmx=False)
        timed("start", "POST", base + "start", {"idempotency_key": "start-" + serial})
        for _step_number, scans, results, countersign in (
            (1, [pcb], [], False),
            (
                2,
                ["SCR-{:03d}".format(plan["index"]), "TL-{:03d}".format(plan["index"]), "TD-0.6", "G-TQ-1"],
                [("TQ1", "0.6"), ("VIS1", None)],
                True,
            ),
        ):
            status, headers, text = timed("step screen", "GET", base, htmx=False)
            step_id = re.search(r'name="step" value="(\d+)"', text).group(1)
            for barcode in scans:
                timed(
                    "scan",
                    "POST",
                    base + "scan",
                    {
                        "idempotency_key": "{}-{}-{}".format(serial, step_id, barcode),
                        "step": step_id,
                        "barcode": barcode,
                        "gauges": "1" if results else "",
                    },
                )
            for code, value in results:
                data = {
                    "idempotency_key": "{}-{}".format(serial, code),
                    "step": step_id,
                    "characteristic": code,
                }
                data.update({"value": value, "gauge": "G-TQ-1"} if value else {"passed": "true"})
                timed("result", "POST", base + "result", data)
            data = {"idempotency_key": "{}-signoff-{}".format(serial, step_id), "step": step_id}
            if countersign:
                data.update({"inspector_username": "bench-inspector", "inspector_password": PASSWORD})
            timed(
                "sign-off + countersignature" if countersign else "sign-off", "POST", base + "sign-off", data
            )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] * 1000


def baseline(port: int, timings, stop: threading.Event) -> None:
    """GET /health every 50 ms on its own connection: the bare cost of a request in this run."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        started = time.perf_counter()
        try:
            connection.request(
                "GET", "/health", headers={"Host": "127.0.0.1:{}".format(port), "X-Forwarded-Proto": "https"}
            )
            connection.getresponse().read()
        except (OSError, http.client.HTTPException):
            connection.close()
            timings["baseline errors"].append(time.perf_counter() - started)
            continue
        timings["baseline GET /health"].append(time.perf_counter() - started)
        time.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tablets", type=int, default=50)
    parser.add_argument("--units", type=int, default=2, help="units each tablet builds")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/14",
        help="cache and broker (a database of its own: flushed)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=240)
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean seconds an operator takes between actions (0: none)"
    )
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="seconds over which the tablets start (0: all at once)"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL=postgres://... (a database of its own: it is flushed).", file=sys.stderr)
        return 2
    os.environ.update(ENV)
    os.environ["REDIS_URL"] = args.redis
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    recreate_database(os.environ["DATABASE_URL"])
    print("seeding {} tablets x {} units ...".format(args.tablets, args.units), flush=True)
    plan = seed(args.tablets, args.units)
    worker = subprocess.Popen(
        [
            str(BASE_DIR / ".venv" / "bin" / "celery"),
            "-A",
            "mes",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "warning",
        ],
        cwd=BASE_DIR,
        env={**os.environ},
    )
    server = subprocess.Popen(
        [
            str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
            "mes.wsgi",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--bind",
            "127.0.0.1:{}".format(args.port),
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=BASE_DIR,
        env={**os.environ},
    )
    try:
        for _attempt in range(100):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                probe.request("GET", "/health", headers={"X-Forwarded-Proto": "https"})
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        timings: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        stop = threading.Event()
        deadline = time.monotonic() + args.max_seconds
        watcher = threading.Thread(target=baseline, args=(args.port, timings, stop), daemon=True)
        watcher.start()
        started = time.perf_counter()
        threads = [
            threading.Thread(
                target=build_units,
                args=(
                    Tablet(args.port, item["cookie"]),
                    item,
                    timings,
                    errors,
                    deadline,
                    args.think,
                    args.ramp * index / max(len(plan), 1),
                ),
                daemon=True,
            )
            for index, item in enumerate(plan)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic() + 30))
        elapsed = time.perf_counter() - started
        stop.set()
        watcher.join(timeout=5)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

    import django  # noqa: F401 - already set up by seed()

    from core.models import OutboxEvent
    from line.models import Unit

    completed = Unit.objects.filter(status="completed").count()
    events = OutboxEvent.objects.count()
    relayed = OutboxEvent.objects.filter(relayed_at__isnull=False).count()
    print(
        "\n{} tablets (think {} s, ramp {} s), {} workers, {:.1f} s, {} of {} units completed, {} requests, "
        "{} errors".format(
            args.tablets,
            args.think,
            args.ramp,
            args.workers,
            elapsed,
            completed,
            args.tablets * args.units,
            sum(len(v) for k, v in timings.items() if not k.startswith("baseline")),
            len(errors),
        )
    )
    print("{:<30} {:>7} {:>9} {:>9} {:>9}".format("action", "count", "p50 ms", "p95 ms", "p99 ms"))
    for action in sorted(timings, key=lambda name: (name.startswith("baseline"), name)):
        values = timings[action]
        print(
            "{:<30} {:>7} {:>9.1f} {:>9.1f} {:>9.1f}".format(
                action,
                len(values),
                percentile(values, 0.5),
                percentile(values, 0.95),
                percentile(values, 0.99),
            )
        )
    every = [value for name, values in timings.items() if not name.startswith("baseline") for value in values]
    print(
        "{:<30} {:>7} {:>9.1f} {:>9.1f} {:>9.1f}".format(
            "all tablet requests",
            len(every),
            statistics.median(every) * 1000,
            percentile(every, 0.95),
            percentile(every, 0.99),
        )
    )
    print("outbox: {} of {} events relayed by the Celery worker during the run".format(relayed, events))
    for error in errors[:10]:
        print("ERROR", error)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())

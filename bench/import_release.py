"""Benchmark: import a generated 5,000-step release through `accept_release`.

    .venv/bin/python bench/import_release.py [--steps 5000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/threadline_bench .venv/bin/python bench/import_release.py

Runs on a throw-away test database of the configured backend (SQLite in memory by default,
PostgreSQL when DATABASE_URL is set). Prints wall time, SQL query count, peak memory and the
ratio against a bare baseline measured in the same run: parsing the same JSON and inserting
the same number of bare rows. Goals: under 10 s, under 100 queries, under 400 MB.
"""

import argparse
import json
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mes.settings")
if not os.environ.get("SECRET_KEY") and not os.environ.get("SECRET_KEY_FILE"):
    os.environ.setdefault("DEBUG", "1")  # a development run: the settings refuse a missing secret otherwise

GOALS = {"seconds": 10.0, "queries": 100, "peak_mb": 400.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5000)
    arguments = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from bench.generate import generate_release

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from core.choices import Role
        from core.identities import create_api_token
        from instructions.services.releases import accept_release

        actor = create_api_token(name="bench", role=Role.INTEGRATION, actor=None)[0].identity
        document = generate_release(steps=arguments.steps)
        payload = json.dumps(document).encode()
        counts = _counts(document)

        baseline = _baseline(payload, counts["rows"])

        # 1. Time and queries, without tracemalloc's overhead.
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = accept_release(payload=payload, content_type="application/json", actor=actor)
            seconds = time.perf_counter() - started
        assert result.created and result.revision.step_count == arguments.steps

        # 2. Peak memory of a second, identical import of another revision code.
        document["revision"] = "B"
        document["supersedes"] = "A"
        second = json.dumps(document).encode()
        tracemalloc.start()
        accept_release(payload=second, content_type="application/json", actor=actor)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        figures = {
            "database": connection.vendor,
            "steps": arguments.steps,
            "document_mb": round(len(payload) / 1e6, 2),
            "rows": counts,
            "seconds": round(seconds, 3),
            "queries": len(queries),
            "peak_mb": round(peak / 1e6, 1),
            "maxrss_mb": round(maxrss_mb, 1),
            "baseline_seconds": round(baseline, 3),
            "ratio_to_baseline": round(seconds / baseline, 1),
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    for key, value in figures.items():
        print("{:<18} {}".format(key, value))
    failures = [key for key, limit in GOALS.items() if figures[key] >= limit]
    print("goals              {}".format("met" if not failures else "MISSED: " + ", ".join(failures)))
    return 1 if failures else 0


def _counts(document: dict) -> dict[str, int]:
    steps = [step for operation in document["operations"] for step in operation["steps"]]
    counts = {
        "operations": len(document["operations"]),
        "steps": len(steps),
        "materials": sum(len(step.get("materials", [])) for step in steps),
        "characteristics": sum(len(step.get("characteristics", [])) for step in steps),
        "parts": len(document["parts"]),
    }
    counts["rows"] = sum(counts.values())
    return counts


def _baseline(payload: bytes, rows: int) -> float:
    """The floor: parse the same JSON and insert as many bare rows in one transaction."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_bare (id integer PRIMARY KEY, title varchar(200) NOT NULL)")
    started = time.perf_counter()
    json.loads(payload)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_bare (id, title) VALUES (%s, %s)",
            [(n, "step {}".format(n)) for n in range(rows)],
        )
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare")
    return seconds


if __name__ == "__main__":
    sys.exit(main())

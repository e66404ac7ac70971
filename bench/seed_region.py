"""Time `seed_demo` at region scale and print rows per second.

    .venv/bin/python bench/seed_region.py --schools 1500 --teachers-per-school 27 \
        --students-per-school 0 --districts 16 [--database-url postgres://…] [--runs 2]

Runs on the database DATABASE_URL names (or --database-url); without either, on a
throw-away SQLite file, never on the development database in var/. Migrates first. The
first run builds the demo on an empty database; later runs rebuild it, so they also
measure deleting the previous demo. Not part of the test suite.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1500)
    parser.add_argument("--teachers-per-school", type=int, default=27)
    parser.add_argument("--students-per-school", type=int, default=0)
    parser.add_argument("--districts", type=int, default=16)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=1, help="how many times to (re)build")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="metodset-bench-")
    os.environ["METODSET_VAR_DIR"] = scratch.name
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metodset.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from metodset.accounts import demo

    call_command("migrate", verbosity=0, interactive=False)
    vendor = connection.vendor
    print(
        f"database: {vendor} ({connection.settings_dict['NAME']}); schools={args.schools}, "
        f"teachers/school={args.teachers_per_school}, students/school="
        f"{args.students_per_school}, districts={args.districts}"
    )
    options = demo.DemoOptions(
        districts=args.districts,
        schools=args.schools,
        teachers_per_school=args.teachers_per_school,
        students_per_school=args.students_per_school,
        seed=args.seed,
    )
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        summary = demo.build_demo(options)
        seconds = time.perf_counter() - started
        print(
            f"run {run}: {summary.rows:,} rows (districts {summary.districts}, organizations "
            f"{summary.organizations:,}, people {summary.users:,}, roles "
            f"{summary.memberships:,}, subject links {summary.subject_links:,}, parent links "
            f"{summary.parent_links:,}) in {seconds:.1f} s = {summary.rows / seconds:,.0f} rows/s"
            f"{' (rebuild: deletes the previous demo first)' if run > 1 else ''}"
        )
    scratch.cleanup()


if __name__ == "__main__":
    main()

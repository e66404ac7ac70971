"""Times the bulk import of accounts: 10,000 rows checked and written on SQLite.

    .venv/bin/python bench/import_accounts.py [--rows 10000] [--keep]

Builds a throw-away database in a temporary folder (a district, its education department
and 20 schools), writes a CSV and an XLSX of teachers, students and parents, then prints
how long reading, checking, the background check, the one-transaction write and the
invitations take. Tasks run in-process (the immediate backend); e-mail stays in memory.
"""

import argparse
import csv
import io
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHOOLS = 20


@contextmanager
def timed(label: str, rows: int) -> Iterator[None]:
    started = time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    print(f"{label:<56} {seconds:7.2f} s  {rows / seconds:9.0f} rows/s")


def build_rows(count: int, schools: list[str], subjects: list[str]) -> list[list[str]]:
    rng = random.Random(2026)
    surnames = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Соколов", "Лебедев", "Новиков"]
    names = ["Анна", "Илья", "Мария", "Пётр", "Елена", "Артём", "Ольга", "Сергей"]
    rows = [
        [
            "Фамилия",
            "Имя",
            "Отчество",
            "E-mail",
            "Организация",
            "Роль",
            "Должность",
            "Предметы",
            "Класс",
        ]
    ]
    for n in range(count):
        kind = rng.choices(["педагог", "обучающийся", "родитель"], weights=[2, 6, 2])[0]
        school = rng.choice(schools)
        rows.append(
            [
                rng.choice(surnames),
                rng.choice(names),
                "",
                f"person{n}@bench.test",
                school,
                kind,
                "учитель" if kind == "педагог" else "",
                ", ".join(rng.sample(subjects, 2)) if kind == "педагог" else "",
                f"{rng.randint(1, 11)} {rng.choice('абвг')}" if kind == "обучающийся" else "",
            ]
        )
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode("cp1251")


def as_xlsx(rows: list[list[str]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="metodset-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metodset.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    try:
        run(options.rows, folder)
    finally:
        if options.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def run(count: int, folder: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    mail.outbox = []

    from metodset.accounts import importing, imports
    from metodset.accounts.models import (
        District,
        ImportBatch,
        Membership,
        Organization,
        OrganizationKind,
        Region,
        Role,
        Subject,
        User,
    )

    call_command("migrate", verbosity=0)
    region = Region.objects.create(name="Томская область")
    district = District.objects.create(region=region, name="Бенчмарк-район", slug="bench")
    department = Organization.objects.create(
        region=region,
        district=district,
        kind=OrganizationKind.objects.get(code="education_department"),
        name="Управление образования",
        short_name="Управление образования",
    )
    school_kind = OrganizationKind.objects.get(code="school")
    schools = [
        Organization.objects.create(
            region=region,
            district=district,
            kind=school_kind,
            name=f"Муниципальное бюджетное общеобразовательное учреждение «СОШ №{n}»",
            short_name=f"МБОУ СОШ №{n}",
        ).short_name
        for n in range(1, SCHOOLS + 1)
    ]
    methodist = User.objects.create_user(
        "methodist@bench.test", last_name="Методистова", first_name="Вера"
    )
    Membership.objects.create(user=methodist, organization=department, role=Role.DISTRICT_METHODIST)

    subjects = list(Subject.objects.values_list("name", flat=True)[:10])
    rows = build_rows(count, schools, subjects)
    csv_data, xlsx_data = as_csv(rows), as_xlsx(rows)
    print(f"{count} rows: CSV {len(csv_data) / 1e6:.1f} MB, XLSX {len(xlsx_data) / 1e6:.1f} MB")

    with timed("read CSV (cp1251, ;)", count):
        importing.read_table(csv_data)
    with timed("read XLSX (openpyxl, read-only)", count):
        importing.read_table(xlsx_data)
    checker = importing.AccountFileChecker(actor=methodist, district=district)
    with timed("read and check CSV", count):
        result = checker.check(csv_data)
    require(result.is_clean, result.errors[:3])

    upload = SimpleUploadedFile("bench.csv", csv_data)
    batch = step(
        "upload + background check (validate_import)",
        count,
        # Invitations are timed on their own below.
        lambda: imports.start_import(actor=methodist, uploaded_file=upload, send_invitations=False),
    )
    batch.refresh_from_db()
    require(batch.status == ImportBatch.Status.READY, batch.errors[:3])

    users_before = User.objects.count()
    step(
        "confirm + re-check + write (run_import, 1 transaction)",
        count,
        lambda: imports.confirm_import(actor=methodist, batch=batch),
    )
    batch.refresh_from_db()
    require(batch.status == ImportBatch.Status.DONE, batch.errors[:3])
    require(User.objects.count() == users_before + count, "count")

    ImportBatch.objects.filter(pk=batch.pk).update(send_invitations=True)
    ids = list(
        User.objects.filter(email__startswith="person", email__endswith="@bench.test").values_list(
            "pk", flat=True
        )
    )
    with timed("invitations (locmem e-mail)", count):
        for start in range(0, len(ids), imports.INVITATION_CHUNK):
            imports.send_import_invitations(batch.pk, ids[start : start + imports.INVITATION_CHUNK])
    print(f"letters sent: {len(mail.outbox)}")


def require(condition: bool, detail: Any) -> None:
    if not condition:
        raise SystemExit(f"unexpected: {detail}")


def step(label: str, count: int, action: Callable[[], Any]) -> Any:
    """Run a service whose task fires on commit, timing both together."""
    from django.db import transaction

    with timed(label, count), transaction.atomic():
        return action()


if __name__ == "__main__":
    main()

"""Issues racing in real concurrent transactions: numbers stay unique and one source gets
one certificate. PostgreSQL only: SQLite serializes writers, so there is no race to see."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from metodset.accounts.models import User
from metodset.certificates.models import Certificate
from metodset.certificates.tests.conftest import Issue
from metodset.core.models import AuditEntry

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    # Threads have their own connections and see committed rows only; the serialized
    # rollback puts back the migrations' reference rows that the flush afterwards deletes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 6


def race(work: Callable[[int], Certificate]) -> list[Certificate]:
    """Run `work(n)` in THREADS threads released at once, each in its own connection."""
    start = threading.Barrier(THREADS)
    results: list[Certificate] = []
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait()
            results.append(work(n))
        except BaseException as error:  # reported by the assertion after the join
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def test_concurrent_issues_get_distinct_sequential_numbers(issue: Issue, teacher: User) -> None:
    certificates = race(lambda n: issue(teacher, source=f"events.registration:{100 + n}"))

    sequences = sorted(c.sequence for c in certificates)
    assert sequences == list(range(1, THREADS + 1))
    assert Certificate.objects.count() == THREADS
    assert AuditEntry.objects.filter(action="certificate.issued").count() == THREADS


def test_concurrent_issues_for_one_source_make_one_certificate(issue: Issue, teacher: User) -> None:
    certificates: list[Any] = race(lambda n: issue(teacher, source="events.registration:1"))

    assert len({c.pk for c in certificates}) == 1
    assert Certificate.objects.count() == 1
    assert AuditEntry.objects.filter(action="certificate.issued").count() == 1

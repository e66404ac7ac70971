"""`metodset serve`: the development server with the task worker in the same process."""

import io
import time
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from metodset.core.management.commands import serve

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The worker thread has its own connection, so it only sees committed rows: these tests
# commit, and the serialized rollback puts back the migrations' reference rows (kinds of
# organizations, subjects) that the flush after a transactional test would delete.
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@task()
def add_numbers(left: int, right: int) -> int:
    return left + right


@task()
def fail_loudly() -> None:
    raise RuntimeError("as planned")


def wait_for_status(result_id: str, timeout: float = 20.0) -> "DBTaskResult[..., Any]":
    deadline = time.monotonic() + timeout
    while True:
        row = DBTaskResult.objects.get(pk=result_id)
        if row.status not in {"READY", "RUNNING"} or time.monotonic() > deadline:
            return row
        time.sleep(0.05)


@committing
def test_worker_thread_runs_an_enqueued_task(settings: Any) -> None:
    """A task enqueued in the database backend is run by the worker thread."""
    settings.TASKS = DATABASE_TASKS
    result = add_numbers.enqueue(2, 3)
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"

    worker, thread = serve.start_worker_thread(serve.build_worker(interval=0.05))
    try:
        row = wait_for_status(result.id)
    finally:
        worker.running = False
        thread.join(timeout=10)

    assert row.status == "SUCCESSFUL"
    assert row.return_value == 5
    assert row.worker_ids == [worker.worker_id]
    assert not thread.is_alive()


@committing
def test_worker_thread_survives_a_failing_task(settings: Any) -> None:
    """A failing task is recorded as failed and the worker goes on with the next one."""
    settings.TASKS = DATABASE_TASKS
    failing = fail_loudly.enqueue()
    good = add_numbers.enqueue(4, 5)

    worker, thread = serve.start_worker_thread(serve.build_worker(interval=0.05))
    try:
        good_row = wait_for_status(good.id)
        failing_row = wait_for_status(failing.id)
    finally:
        worker.running = False
        thread.join(timeout=10)

    assert failing_row.status == "FAILED"
    assert good_row.status == "SUCCESSFUL"
    assert good_row.return_value == 9


def test_serve_starts_the_worker_and_one_threaded_server(settings: Any) -> None:
    """serve runs the server without the autoreloader, threaded, after starting the worker."""
    settings.TASKS = DATABASE_TASKS
    with (
        mock.patch.object(serve, "start_worker_thread") as start_worker,
        mock.patch.object(serve.Command, "inner_run") as inner_run,
    ):
        start_worker.return_value = (serve.build_worker(), mock.Mock())
        call_command("serve", "127.0.0.1:8765", "--nothreading", stdout=io.StringIO())

    start_worker.assert_called_once_with()
    options = inner_run.call_args.kwargs
    assert options["use_reloader"] is False
    assert options["use_threading"] is True
    assert options["use_static_handler"] is True
    assert options["addrport"] == "127.0.0.1:8765"


def test_serve_without_worker() -> None:
    """--no-worker starts only the server."""
    with (
        mock.patch.object(serve, "start_worker_thread") as start_worker,
        mock.patch.object(serve.Command, "inner_run") as inner_run,
    ):
        call_command("serve", "--no-worker", stdout=io.StringIO())

    start_worker.assert_not_called()
    inner_run.assert_called_once()


def test_serve_needs_no_worker_when_tasks_run_immediately() -> None:
    """With the immediate backend (as in tests and TASKS_BACKEND=immediate) there is
    nothing to poll: no worker thread."""
    with (
        mock.patch.object(serve, "start_worker_thread") as start_worker,
        mock.patch.object(serve.Command, "inner_run") as inner_run,
    ):
        call_command("serve", stdout=io.StringIO())

    start_worker.assert_not_called()
    inner_run.assert_called_once()

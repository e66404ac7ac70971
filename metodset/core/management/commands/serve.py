"""`metodset serve [addrport]`: the whole site in one process, for a laptop or a demo.

Django's development server (threaded, static files served, no autoreloader — so there
is exactly one process) plus the database task worker in a daemon thread, so e-mail,
imports and other background tasks run without a second terminal. Production runs
gunicorn and `metodset db_worker` as separate services instead.
"""

import logging
import threading
import time
from typing import Any

from django.contrib.staticfiles.management.commands.runserver import (
    Command as StaticRunserverCommand,
)
from django.core.management.base import CommandParser
from django.db import connections
from django.utils.crypto import get_random_string
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from metodset.core import periodic

logger = logging.getLogger(__name__)

# Reminders of deadlines are checked this often by `serve` (production: `run_periodic` by
# cron every 15 minutes).
PERIODIC_INTERVAL_SECONDS = 300.0
# After an unexpected error (say, the tables are not migrated yet) the worker waits this
# long before it looks for tasks again, instead of dying with the thread.
RESTART_DELAY_SECONDS = 5.0


def build_worker(*, backend_name: str = "default", interval: float = 1.0) -> Worker:
    """A worker for every queue of the database backend, sized for a thread."""
    return Worker(
        queue_names=["*"],
        interval=interval,
        batch=False,
        backend_name=backend_name,
        startup_delay=False,
        max_tasks=None,
        worker_id=f"serve-{get_random_string(12)}",
        excluded_queue_names=[],
    )


def _run_forever(worker: Worker) -> None:
    # Worker.configure_signals() is not called: signal handlers can only be installed in
    # the main thread, and the daemon thread ends with the process anyway.
    try:
        while worker.running:
            try:
                worker.run()
            except Exception:
                logger.exception(
                    "The task worker failed; restarting in %s s", RESTART_DELAY_SECONDS
                )
                time.sleep(RESTART_DELAY_SECONDS)
    finally:
        connections.close_all()


def start_worker_thread(worker: Worker | None = None) -> tuple[Worker, threading.Thread]:
    """Start `worker` (or a new one) in a daemon thread; stop it with `worker.running = False`."""
    worker = worker or build_worker()
    thread = threading.Thread(
        target=_run_forever, args=(worker,), name=worker.worker_id, daemon=True
    )
    thread.start()
    return worker, thread


class Command(StaticRunserverCommand):
    help = (
        "Запускает сайт для разработки и демонстрации: веб-сервер Django (со статическими "
        "файлами) и обработчик фоновых задач в одном процессе."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-worker",
            action="store_false",
            dest="use_worker",
            help="Не запускать обработчик фоновых задач в этом процессе.",
        )

    def run(self, **options: Any) -> None:
        # One process: the autoreloader would fork a child and start a second worker.
        options["use_reloader"] = False
        options["use_threading"] = True
        if options.get("use_worker", True):
            self.start_worker()
        self.inner_run(None, **options)

    def start_worker(self) -> None:
        if not isinstance(task_backends["default"], DatabaseBackend):
            # TASKS_BACKEND=immediate: tasks run inside the request, there is nothing to poll.
            self.stdout.write("Фоновые задачи выполняются сразу, обработчик не нужен.")
            return
        worker, _thread = start_worker_thread()
        self.stdout.write(f"Обработчик фоновых задач запущен ({worker.worker_id}).")
        periodic.start_thread(PERIODIC_INTERVAL_SECONDS)

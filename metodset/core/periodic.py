"""Work that runs on a schedule, such as reminders before a deadline. Each app registers
its jobs at start-up; `metodset run_periodic` runs every job once (production calls it from
cron or a systemd timer every 15 minutes), and `metodset serve` runs them in a thread of
its own every few minutes. Jobs are safe to run twice and from two processes at once: each
claims its rows with a conditional UPDATE."""

import logging
import threading
import time
from collections.abc import Callable

from django.db import connections

logger = logging.getLogger(__name__)

Job = Callable[[], int]
_JOBS: dict[str, Job] = {}


def register(name: str) -> Callable[[Job], Job]:
    def decorate(job: Job) -> Job:
        _JOBS[name] = job
        return job

    return decorate


def run_all() -> dict[str, int]:
    """Run every job once; one failing job is logged and does not stop the others."""
    done: dict[str, int] = {}
    for name, job in sorted(_JOBS.items()):
        try:
            done[name] = job()
        except Exception:
            logger.exception("Periodic job %s failed", name)
    return done


def start_thread(interval: float) -> threading.Thread:
    """Run the jobs every `interval` seconds in a daemon thread (for `metodset serve`)."""

    def loop() -> None:
        while True:
            try:
                run_all()
            finally:
                connections.close_all()
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="periodic-jobs", daemon=True)
    thread.start()
    return thread

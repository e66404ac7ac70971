"""Browser tests: real Chromium through Playwright, a live server with the database task
worker in a thread, and a real SMTP server (aiosmtpd) that receives the site's letters.

Modules mark themselves django_db(transaction=True): the live server and the worker need
committed rows. The flush after each such test deletes the reference rows that the data
migrations made (subjects, kinds of organizations and of materials, the methodists'
group), so
`reference_rows` writes them again before each test by running those migrations' code.
(serialized_rollback cannot do it here: while Playwright's sync API is running, the test
sees a fresh connection object without the serialized contents.)

Chromium is Debian's (/usr/bin/chromium); `playwright install` cannot download here. When
METODSET_REQUIRE_ALL=1 (CI) a missing browser is an error; otherwise the tests are skipped
with the reason.
"""

import importlib
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from metodset.conftest import *  # noqa: F403  (the personas: teacher, methodist, …)

# Playwright's sync API runs an event loop in this thread; the test body still talks to
# the database synchronously, which is safe here (one thread, no real async code).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("METODSET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def reference_rows(transactional_db: Any) -> None:
    from django.apps import apps

    for app, name in (
        ("accounts", "0002_reference_data"),
        ("accounts", "0003_methodist_group"),
        ("materials", "0002_material_types"),
        ("groups", "0002_group_kinds"),
        ("events", "0002_event_kinds"),
        ("expertise", "0002_default_criteria"),
    ):
        importlib.import_module(f"metodset.{app}.migrations.{name}").forwards(apps, None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}"
        if os.environ.get("METODSET_REQUIRE_ALL") == "1":
            pytest.fail(message + " (METODSET_REQUIRE_ALL=1: browser tests must run)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """Another person's browser: a separate context with its own cookies."""
    contexts: list[Any] = []

    def _open() -> Any:
        context = browser.new_context(base_url=live_server.url, locale="ru-RU")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's hook name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def wait_for(self, to: str, timeout: float = 20.0) -> EmailMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for message in self.messages:
                    if to in str(message["To"]):
                        return message
            time.sleep(0.2)
        raise AssertionError(
            f"No letter to {to} within {timeout} s; got {[m['To'] for m in self.messages]}"
        )

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())

    def link(self, message: EmailMessage, pattern: str) -> str:
        found = re.search(r"https?://\S*" + pattern + r"\S*", self.body(message))
        assert found is not None, self.body(message)
        return found.group(0)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Mailbox]:
    """A real SMTP server on loopback; the site sends to it through Django's SMTP backend."""
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def task_worker(settings: Any, transactional_db: Any) -> Iterator[None]:
    """The database task backend with a worker thread, as `metodset serve` runs it."""
    from metodset.core.management.commands.serve import build_worker, start_worker_thread

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    worker, thread = start_worker_thread(build_worker(interval=0.2))
    try:
        yield
    finally:
        worker.running = False
        thread.join(timeout=10)


@pytest.fixture
def site(settings: Any, live_server: Any, smtp_server: Mailbox, task_worker: None) -> Mailbox:
    """The live site with real e-mail and background tasks; returns the mailbox."""
    settings.SITE_URL = live_server.url
    return smtp_server


def log_in(page: Any, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state()


def serious_violations(page: Any) -> list[str]:
    """axe-core's violations of impact serious or critical on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]

"""/healthz answers when the application and its database are up."""

from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthy(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_database_unreachable(client: Client) -> None:
    """A failing database (simulated: the cursor cannot be opened) gives 503."""

    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection refused")

    with mock.patch.object(connection, "cursor", unreachable):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_only_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405

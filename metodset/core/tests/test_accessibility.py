"""The version for the visually impaired: switched on, tuned, remembered."""

from typing import Any

import pytest
from django.test import Client

from metodset.core import accessibility

pytestmark = pytest.mark.django_db


def test_clean_keeps_only_known_values() -> None:
    prefs = accessibility.clean(
        {"enabled": "1", "font_size": "xlarge", "scheme": "<script>", "images": "off"}
    )
    assert prefs == {
        **accessibility.DEFAULTS,
        "enabled": True,
        "font_size": "xlarge",
        "images": "off",
    }
    assert accessibility.from_cookie(accessibility.to_cookie(prefs)) == prefs
    assert accessibility.from_cookie("garbage|||") == {**accessibility.DEFAULTS}


def test_guest_switches_it_on_and_the_page_changes(client: Client, world: Any) -> None:
    response = client.post(
        "/accessibility/",
        {
            "action": "on",
            "font_size": "xlarge",
            "scheme": "white_on_black",
            "next": "/organizations/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/organizations/"
    page = client.get("/organizations/").content.decode()
    assert 'class="a11y a11y-font-size-xlarge a11y-scheme-white_on_black' in page
    assert "Обычная версия" in page
    client.post("/accessibility/", {"action": "off"})
    assert "a11y-font-size" not in client.get("/").content.decode()


def test_it_is_remembered_per_user_across_sessions(teacher: Any, login: Any, world: Any) -> None:
    client = login(teacher)
    client.post("/accessibility/", {"action": "on", "spacing": "wider", "images": "off"})
    teacher.refresh_from_db()
    assert teacher.accessibility["enabled"] is True
    assert teacher.accessibility["spacing"] == "wider"
    fresh = Client()
    fresh.force_login(teacher, backend="metodset.accounts.backends.EmailBackend")
    assert "a11y-spacing-wider" in fresh.get("/").content.decode()


def test_next_must_stay_on_this_site(client: Client) -> None:
    response = client.post("/accessibility/", {"action": "on", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_get_is_not_allowed(client: Client) -> None:
    assert client.get("/accessibility/").status_code == 405

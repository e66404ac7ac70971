"""Key pages pass axe-core with no serious or critical violations, in the ordinary version
and in the version for the visually impaired; the version is remembered per user."""

from typing import Any

import pytest

from metodset.accounts.models import User
from tests.browser.conftest import log_in, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = [
    "/",
    "/materials/",
    "/accounts/login/",
    "/accounts/register/",
    "/organizations/",
    "/teachers/",
    "/accounts/password/reset/",
]


def test_public_pages_pass_axe(page: Any, teacher: User, world: Any) -> None:
    for path in [*PUBLIC_PAGES, f"/organizations/{world.school.pk}/", f"/people/{teacher.pk}/"]:
        page.goto(path)
        assert serious_violations(page) == [], path


def test_management_pages_pass_axe(
    page: Any, methodist: User, teacher: User, world: Any, password: str
) -> None:
    log_in(page, methodist.email, password)
    for path in [
        "/manage/people/",
        "/manage/people/new/",
        f"/manage/people/{teacher.pk}/",
        "/manage/organizations/",
        f"/manage/organizations/{world.school.pk}/",
        "/manage/registrations/",
        "/manage/audit/",
        "/manage/import/",
        "/profile/",
        "/materials/new/",
        "/materials/mine/",
        "/materials/bookmarks/",
        "/materials/moderation/",
        "/notifications/",
        "/notifications/settings/",
        "/profile/tokens/",
    ]:
        page.goto(path)
        assert serious_violations(page) == [], path


@pytest.mark.parametrize("scheme", ["white_on_black", "blue", "brown"])
def test_visually_impaired_version_passes_axe(page: Any, world: Any, scheme: str) -> None:
    page.goto("/organizations/")
    page.get_by_role("button", name="Версия для слабовидящих").click()
    page.get_by_label("Цветовая схема").select_option(scheme)
    page.get_by_label("Размер шрифта").select_option("xlarge")
    page.get_by_role("button", name="Применить").click()
    assert f"a11y-scheme-{scheme}" in (page.locator("html").get_attribute("class") or "")
    for path in ["/", "/organizations/", "/accounts/login/"]:
        page.goto(path)
        assert serious_violations(page) == [], (scheme, path)


def test_phone_width_menu_works(browser: Any, live_server: Any, world: Any) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="ru-RU"
    )
    phone = context.new_page()
    phone.goto("/")
    menu = phone.get_by_role("navigation", name="Главное меню")
    link = menu.get_by_role("link", name="Организации", exact=True, include_hidden=True)
    assert not link.is_visible()
    menu.get_by_role("button", name="Открыть меню").click()
    menu.get_by_role("link", name="Организации", exact=True).click()
    phone.wait_for_url("**/organizations/")
    context.close()

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


def test_event_and_expertise_pages_pass_axe(
    page: Any, methodist: User, teacher: User, colleague: User, world: Any, password: str
) -> None:
    """The pages of events, road maps, expertise and certificates, with data on them."""
    from metodset.events import services as events
    from metodset.events.tests.factories import event, road_map
    from metodset.expertise import services as expertise
    from metodset.expertise.models import Verdict
    from metodset.expertise.tests.factories import expert_of, review, submitted

    seminar = event(methodist, [world.department], visibility="public", for_parents=True)
    events.register(actor=teacher, event=seminar)
    plan = road_map(methodist, [world.school, world.other_school])
    submission = submitted(teacher)
    assignments = [
        expertise.assign_expert(
            actor=methodist,
            submission=submission,
            expert=expert_of(org, f"axe{index}@test.test"),
        )
        for index, org in enumerate((world.department, world.other_school))
    ]
    for assignment in assignments:
        review(assignment)
    expertise.decide_submission(
        actor=methodist, submission=submission, decision=Verdict.PUBLICATION, comment="Хорошо"
    )
    certificate = expertise.certificates_of(submission)[0]
    for path in [
        "/events/",
        "/events/month/",
        seminar.get_absolute_url(),
        "/expertise/best/",
        f"/certificates/{certificate.code}/",
        f"/events/district/{world.district.slug}/",
    ]:
        page.goto(path)
        assert serious_violations(page) == [], path
    log_in(page, methodist.email, password)
    for path in [
        "/events/new/",
        f"/events/{seminar.pk}/participants/",
        "/events/mine/",
        "/events/ical/",
        "/events/roadmaps/",
        plan.get_absolute_url(),
        "/expertise/queue/",
        submission.get_absolute_url(),
        "/expertise/protocols/new/",
        assignments[0].get_absolute_url(),
        "/certificates/",
    ]:
        page.goto(path)
        assert serious_violations(page) == [], path

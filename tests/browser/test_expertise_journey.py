"""The expertise journey (`002_…` §1.7, §3.3): an author submits a material → the methodist
assigns two experts (a conflicting one cannot be chosen and says why) → both score, blind
→ their spread calls for a third → decision «на доработку» → the author resubmits → the
experts score again → «рекомендовано к публикации» → the author's certificate PDF renders
(converted to PNG) and its verification page opens logged out → the material is in
«Лучшие практики»."""

import io
from typing import Any

import pypdfium2  # type: ignore[import-untyped]
import pytest

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import OrganizationFactory, person
from metodset.certificates.models import Certificate
from metodset.conftest import World
from metodset.expertise.models import Assignment, Submission
from metodset.materials.tests.factories import published
from tests.browser.conftest import Mailbox, log_in

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Технологическая карта урока «Сложение дробей»"


def score_sheet(page: Any, email: str, password: str, score: int, author: str) -> None:
    """An expert opens the latest assignment from «Моя экспертиза» and fills the sheet."""
    log_in(page, email, password)
    page.goto("/expertise/expert/")
    page.get_by_role("link", name=TITLE).first.click()
    assert author not in page.content()  # blind: neither the name nor the school
    assert "МБОУ СОШ №1" not in page.content()
    for group in page.get_by_role("radiogroup").all():
        group.get_by_label(str(score), exact=True).check()
    recommendation = "рекомендовано к публикации" if score >= 4 else "на доработку"
    page.get_by_label(recommendation, exact=False).first.check()
    page.get_by_label("Общее заключение").fill(f"Оценка {score}: заключение эксперта.")
    page.get_by_role("button", name="Отправить экспертный лист").click()
    page.get_by_text("Ваш экспертный лист").first.wait_for()


def assign(page: Any, name: str) -> None:
    page.get_by_label(name, exact=False).check()
    page.get_by_role("button", name="Назначить").click()
    page.wait_for_load_state()


def decide(page: Any, decision: str, comment: str) -> None:
    page.get_by_label(decision, exact=False).first.check()
    page.get_by_label("Заключение").fill(comment)
    page.get_by_role("button", name="Принять решение").click()
    page.wait_for_load_state()


def test_submit_assign_score_spread_revise_resubmit_recommend_certificate_showcase(
    page: Any,
    new_page: Any,
    site: Mailbox,
    world: World,
    teacher: User,
    methodist: User,
    password: str,
) -> None:
    third_school = OrganizationFactory(district=world.district, short_name="МБОУ СОШ №3")
    first = person(
        world.department, Role.EXPERT, email="e1@uo.test", last_name="Первова", first_name="Ирина"
    )
    second = person(
        world.other_school,
        Role.EXPERT,
        email="e2@school2.test",
        last_name="Вторых",
        first_name="Олег",
    )
    third = person(
        third_school, Role.EXPERT, email="e3@school3.test", last_name="Третьяков", first_name="Иван"
    )
    person(
        world.school, Role.EXPERT, email="e4@school1.test", last_name="Своякова", first_name="Нина"
    )
    material = published(teacher, title=TITLE, visibility="public")

    # The author submits from the material's page.
    log_in(page, teacher.email, password)
    page.goto(material.get_absolute_url())
    page.get_by_role("link", name="Подать на экспертизу").click()
    page.get_by_label("рекомендация к публикации").check()
    assert page.get_by_label("Слепая экспертиза").is_checked()
    page.get_by_role("button", name="Подать на экспертизу").click()
    page.wait_for_load_state()
    submission = Submission.objects.get()
    assert submission.is_blind
    assert submission.status == "submitted"

    # The methodist assigns two experts; the author's colleague cannot be chosen.
    office = new_page()
    log_in(office, methodist.email, password)
    office.goto("/expertise/queue/")
    office.get_by_role("link", name=TITLE).click()
    conflicting = office.get_by_label("Своякова Нина", exact=False)
    assert conflicting.is_disabled()
    assert "одной организации" in office.get_by_test_id("conflict").first.inner_text()
    assign(office, "Первова Ирина")
    assign(office, "Вторых Олег")
    assert Assignment.objects.filter(status="assigned").count() == 2

    # Both score; their totals are far apart, so a third expert is needed.
    score_sheet(new_page(), first.email, password, 5, teacher.last_name)
    score_sheet(new_page(), second.email, password, 1, teacher.last_name)
    office.reload()
    office.get_by_text("Большое расхождение").first.wait_for()
    assign(office, "Третьяков Иван")
    score_sheet(new_page(), third.email, password, 3, teacher.last_name)

    # «На доработку» with the experts' remarks; the author resubmits.
    office.reload()
    decide(office, "на доработку", "Добавьте критерии оценивания к заданиям.")
    submission.refresh_from_db()
    assert submission.status == "revision"
    page.goto(submission.get_absolute_url())
    page.get_by_text("Добавьте критерии оценивания").first.wait_for()
    page.get_by_role("link", name="Подать повторно").first.click()
    page.get_by_label("Что изменено по замечаниям экспертов").fill(
        "Добавлены критерии оценивания к каждому заданию."
    )
    page.get_by_role("button", name="Подать повторно").click()
    page.wait_for_load_state()
    submission.refresh_from_db()
    assert submission.round == 2
    assert submission.status == "in_review"

    # The same experts see what changed and score again.
    for expert in (first, second, third):
        score_sheet(new_page(), expert.email, password, 4, teacher.last_name)
    office.reload()
    decide(office, "рекомендовано к публикации", "Рекомендовано к публикации в сборнике.")
    submission.refresh_from_db()
    assert submission.is_recommended

    # The author's certificate: a one-page PDF that renders, verifiable logged out.
    certificate = Certificate.objects.get(holder=teacher)
    response = page.request.get(f"/certificates/{certificate.code}/pdf")
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(io.BytesIO(response.body()))
    image = pdf[0].render(scale=1).to_pil()
    assert image.width > image.height  # A4 landscape
    assert image.convert("L").getextrema()[0] < 100  # there is dark ink on it
    guest = new_page()
    guest.goto(f"/certificates/{certificate.code}/")
    guest.get_by_text("действителен").first.wait_for()
    assert TITLE in guest.content()

    # «Лучшие практики» show it, to guests too.
    guest.goto("/expertise/best/")
    guest.get_by_role("link", name=TITLE).first.wait_for()

"""The remote-testing journey (`004_…`, slides 8–9): a teacher imports a GIFT file with one
broken item and sees its line → fixes the file and imports it → builds a test with random
draws → assigns it to classes of two schools → a student starts, answers, closes the tab
mid-way, comes back to the same attempt with the answers kept and finishes → sends the
mark to the class journal → the teacher sees the item statistics and the mark."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import MembershipFactory, person
from metodset.conftest import World
from metodset.testing.models import Attempt, AttemptItem, Question
from tests.browser.conftest import Mailbox, log_in

pytestmark = pytest.mark.django_db(transaction=True)

# Six single-choice questions of one category; each answer is unique, so the student can
# pick the right one whatever the shuffled order.
ARITHMETIC = {
    "2 + 3": "5",
    "7 − 4": "3",
    "6 · 7": "42",
    "81 : 9": "9",
    "12 + 15": "27",
    "100 − 1": "99",
}
WRONG = ["1", "11", "13", "17", "19", "23"]


def gift(broken: bool) -> str:
    blocks = ["$CATEGORY: Математика/7 класс/Устный счёт"]
    for number, (task, right) in enumerate(ARITHMETIC.items(), 1):
        wrong = [choice for choice in WRONG if choice != right][:3]
        answers = f"={right} " + " ".join(f"~{choice}" for choice in wrong)
        if broken and number == 4:
            answers = "~" + " ~".join(wrong)  # no right answer
        blocks.append(f"::Пример {number}::Сколько будет {task}? {{{answers}}}")
    return "\n\n".join(blocks) + "\n"


def upload(page: Any, tmp_path: Path, broken: bool) -> None:
    path = tmp_path / ("broken.gift" if broken else "fixed.gift")
    path.write_text(gift(broken), encoding="utf-8")
    page.goto("/testing/bank/import/")
    page.get_by_label("Файл с вопросами").set_input_files(str(path))
    page.get_by_role("button", name="Загрузить и проверить").click()
    page.wait_for_load_state()


def answer_shown_question(page: Any) -> str:
    """Pick the right option of the question on the page; the task it asked."""
    text = page.locator(".attempt-question, [data-question]").first.inner_text()
    task = next(task for task in ARITHMETIC if task in text)
    # The whole row is the label (a large target on a phone): it covers the radio.
    page.get_by_label(ARITHMETIC[task], exact=True).check(force=True)
    page.get_by_text(re.compile(r"Сохранено \d")).first.wait_for()
    return task


def test_import_build_assign_take_resume_journal_statistics(
    page: Any,
    new_page: Any,
    site: Mailbox,
    world: World,
    teacher: User,
    student: User,
    password: str,
    tmp_path: Path,
) -> None:
    # The teacher works in two schools, as rural teachers often do.
    MembershipFactory(user=teacher, organization=world.other_school, role=Role.TEACHER)
    person(
        world.other_school,
        Role.STUDENT,
        email="pupil@school2.test",
        last_name="Второва",
        first_name="Оля",
        student_class="7А",
    )

    # A GIFT file with one broken item: its line and the reason; nothing saved.
    log_in(page, teacher.email, password)
    upload(page, tmp_path, broken=True)
    error = page.locator("table.table-errors tbody tr").first
    assert error.locator("td").first.inner_text().strip() == "9"  # the broken item's line
    assert "правильн" in error.inner_text()
    assert "Исправьте файл и загрузите снова" in page.content()
    assert not Question.objects.exists()

    # The fixed file: six questions, saved in the background with a progress bar.
    upload(page, tmp_path, broken=False)
    page.get_by_role("button", name=re.compile("Сохранить 6 вопрос")).click()
    page.get_by_text(
        re.compile("Сохранено 6 из 6|Импорт завершён|сохранен", re.IGNORECASE)
    ).first.wait_for()
    assert Question.objects.count() == 6

    # A test of four random questions from the category.
    page.goto("/testing/quizzes/new/")
    page.get_by_label("Название").fill("Устный счёт, 7 класс")
    page.get_by_label("Ограничение времени, минут").fill("30")
    page.get_by_label("ответы и пояснения сразу после завершения").check()
    page.get_by_role("button", name="Создать тест").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Добавить случайные вопросы").click()
    category = page.get_by_label("Из категории")
    category.select_option(
        category.locator("option", has_text="Устный счёт").get_attribute("value")
    )
    page.get_by_label("Сколько вопросов").fill("4")
    page.get_by_role("button", name="Добавить").click()
    page.wait_for_load_state()
    assert "4 случайных" in page.content() or "Вопросов у ученика: 4" in page.content()

    # Assigned to 7Б of one school and 7А of the other, open now.
    page.get_by_role("link", name="Назначить классам").click()
    rows = page.locator(".class-row")
    rows.nth(0).get_by_label("Школа").select_option(label=world.school.short_name)
    rows.nth(0).get_by_label("Классы").fill("7Б")
    rows.nth(1).get_by_label("Школа").select_option(label=world.other_school.short_name)
    rows.nth(1).get_by_label("Классы").fill("7А")
    page.locator("input[name=day]").fill(
        timezone.localdate(timezone=world.district.zone).isoformat()
    )
    page.locator("input[name=opens]").fill("00:00")
    page.locator("input[name=closes]").fill("23:59")
    page.get_by_role("button", name="Назначить").click()
    page.wait_for_load_state()
    assert "7Б (МБОУ СОШ №1)" in page.content(), page.locator(
        ".invalid-feedback, .alert-danger"
    ).all_inner_texts()
    sitting_url = page.url

    # The student starts, answers two questions, and closes the tab.
    pupil = new_page()
    log_in(pupil, student.email, password)
    pupil.goto("/testing/my/")
    assert "Устный счёт, 7 класс" in pupil.content()
    pupil.get_by_role("button", name="Начать", exact=True).click()
    pupil.wait_for_load_state()
    first = answer_shown_question(pupil)
    pupil.get_by_role("button", name="Дальше").click()
    pupil.wait_for_load_state()
    answer_shown_question(pupil)
    attempt = Attempt.objects.get(student=student)
    assert AttemptItem.objects.filter(attempt=attempt, response__isnull=False).count() == 2
    context = pupil.context
    pupil.close()

    # She comes back: the same attempt, the first answer still chosen, the time running.
    pupil = context.new_page()
    pupil.goto("/testing/my/")
    pupil.get_by_role("link", name="Продолжить", exact=True).click()
    pupil.wait_for_load_state()
    assert Attempt.objects.filter(student=student).count() == 1
    pupil.goto(f"/testing/attempts/{attempt.pk}/?n=1")
    assert first in pupil.locator(".attempt-question, [data-question]").first.inner_text()
    assert pupil.get_by_label(ARITHMETIC[first], exact=True).is_checked()
    for position in (3, 4):
        pupil.goto(f"/testing/attempts/{attempt.pk}/?n={position}")
        answer_shown_question(pupil)
    pupil.goto(f"/testing/attempts/{attempt.pk}/submit")
    pupil.get_by_role("button", name=re.compile("Завершить")).last.click()
    pupil.wait_for_load_state()
    pupil.get_by_text("4 из 4").first.wait_for()
    assert "5" in pupil.locator("body").inner_text()

    # Her choice: the mark goes to the class journal, recorded with the time.
    pupil.get_by_role("button", name="Выставить отметку в журнал").click()
    pupil.wait_for_load_state()
    attempt.refresh_from_db()
    assert attempt.journal == Attempt.Journal.SEND
    assert attempt.mark == 5
    assert attempt.journal_decided_at is not None

    # The teacher sees her mark chosen for the journal and the item statistics.
    page.goto(sitting_url)
    assert "Ученикова" in page.content()
    page.goto(sitting_url.rstrip("/") + "/statistics/")
    page.get_by_text(re.compile("Пример")).first.wait_for()
    assert "100" in page.content()  # she answered every drawn question right
    page.goto(sitting_url.rstrip("/") + "/journal/?school=" + str(world.school.pk))
    assert "Ученикова" in page.content()

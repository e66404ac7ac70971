"""Near copies flagged at publication, readers' complaints, the moderation queue."""

import io
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from metodset.accounts.models import User
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.materials import services
from metodset.materials.models import Report
from metodset.materials.tests.factories import draft, published
from metodset.notifications.models import Notification

pytestmark = pytest.mark.django_db

LESSON = (
    "Цель урока: научить обучающихся складывать и вычитать обыкновенные дроби с одинаковыми "
    "знаменателями. На этапе актуализации знаний ученики вспоминают понятие дроби, числителя и "
    "знаменателя, решают устные задачи о делении пирога и торта на равные части. Затем учитель "
    "предлагает проблемную ситуацию: как сложить две дроби, если знаменатели одинаковые. Ученики "
    "работают в парах, выдвигают гипотезы и проверяют их на моделях из бумажных кругов. После "
    "обсуждения формулируется правило и записывается в тетрадь. Закрепление проходит в форме игры "
    "по станциям: на каждой станции группа решает две задачи и получает жетон. На этапе рефлексии "
    "ученики оценивают свою работу по листу самооценки и называют, что было трудным. Домашнее "
    "задание включает задачи разного уровня сложности из учебника и одну творческую задачу о "
    "рецепте пирога, в котором нужно сложить доли продуктов."
)


def docx_with(text: str) -> SimpleUploadedFile:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile("урок.docx", buffer.getvalue())


def publish_with_text(author: User, text: str, capture: Any, **fields: Any) -> Any:
    with capture(execute=True):
        material = draft(author, **fields)
        services.attach_upload(actor=author, material=material, upload=docx_with(text))
    with capture(execute=True):
        return services.publish_material(actor=author, material=material)


def test_a_near_copy_is_flagged_to_moderators_and_the_author_is_told(
    teacher: User, colleague: User, methodist: User, django_capture_on_commit_callbacks: Any
) -> None:
    original = publish_with_text(
        teacher, LESSON, django_capture_on_commit_callbacks, title="Сложение дробей"
    )
    copied = LESSON.replace("в парах", "в группах").replace("жетон", "фишку")
    copy = publish_with_text(
        colleague, copied, django_capture_on_commit_callbacks, title="Дроби: сложение"
    )
    report = Report.objects.get(kind="near_copy")
    assert (report.material, report.original) == (copy, original)
    assert report.similarity is not None
    assert report.similarity >= 0.7
    assert Notification.objects.filter(recipient=methodist, kind="materials.near_copy").count() == 1
    told = Notification.objects.get(recipient=colleague, kind="materials.near_copy")
    assert told.url == original.get_absolute_url()
    assert services.check_near_copies(copy.pk) == []  # flagged once
    assert Report.objects.filter(kind="near_copy").count() == 1


def test_a_different_lesson_is_not_flagged(
    teacher: User, colleague: User, django_capture_on_commit_callbacks: Any
) -> None:
    publish_with_text(teacher, LESSON, django_capture_on_commit_callbacks)
    other = (
        "Урок литературы в седьмом классе посвящён повести Гоголя «Тарас Бульба». Ученики читают "
        "отрывки, сравнивают героев, спорят о выборе Андрия и пишут мини-сочинение о долге и любви. "
        "В конце урока класс обсуждает, как автор использует пейзаж, чтобы передать настроение."
    )
    publish_with_text(colleague, other, django_capture_on_commit_callbacks)
    assert Report.objects.count() == 0


def test_complaints_and_decisions(
    teacher: User, colleague: User, school_admin: User, outsider: User, login: Any
) -> None:
    material = published(teacher)
    with pytest.raises(PermissionDeniedError):
        services.report_material(actor=teacher, material=material, reason="сам на себя")
    with pytest.raises(DomainError, match="Опишите"):
        services.report_material(actor=colleague, material=material, reason="")
    report = services.report_material(
        actor=colleague, material=material, reason="Это копия с infourok без ссылки"
    )
    assert Notification.objects.filter(recipient=school_admin, kind="materials.report").count() == 1
    assert login(outsider).get("/materials/moderation/").status_code == 403
    head = Client()
    head.force_login(school_admin, backend="metodset.accounts.backends.EmailBackend")
    assert "Это копия с infourok без ссылки" in head.get("/materials/moderation/").content.decode()
    head.post(
        f"/materials/moderation/{report.pk}/",
        {"decision": "hide", "comment": "Нет ссылки на источник"},
    )
    report.refresh_from_db()
    material.refresh_from_db()
    assert (report.resolution, material.status, material.hidden_reason) == (
        "hidden",
        "hidden",
        "Нет ссылки на источник",
    )
    with pytest.raises(DomainError, match="уже рассмотрен"):
        services.resolve_report(actor=school_admin, report=report, hide=False)

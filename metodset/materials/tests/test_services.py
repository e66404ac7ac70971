"""The library's rules and transitions, refused ones included."""

from typing import Any

import pytest

from metodset.accounts.models import User
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.models import AuditEntry
from metodset.materials import services
from metodset.materials.models import Material, MaterialFile, MaterialVersion
from metodset.materials.tests.factories import draft, published
from metodset.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_teacher_creates_a_draft_in_their_school(teacher: User, world: Any) -> None:
    material = draft(teacher, grades=[6, 5, 5])
    assert (material.status, material.organization, material.grades) == (
        "draft",
        world.school,
        [5, 6],
    )
    assert material.published_at is None
    assert (
        AuditEntry.objects.filter(action="material.created", target_id=str(material.pk)).count()
        == 1
    )


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_students_and_parents_publish_nothing(request: Any, persona: str) -> None:
    with pytest.raises(PermissionDeniedError):
        draft(request.getfixturevalue(persona))
    assert Material.objects.count() == 0


def test_grades_and_level_are_checked(teacher: User) -> None:
    with pytest.raises(DomainError, match="от 1 до 11"):
        draft(teacher, grades=[12])
    with pytest.raises(DomainError, match="уровень"):
        draft(teacher, level="phd")
    assert Material.objects.count() == 0


def test_publishing_needs_a_file_or_a_video(teacher: User) -> None:
    material = draft(teacher)
    with pytest.raises(DomainError, match="хотя бы один файл"):
        services.publish_material(actor=teacher, material=material)
    material.refresh_from_db()
    assert material.status == "draft"
    services.update_material(
        actor=teacher, material=material, video_url="https://video.example/lesson"
    )
    material = services.publish_material(actor=teacher, material=material)
    assert material.status == "published"
    assert material.published_at is not None


def test_only_the_author_publishes(teacher: User, colleague: User) -> None:
    material = draft(teacher, video_url="https://video.example/1")
    with pytest.raises(PermissionDeniedError):
        services.publish_material(actor=colleague, material=material)
    material.refresh_from_db()
    assert material.status == "draft"


def test_editing_a_published_material_keeps_the_earlier_version(teacher: User) -> None:
    material = published(teacher)
    services.update_material(
        actor=teacher, material=material, title="Дроби: новая редакция", comment="уточнила цели"
    )
    material.refresh_from_db()
    assert (material.title, material.version) == ("Дроби: новая редакция", 2)
    version = MaterialVersion.objects.get(material=material)
    assert version.number == 1
    assert version.snapshot["title"] == "Конспект урока «Дроби» для 5 класса"
    assert version.snapshot["files"] == ["план.docx"]
    with pytest.raises(ValueError, match="immutable"):
        version.save()


def test_a_draft_changes_in_place(teacher: User) -> None:
    material = draft(teacher)
    services.update_material(actor=teacher, material=material, title="Другое название")
    assert MaterialVersion.objects.count() == 0


def test_a_removed_file_stays_with_its_version(teacher: User) -> None:
    material = published(teacher)
    attached = MaterialFile.objects.get(material=material)
    services.remove_file(actor=teacher, material_file=attached)
    attached.refresh_from_db()
    material.refresh_from_db()
    assert (attached.first_version, attached.last_version, material.version) == (1, 1, 2)
    with pytest.raises(DomainError, match="уже нет"):
        services.remove_file(actor=teacher, material_file=attached)


def test_coauthors_edit_but_do_not_publish(teacher: User, colleague: User) -> None:
    material = draft(teacher, video_url="https://video.example/1", coauthors=[colleague])
    services.update_material(actor=colleague, material=material, topic="Обыкновенные дроби")
    with pytest.raises(PermissionDeniedError):
        services.publish_material(actor=colleague, material=material)


def test_moderator_hides_with_a_reason_and_the_author_is_told(
    teacher: User, methodist: User, school_admin: User, outsider: User
) -> None:
    material = published(teacher)
    with pytest.raises(DomainError, match="причину"):
        services.hide_material(actor=methodist, material=material, reason=" ")
    with pytest.raises(PermissionDeniedError):
        services.hide_material(actor=outsider, material=material, reason="чужой район")
    material.refresh_from_db()
    assert material.status == "published"
    services.hide_material(actor=school_admin, material=material, reason="Нарушены авторские права")
    material.refresh_from_db()
    assert (material.status, material.hidden_reason) == ("hidden", "Нарушены авторские права")
    note = Notification.objects.get(recipient=teacher, kind="materials.hidden")
    assert "Нарушены авторские права" in note.body
    services.restore_material(actor=methodist, material=material)
    material.refresh_from_db()
    assert (material.status, material.hidden_reason) == ("published", "")


def test_the_author_withdraws_and_republishes_keeping_the_date(teacher: User) -> None:
    material = published(teacher)
    first_date = material.published_at
    services.withdraw_material(actor=teacher, material=material)
    material.refresh_from_db()
    assert material.status == "draft"
    services.publish_material(actor=teacher, material=material)
    material.refresh_from_db()
    assert material.published_at == first_date

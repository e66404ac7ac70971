"""Comments, replies and ratings; the author is told."""

from typing import Any

import pytest
from django.test import Client

from metodset.accounts.models import User
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.materials import services
from metodset.materials.models import Comment, Material, Rating
from metodset.materials.tests.factories import draft, published
from metodset.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_colleague_comments_and_the_author_is_notified(teacher: User, colleague: User) -> None:
    material = published(teacher)
    comment = services.add_comment(
        actor=colleague, material=material, text="Спасибо! А где **ключи** к заданиям?"
    )
    note = Notification.objects.get(recipient=teacher, kind="materials.comment")
    assert note.url.endswith(f"#comment-{comment.pk}")
    reply = services.add_comment(
        actor=teacher, material=material, text="В приложении 2.", parent=comment
    )
    assert Notification.objects.filter(recipient=colleague, kind="materials.comment").count() == 1
    assert reply.parent == comment


def test_guests_and_drafts_cannot_be_discussed(teacher: User, colleague: User, guest: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        services.add_comment(actor=guest, material=published(teacher), text="x")
    with pytest.raises(PermissionDeniedError):
        services.add_comment(actor=colleague, material=draft(teacher), text="x")
    assert Comment.objects.count() == 0


def test_markdown_is_sanitized_on_the_page(teacher: User, colleague: User, login: Any) -> None:
    material = published(teacher)
    services.add_comment(
        actor=colleague,
        material=material,
        text="**Важно** <script>alert(1)</script> [ссылка](javascript:alert(1))",
    )
    page = Client().get(f"/materials/{material.pk}/").content.decode()
    assert "<strong>Важно</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "javascript:" not in page


def test_rating_once_per_person_changes_the_average(
    teacher: User, colleague: User, school_admin: User
) -> None:
    material = published(teacher)
    services.rate_material(actor=colleague, material=material, value=5)
    services.rate_material(actor=school_admin, material=material, value=4)
    services.rate_material(actor=colleague, material=material, value=3)
    material.refresh_from_db()
    assert (material.rating_count, material.rating_sum, material.rating) == (2, 7, 3.5)
    assert Rating.objects.count() == 2


def test_the_author_cannot_rate_their_own(teacher: User, colleague: User) -> None:
    material = published(teacher)
    with pytest.raises(DomainError, match="Свой материал"):
        services.rate_material(actor=teacher, material=material, value=5)
    with pytest.raises(DomainError, match="от 1 до 5"):
        services.rate_material(actor=colleague, material=material, value=6)
    assert Material.objects.get(pk=material.pk).rating_count == 0


def test_pages_comment_rate_and_remove(
    teacher: User, colleague: User, methodist: User, login: Any
) -> None:
    material = published(teacher)
    client = login(colleague)
    client.post(f"/materials/{material.pk}/comments/", {"text": "Отличная разработка"})
    client.post(f"/materials/{material.pk}/rate/", {"value": "5"})
    comment = Comment.objects.get()
    assert Material.objects.get(pk=material.pk).rating_count == 1
    stranger = Client()
    assert stranger.post(f"/materials/{material.pk}/comments/", {"text": "x"}).status_code == 302
    moderator = Client()
    moderator.force_login(methodist, backend="metodset.accounts.backends.EmailBackend")
    moderator.post(f"/materials/{material.pk}/comments/{comment.pk}/remove/")
    comment.refresh_from_db()
    assert comment.is_removed
    assert "Комментарий удалён." in Client().get(f"/materials/{material.pk}/").content.decode()


def test_bookmarks_in_collections(
    teacher: User, colleague: User, methodist: User, login: Any
) -> None:
    material = published(teacher)
    client = login(colleague)
    client.post(f"/materials/{material.pk}/bookmark/")
    client.post(f"/materials/{material.pk}/bookmark/", {"collection": "К педсовету"})
    client.post(f"/materials/{material.pk}/bookmark/")  # twice in «Избранное» is once
    page = client.get("/materials/bookmarks/").content.decode()
    assert "Избранное" in page
    assert "К педсовету" in page
    assert page.count(material.title) == 2
    services.hide_material(actor=methodist, material=material, reason="проверка")
    assert material.title not in client.get("/materials/bookmarks/").content.decode()
    from metodset.materials.models import Bookmark

    other = Client()
    other.force_login(teacher, backend="metodset.accounts.backends.EmailBackend")
    bookmark = Bookmark.objects.first()
    assert bookmark is not None
    assert other.post(f"/materials/bookmarks/{bookmark.pk}/remove/").status_code == 404
    assert Bookmark.objects.count() == 2

"""Notifications: the bell, the list, marking read, e-mail by preference."""

from typing import Any

import pytest
from django.core import mail

from metodset.notifications import services
from metodset.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_notify_skips_the_actor_and_emails_by_default(
    teacher: Any, colleague: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.notify(
            recipients=[teacher, colleague],
            kind="system",
            title="Новость",
            body="Текст",
            url="/organizations/",
            actor=colleague,
        )
    assert [n.recipient_id for n in rows] == [teacher.pk]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Новость"
    assert "/organizations/" in mail.outbox[0].body
    assert Notification.objects.get().emailed_at is not None


def test_email_preference_is_honoured(
    teacher: Any, django_capture_on_commit_callbacks: Any
) -> None:
    services.set_email_choices(actor=teacher, choices={"system": False})
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[teacher], kind="system", title="Тихо")
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=teacher).count() == 1


def test_sending_twice_sends_once(teacher: Any) -> None:
    from metodset.notifications.tasks import send_notification_emails

    n = Notification.objects.create(recipient=teacher, kind="system", title="Раз")
    send_notification_emails.call([n.pk])
    send_notification_emails.call([n.pk])
    assert len(mail.outbox) == 1


def test_unknown_kind_is_a_programming_error(teacher: Any) -> None:
    with pytest.raises(LookupError):
        services.notify(recipients=[teacher], kind="nope", title="x")


def test_bell_counts_unread_and_list_marks_read(teacher: Any, login: Any) -> None:
    client = login(teacher)
    services.notify(recipients=[teacher], kind="system", title="Первое", url="/teachers/")
    services.notify(recipients=[teacher], kind="system", title="Второе")
    page = client.get("/").content.decode()
    assert 'data-testid="unread-count">2' in page
    listing = client.get("/notifications/").content.decode()
    assert "Первое" in listing
    assert "Второе" in listing
    first = Notification.objects.get(title="Первое")
    response = client.post(f"/notifications/{first.pk}/open/")
    assert response["Location"] == "/teachers/"
    assert 'data-testid="unread-count">1' in client.get("/").content.decode()
    client.post("/notifications/read-all/")
    assert "unread-count" not in client.get("/").content.decode()


def test_others_notifications_are_not_found(teacher: Any, colleague: Any, login: Any) -> None:
    services.notify(recipients=[colleague], kind="system", title="Чужое")
    client = login(teacher)
    other = Notification.objects.get(recipient=colleague)
    assert client.post(f"/notifications/{other.pk}/open/").status_code == 404
    assert "Чужое" not in client.get("/notifications/").content.decode()
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_pages_need_login_and_post(client: Any, teacher: Any, login: Any) -> None:
    assert client.get("/notifications/").status_code == 302
    assert login(teacher).get("/notifications/read-all/").status_code == 405


def test_settings_page_saves_choices(teacher: Any, login: Any) -> None:
    client = login(teacher)
    page = client.get("/notifications/settings/").content.decode()
    assert "Новые регистрации педагогов" in page
    client.post("/notifications/settings/", {"email_system": "1"})
    assert services.wants_email(teacher, "system") is True
    assert services.wants_email(teacher, "accounts.registration_pending") is False


def test_notifying_many_people_costs_the_same_queries(
    django_user_model: Any, django_assert_num_queries: Any
) -> None:
    people = [
        django_user_model.objects.create_user(f"p{n}@school.test", last_name="Л", first_name="И")
        for n in range(30)
    ]
    with django_assert_num_queries(2):  # one INSERT of all rows, one read of the preferences
        services.notify(recipients=people, kind="system", title="Всем")
    assert Notification.objects.count() == 30

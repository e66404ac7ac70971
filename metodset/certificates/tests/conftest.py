"""Certificates built the way the events app builds them: through the service."""

from collections.abc import Callable
from typing import Any

import pytest

from metodset.accounts.models import User
from metodset.certificates import services
from metodset.certificates.models import Certificate
from metodset.conftest import World

Issue = Callable[..., Certificate]

ISSUER = "Управление образования Администрации Тестового района"


@pytest.fixture
def issue(world: World, school_admin: User) -> Issue:
    """issue(holder, **overrides) issues a participant's certificate for a seminar; by
    default the school head (an event's organizer) issues it in the test district."""
    counter = iter(range(1, 10_000))

    def _issue(holder: User, **overrides: Any) -> Certificate:
        fields: dict[str, Any] = {
            "actor": school_admin,
            "source": f"events.registration:{next(counter)}",
            "title": "Сертификат участника",
            "holder": holder,
            "statement": "принял(а) участие в семинаре «Смысловое чтение на уроках математики»",
            "details": [("Дата", "12 декабря 2026 г."), ("Объём", "4 ч")],
            "issuer_name": ISSUER,
            "district": world.district,
            "signer_name": "Е. В. Петрова",
            "signer_position": "Начальник Управления образования",
            "holder_organization": "МБОУ СОШ №1",
            **overrides,
        }
        return services.issue_certificate(**fields)

    return _issue


@pytest.fixture
def certificate(issue: Issue, teacher: User) -> Certificate:
    """The teacher's certificate, issued by the school head."""
    return issue(teacher)

"""Groups and РПГ applications built through the services, as the workflow makes them."""

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core import mail
from django.db import models
from django.test import TestCase

from metodset.accounts.models import User
from metodset.core.models import AuditEntry
from metodset.groups import services
from metodset.groups.models import (
    ApplicationParticipant,
    Group,
    GroupKind,
    GroupMaterial,
    GroupMember,
    NewsItem,
    ProblemGroupApplication,
)
from metodset.notifications.models import Notification

STARTS = datetime.date(2026, 9, 1)
ENDS = datetime.date(2027, 5, 31)


def kind(code: str) -> GroupKind:
    """A kind seeded by the migration: rpg, rmo, creative-lab, ptg, community, seminar,
    workshop."""
    return GroupKind.objects.get(code=code)


def application(
    applicant: User,
    participants: Iterable[User],
    *,
    leader: User | None = None,
    **fields: Any,
) -> ProblemGroupApplication:
    """An application waiting for the participants' consent (or already submitted when
    nobody but the applicant has to agree)."""
    values: dict[str, Any] = {
        "title": "Формирующее оценивание на уроках математики",
        "problem": "Как научить учащихся оценивать свою работу по критериям",
        "expected_result": "Сборник листов самооценки для 5–9 классов",
        "goals": "Разработать и апробировать листы самооценки",
        "starts_on": STARTS,
        "ends_on": ENDS,
    }
    values.update(fields)
    return services.submit_application(
        actor=applicant,
        participants=list(participants),
        proposed_leader=leader or applicant,
        **values,
    )


def agree_all(app: ProblemGroupApplication) -> ProblemGroupApplication:
    """Every participant who has not answered yet agrees; the application goes to the
    department."""
    for row in app.participants.filter(consent="pending").select_related("user"):
        services.answer_participation(actor=row.user, application=app, agree=True)
    app.refresh_from_db()
    return app


def submitted(
    applicant: User, participants: Iterable[User], **fields: Any
) -> ProblemGroupApplication:
    app = agree_all(application(applicant, participants, **fields))
    assert app.status == ProblemGroupApplication.Status.SUBMITTED
    return app


def problem_group(
    methodist: User,
    applicant: User,
    participants: Iterable[User],
    *,
    order_number: str = "123-о",
    order_date: datetime.date = datetime.date(2026, 9, 1),
    **fields: Any,
) -> Group:
    """An РПГ approved by the department's order."""
    app = submitted(applicant, participants, **fields)
    return services.approve_application(
        actor=methodist, application=app, order_number=order_number, order_date=order_date
    )


def founded(actor: User, code: str, **fields: Any) -> Group:
    """A group founded directly (РМО, ПТГ, creative lab, community…)."""
    values: dict[str, Any] = {"title": f"Объединение «{code}»"}
    values.update(fields)
    if "district" not in values:
        organization = services.organization_of(actor)
        assert organization is not None
        assert organization.district is not None
        values["district"] = organization.district
    return services.found_group(actor=actor, kind=kind(code), **values)


def snapshot() -> dict[str, int]:
    """How many rows the groups' workflows touch: compared before and after a refusal."""
    return {
        "applications": ProblemGroupApplication.objects.count(),
        "participants": ApplicationParticipant.objects.count(),
        "groups": Group.objects.count(),
        "members": GroupMember.objects.count(),
        "group materials": GroupMaterial.objects.count(),
        "news": NewsItem.objects.count(),
        "notifications": Notification.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def _row(obj: models.Model) -> dict[str, Any]:
    return type(obj)._default_manager.filter(pk=obj.pk).values().get()


@contextmanager
def nothing_happens(*objects: models.Model) -> Iterator[None]:
    """Around a refused call: no row added or changed, nothing notified, no e-mail or task
    waiting for the commit."""
    before = snapshot()
    rows = [_row(obj) for obj in objects]
    outbox = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks() as callbacks:
        yield
    assert snapshot() == before
    assert [_row(obj) for obj in objects] == rows
    assert callbacks == []
    assert len(mail.outbox) == outbox

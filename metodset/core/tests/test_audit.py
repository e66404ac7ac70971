from typing import Any

import pytest

from metodset.core import audit
from metodset.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_entries_are_append_only(teacher: Any) -> None:
    entry = audit.record(actor=teacher, action="profile.updated", target=teacher, comment="x")
    assert entry.target_repr == teacher.full_name
    entry.comment = "changed"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).comment == "x"


def test_anonymous_actor_is_recorded_as_the_system(teacher: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    entry = audit.record(actor=AnonymousUser(), action="account.registered", target=teacher)
    assert entry.actor is None
    assert audit.action_label("account.registered") == "Педагог зарегистрировался"
    assert audit.action_label("unknown.action") == "unknown.action"

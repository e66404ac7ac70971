"""Migration 0004 gives the protocols made before it their items from the current state of
their submissions, and going back restores the plain list of submissions."""

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from metodset.conftest import World
from metodset.expertise import services
from metodset.expertise.models import Protocol, ProtocolItem, Verdict
from metodset.expertise.tests.factories import decided, expert_of

BEFORE = [("expertise", "0003_methodists_edit_criteria")]
AFTER = [("expertise", "0004_protocol_items")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


# serialized_rollback: the flush after a committing test would drop the data migrations.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_items_are_filled_for_existing_protocols(
    teacher: Any, colleague: Any, methodist: Any, world: World
) -> None:
    experts = [
        expert_of(world.department, "expert1@uo.test"),
        expert_of(world.other_school, "expert2@school2.test"),
        expert_of(world.school, "expert3@school1.test"),
    ]
    recommended = decided(teacher, methodist, experts, title="Б: рекомендован", score=4)
    returned = decided(
        colleague, methodist, experts, Verdict.REVISION, title="А: вернули", comment="Доработать."
    )
    protocol = services.create_protocol(
        actor=methodist,
        district=world.district,
        number="1",
        held_on=timezone.localdate(),
        chair="Иванова И. И.",
        secretary="Петрова П. П.",
        members=experts[:1],
        submissions=[recommended, returned],
    )
    written = list(
        protocol.items.values_list(
            "submission_id", "position", "round", "decision", "comment", "average_percent"
        )
    )
    try:
        old_apps = _migrate(BEFORE)
        old_protocol = old_apps.get_model("expertise", "Protocol").objects.get(pk=protocol.pk)
        assert {s.pk for s in old_protocol.submissions.all()} == {recommended.pk, returned.pk}
    finally:
        _migrate(AFTER)
    filled = list(
        ProtocolItem.objects.filter(protocol=protocol).values_list(
            "submission_id", "position", "round", "decision", "comment", "average_percent"
        )
    )
    assert filled == written
    assert filled[0][:4] == (returned.pk, 1, 1, Verdict.REVISION)
    assert set(Protocol.objects.get(pk=protocol.pk).submissions.all()) == {recommended, returned}

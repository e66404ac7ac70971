"""Who sees which material: can_view_material and materials_visible_to agree for everyone."""

from typing import Any

import pytest

from metodset.conftest import PERSONAS
from metodset.materials import permissions, services
from metodset.materials.tests.factories import draft, published

pytestmark = pytest.mark.django_db

MODERATORS = {"methodist", "school_admin"}
NETWORK = set(PERSONAS) - {"guest"}


@pytest.fixture
def everyone(request: Any) -> dict[str, Any]:
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.mark.parametrize("viewer", PERSONAS)
def test_visibility(everyone: dict[str, Any], viewer: str) -> None:
    teacher = everyone["teacher"]
    materials = {
        "public": published(teacher),
        "network": published(teacher, visibility="network"),
        "draft": draft(teacher, title="Черновик"),
        "hidden": published(teacher, title="Скрытый"),
    }
    services.hide_material(
        actor=everyone["methodist"], material=materials["hidden"], reason="проверка"
    )
    materials["hidden"].refresh_from_db()
    expected = {
        "public": True,
        "network": viewer in NETWORK,
        "draft": viewer in MODERATORS | {"teacher"},
        "hidden": viewer in MODERATORS | {"teacher"},
    }
    user = everyone[viewer]
    visible = set(permissions.materials_visible_to(user).values_list("pk", flat=True))
    for name, material in materials.items():
        assert permissions.can_view_material(user, material) is expected[name], (viewer, name)
        assert (material.pk in visible) is expected[name], (viewer, name)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_creates_edits_and_moderates(everyone: dict[str, Any], persona: str) -> None:
    material = published(everyone["teacher"])
    user = everyone[persona]
    assert permissions.can_create_material(user) is (
        persona in {"teacher", "colleague", "school_admin", "methodist", "expert", "outsider"}
    )
    assert permissions.can_edit_material(user, material) is (persona == "teacher")
    assert permissions.can_moderate_material(user, material) is (persona in MODERATORS)

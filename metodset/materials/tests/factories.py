"""Materials built through the services, as the workflow makes them."""

from typing import Any

from metodset.accounts.models import User
from metodset.materials import services
from metodset.materials.models import Material, MaterialType


def draft(author: User, **fields: Any) -> Material:
    values: dict[str, Any] = {
        "title": "Конспект урока «Дроби» для 5 класса",
        "annotation": "Урок открытия новых знаний с практической работой.",
        "type": MaterialType.objects.get(code="lesson-plan"),
        "level": "ooo",
        "grades": [5],
    }
    values.update(fields)
    return services.create_material(actor=author, **values)


def published(author: User, **fields: Any) -> Material:
    material = draft(author, **fields)
    services.add_file(
        actor=author,
        material=material,
        stored_name="materials/test/plan.docx",
        original_name="план.docx",
        kind="docx",
        mime_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        size=1234,
    )
    return services.publish_material(actor=author, material=material)

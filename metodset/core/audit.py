"""Writing the audit trail: one call per change of state."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from metodset.core.models import AuditEntry

_ACTION_LABELS: dict[str, Any] = {}


def register_actions(labels: dict[str, Any]) -> None:
    """Each app names its actions in Russian for the journal page."""
    _ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return str(_ACTION_LABELS.get(action, action))


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    changes: dict[str, Any] | None = None,
    district_id: int | None = None,
) -> AuditEntry:
    """Append one entry; `actor` is the acting user (None for the system)."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        changes=changes or {},
        district_id=district_id,
    )


def model_changes(
    instance: models.Model, before: dict[str, Any], fields: list[str]
) -> dict[str, Any]:
    """The fields whose values differ from `before`, as {field: [old, new]} for the log."""
    diff: dict[str, Any] = {}
    for name in fields:
        new = getattr(instance, name)
        old = before.get(name)
        if old != new:
            diff[name] = [_plain(old), _plain(new)]
    return diff


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)

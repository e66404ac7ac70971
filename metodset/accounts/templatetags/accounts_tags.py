from typing import Any

from django import template

from metodset.accounts.models import Membership, Organization, Role

register = template.Library()


@register.filter
def workplaces(person: Any) -> list[Organization]:
    """The organizations where a person teaches or heads, each once, from the memberships
    the list already prefetched (no query per person)."""
    seen: dict[int, Organization] = {}
    for membership in person.memberships.all():
        if (
            membership.status == Membership.Status.ACTIVE
            and membership.role in {Role.TEACHER, Role.SCHOOL_ADMIN}
            and membership.organization_id not in seen
        ):
            seen[membership.organization_id] = membership.organization
    return list(seen.values())

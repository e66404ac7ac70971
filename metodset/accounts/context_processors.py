from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from metodset.accounts import permissions, selectors


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the menu offers this person; computed only when a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def build() -> dict[str, Any]:
        roles = permissions.roles_of(user)
        can_manage_organizations = roles.is_superuser or bool(
            roles.district_ids or roles.region_ids
        )
        can_manage = can_manage_organizations or bool(roles.admin_org_ids)
        return {
            "can_manage": can_manage,
            "can_manage_organizations": can_manage_organizations,
            "pending_registrations": selectors.pending_registrations_for(user).count()
            if can_manage
            else 0,
            "memberships": list(selectors.active_memberships_of(user)),
            "is_expert": bool(roles.expert_district_ids),
            "is_network_staff": permissions.is_network_staff(roles),
            "is_student": bool(roles.student_org_ids),
            "is_parent": bool(roles.child_ids),
        }

    return {"nav": SimpleLazyObject(build)}

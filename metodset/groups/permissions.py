"""Who may see and change groups and РПГ applications: the one source of truth.

`can_<verb>` answers for one object, `<objects>_visible_to` gives the matching queryset (a
test checks that they agree for every persona). Workflow predicates take `check_state`
to separate "the role allows it" from "the state allows it".
"""

from typing import Any

from django.db.models import Q, QuerySet

from metodset.accounts.models import Membership, Role, User
from metodset.accounts.permissions import Roles, is_network_staff, manages_area, roles_of
from metodset.groups.models import (
    ApplicationParticipant,
    Group,
    GroupKind,
    GroupMember,
    ProblemGroupApplication,
)

# Members who may take part in groups of teachers.
STAFF = frozenset({Role.TEACHER, Role.SCHOOL_ADMIN, Role.DISTRICT_METHODIST, Role.EXPERT})


def _is_student_only(roles: Roles) -> bool:
    return bool(roles.student_org_ids or roles.parent_org_ids) and not is_network_staff(roles)


def membership_of(user: Any, group: Group) -> GroupMember | None:
    """The person's row in the group, fetched once per request and group."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache: dict[int, GroupMember | None] = user.__dict__.setdefault("_metodset_group_rows", {})
    if group.pk not in cache:
        cache[group.pk] = GroupMember.objects.filter(group=group, user=user).first()
    return cache[group.pk]


def forget_membership(user: Any) -> None:
    user.__dict__.pop("_metodset_group_rows", None)


def is_member(user: Any, group: Group) -> bool:
    row = membership_of(user, group)
    return row is not None and row.is_active


def is_leader(user: Any, group: Group) -> bool:
    row = membership_of(user, group)
    return row is not None and row.is_leader


def manages_district_of(user: Any, group: Group) -> bool:
    return manages_area(roles_of(user), group.district_id, group.district.region_id)


# --- Groups -------------------------------------------------------------------------------


def can_view_group(user: Any, group: Group) -> bool:
    roles = roles_of(user)
    if manages_area(roles, group.district_id, group.district.region_id):
        return True
    row = membership_of(user, group)
    if row is not None and row.status in {
        GroupMember.Status.ACTIVE,
        GroupMember.Status.INVITED,
        GroupMember.Status.REQUESTED,
    }:
        return True
    if _is_student_only(roles):
        # Students (and parents) see the communities open to students, nothing else.
        return group.students_may_join and group.visibility != Group.Visibility.ORGANIZATION
    if group.visibility == Group.Visibility.PUBLIC:
        return True
    if group.visibility == Group.Visibility.NETWORK:
        return is_network_staff(roles)
    return group.organization_id in roles.staff_org_ids


def groups_visible_to(user: Any) -> QuerySet[Group]:
    roles = roles_of(user)
    if roles.is_superuser:
        return Group.objects.all()
    managed = Q(district__in=roles.district_ids) | Q(district__region__in=roles.region_ids)
    own = Q(pk__in=[])
    if getattr(user, "is_authenticated", False):
        own = Q(
            pk__in=GroupMember.objects.filter(
                user_id=user.pk,
                status__in=[
                    GroupMember.Status.ACTIVE,
                    GroupMember.Status.INVITED,
                    GroupMember.Status.REQUESTED,
                ],
            ).values("group_id")
        )
    if _is_student_only(roles):
        open_to_me = Q(students_may_join=True) & ~Q(visibility=Group.Visibility.ORGANIZATION)
    elif is_network_staff(roles):
        open_to_me = Q(visibility__in=[Group.Visibility.PUBLIC, Group.Visibility.NETWORK]) | Q(
            visibility=Group.Visibility.ORGANIZATION, organization__in=roles.staff_org_ids
        )
    else:
        open_to_me = Q(visibility=Group.Visibility.PUBLIC)
    return Group.objects.filter(managed | own | open_to_me)


def can_manage_group(user: Any, group: Group, *, check_state: bool = True) -> bool:
    """Edit the description and plan, manage membership: the leader or the district."""
    if check_state and group.is_closed:
        return False
    return is_leader(user, group) or manages_district_of(user, group)


def can_appoint_leader(user: Any, group: Group, *, check_state: bool = True) -> bool:
    """Leaders are appointed by the district (a руководитель РМО is its appointee)."""
    if check_state and group.is_closed:
        return False
    return manages_district_of(user, group)


def may_take_part(person: User, group: Group) -> bool:
    """Whether the person could be a member at all: staff of the network (of the group's own
    organization for groups inside one), or a student where the group is open to them."""
    roles = roles_of(person)
    if group.kind.within_organization and group.organization_id is not None:
        return group.organization_id in roles.staff_org_ids or manages_district_of(person, group)
    if is_network_staff(roles):
        return True
    return group.students_may_join and bool(roles.student_org_ids)


def can_join(user: Any, group: Group, *, check_state: bool = True) -> bool:
    """Join or ask to join (participation is voluntary, §4.3)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not can_view_group(user, group) or not may_take_part(user, group):
        return False
    if not check_state:
        return True
    row = membership_of(user, group)
    return (
        not group.is_closed
        and group.joining != Group.Joining.INVITATION
        and (row is None or row.status in {GroupMember.Status.LEFT, GroupMember.Status.DECLINED})
    )


def can_leave(user: Any, group: Group) -> bool:
    row = membership_of(user, group)
    return row is not None and row.is_active and not row.is_leader and not group.is_closed


def can_view_members_personal(user: Any, group: Group) -> bool:
    """Student members are named only to the group's leaders, the district and staff of
    the students' own schools (filtered per row); everyone else sees a count."""
    return is_member(user, group) or manages_district_of(user, group)


def can_view_discussion(user: Any, group: Group) -> bool:
    return is_member(user, group) or manages_district_of(user, group)


def can_post(user: Any, group: Group) -> bool:
    return not group.is_closed and can_view_discussion(user, group)


def can_publish_into(user: Any, group: Group) -> bool:
    """Publish a material of one's own into the group: its members while it works."""
    return not group.is_closed and is_member(user, group)


def can_remove_material(user: Any, group: Group, added_by_id: int | None) -> bool:
    if group.is_closed:
        return False
    return (
        added_by_id is not None and added_by_id == getattr(user, "pk", None)
    ) or can_manage_group(user, group)


def can_close_group(user: Any, group: Group, *, check_state: bool = True) -> bool:
    """An РПГ hands in its product: its leader or the district. Other kinds are closed by
    the district."""
    if check_state and group.is_closed:
        return False
    if group.kind.has_term_and_product:
        return is_leader(user, group) or manages_district_of(user, group)
    return manages_district_of(user, group)


def can_upload_order(user: Any, group: Group) -> bool:
    return manages_district_of(user, group)


def groups_led_by(user: Any) -> QuerySet[Group]:
    return Group.objects.filter(
        members__user=user,
        members__role=GroupMember.Role.LEADER,
        members__status=GroupMember.Status.ACTIVE,
    )


def users_who_manage(group: Group) -> QuerySet[User]:
    """Told of requests to join: the leader, or the district's methodists when there is none."""
    leaders = User.objects.filter(
        is_active=True,
        group_memberships__group=group,
        group_memberships__role=GroupMember.Role.LEADER,
        group_memberships__status=GroupMember.Status.ACTIVE,
    )
    if leaders.exists():
        return leaders
    return district_methodists(group.district_id)


# --- Founding -----------------------------------------------------------------------------


def can_found(
    user: Any,
    kind: GroupKind,
    *,
    district_id: int,
    region_id: int | None,
    organization_id: int | None = None,
) -> bool:
    """Create a group of this kind directly (an РПГ only through an application)."""
    roles = roles_of(user)
    founding = kind.founding
    if founding == GroupKind.Founding.APPLICATION:
        return False
    if manages_area(roles, district_id, region_id):
        return True
    if founding == GroupKind.Founding.SCHOOL:
        return organization_id is not None and organization_id in roles.admin_org_ids
    if founding == GroupKind.Founding.NETWORK:
        return district_id in roles.member_district_ids and bool(roles.staff_org_ids)
    return False


def kinds_founded_by(user: Any) -> list[GroupKind]:
    """The kinds this person may create directly somewhere."""
    roles = roles_of(user)
    result = []
    for kind in GroupKind.objects.exclude(founding=GroupKind.Founding.APPLICATION):
        if (
            roles.is_superuser
            or roles.district_ids
            or roles.region_ids
            or (kind.founding == GroupKind.Founding.SCHOOL and roles.admin_org_ids)
            or (kind.founding == GroupKind.Founding.NETWORK and roles.staff_org_ids)
        ):
            result.append(kind)
    return result


# --- Applications -------------------------------------------------------------------------


def can_apply(user: Any) -> bool:
    """Any teacher, school head or the department may apply for an РПГ (§3.1)."""
    roles = roles_of(user)
    return bool(roles.staff_org_ids or roles.district_ids)


def can_view_application(user: Any, application: ProblemGroupApplication) -> bool:
    roles = roles_of(user)
    if manages_area(roles, application.district_id, application.district.region_id):
        return True
    pk = getattr(user, "pk", None)
    if pk is None:
        return False
    return application.applicant_id == pk or application.participants.filter(user_id=pk).exists()


def applications_visible_to(user: Any) -> QuerySet[ProblemGroupApplication]:
    roles = roles_of(user)
    if roles.is_superuser:
        return ProblemGroupApplication.objects.all()
    pk = getattr(user, "pk", None)
    if pk is None:
        return ProblemGroupApplication.objects.none()
    return ProblemGroupApplication.objects.filter(
        Q(district__in=roles.district_ids)
        | Q(district__region__in=roles.region_ids)
        | Q(applicant_id=pk)
        | Q(pk__in=ApplicationParticipant.objects.filter(user_id=pk).values("application_id"))
    )


def can_edit_application(
    user: Any, application: ProblemGroupApplication, *, check_state: bool = True
) -> bool:
    if application.applicant_id != getattr(user, "pk", None):
        return False
    return not check_state or application.is_editable


def can_withdraw_application(user: Any, application: ProblemGroupApplication) -> bool:
    return application.applicant_id == getattr(user, "pk", None) and (
        ProblemGroupApplication.Status.WITHDRAWN
        in ProblemGroupApplication.TRANSITIONS[application.status]
    )


def can_decide_application(
    user: Any, application: ProblemGroupApplication, *, check_state: bool = True
) -> bool:
    """Only the district's department decides (§3.2)."""
    if not manages_area(roles_of(user), application.district_id, application.district.region_id):
        return False
    return not check_state or application.status == ProblemGroupApplication.Status.SUBMITTED


def can_answer_participation(
    user: Any, participant: ApplicationParticipant, *, check_state: bool = True
) -> bool:
    if participant.user_id != getattr(user, "pk", None):
        return False
    return not check_state or participant.application.status in {
        ProblemGroupApplication.Status.AWAITING_CONSENT,
        ProblemGroupApplication.Status.SUBMITTED,
    }


def may_participate(person: User, district_id: int, region_id: int) -> bool:
    """Teachers and heads of the district's organizations, or of the region's own
    institutes, may be named in an application."""
    return (
        Membership.objects.active()
        .filter(
            Q(organization__district_id=district_id)
            | Q(organization__district__isnull=True, organization__region_id=region_id),
            user=person,
            role__in=[Role.TEACHER, Role.SCHOOL_ADMIN],
        )
        .exists()
    )


def can_view_queue(user: Any) -> bool:
    roles = roles_of(user)
    return roles.is_superuser or bool(roles.district_ids or roles.region_ids)


def district_methodists(district_id: int) -> QuerySet[User]:
    """Who decides on applications of the district and is reminded of the term."""
    return User.objects.filter(
        is_active=True,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Role.DISTRICT_METHODIST,
        memberships__organization__district_id=district_id,
        memberships__organization__is_active=True,
    ).distinct()

"""Who may see, organize and attend events and who may plan road maps: the one source of
truth for pages, the API, feeds and tasks.

`can_<verb>` answers for one object and `<objects>_visible_to` gives the matching queryset
(a test checks that they agree for every persona). Workflow predicates take `check_state`
to separate "the role allows it" from "the event's state allows it".
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.accounts.models import Membership, Organization, Role, User
from metodset.accounts.permissions import (
    Roles,
    is_network_staff,
    manages_area,
    people_visible_to,
    roles_of,
)
from metodset.events.models import Event, Registration, RoadMap
from metodset.groups import permissions as group_permissions
from metodset.groups.models import Group, GroupMember


def _organizer_ids(event: Event) -> set[int]:
    cached: set[int] | None = event.__dict__.get("_organizer_ids")
    if cached is None:
        cached = set(event.organizations.values_list("pk", flat=True))
        event.__dict__["_organizer_ids"] = cached
    return cached


def registration_of(user: Any, event: Event) -> Registration | None:
    """The person's registration, fetched once per request and event."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache: dict[int, Registration | None] = user.__dict__.setdefault("_metodset_event_rows", {})
    if event.pk not in cache:
        cache[event.pk] = Registration.objects.filter(event=event, person=user).first()
    return cache[event.pk]


def forget_registration(user: Any) -> None:
    user.__dict__.pop("_metodset_event_rows", None)


def prime(user: Any, events: list[Event]) -> None:
    """Fill the per-request caches of organizer ids and the viewer's registrations for
    many events in two queries: the organizers come from the events' prefetched
    `organizations` (one query for the page), the viewer's registrations from one query,
    so a page of events costs a fixed number of queries instead of two more per event."""
    for event in events:
        event.__dict__["_organizer_ids"] = {org.pk for org in event.organizations.all()}
    if not getattr(user, "is_authenticated", False):
        return
    rows = {
        row.event_id: row
        for row in Registration.objects.filter(person_id=user.pk, event__in=events)
    }
    cache: dict[int, Registration | None] = user.__dict__.setdefault("_metodset_event_rows", {})
    for event in events:
        cache.setdefault(event.pk, rows.get(event.pk))


def manages_district_of(user: Any, event: Event) -> bool:
    return manages_area(roles_of(user), event.district_id, event.district.region_id)


# --- Organizing ---------------------------------------------------------------------------


def can_create_event(user: Any) -> bool:
    """Teachers, school heads, group leaders and methodists organize events."""
    return is_network_staff(roles_of(user))


def organizations_for_new_event(user: Any) -> QuerySet[Organization]:
    """The organizations a person may name as organizers: any of their district (a joint
    event of two schools), provided one of them is their own (`may_organize_with`)."""
    roles = roles_of(user)
    if roles.is_superuser:
        return Organization.objects.active()
    if not is_network_staff(roles):
        return Organization.objects.none()
    return Organization.objects.active().filter(
        Q(district__in=roles.member_district_ids | roles.district_ids)
        | Q(region__in=roles.region_ids)
    )


def may_organize_with(user: Any, organization_ids: set[int], group: Group | None) -> bool:
    """Organizers must include the person's own school (or department); a group's event
    is organized by its leader; the district's methodists organize for anyone."""
    roles = roles_of(user)
    if roles.is_superuser:
        return True
    if group is not None and groups_for_new_event(user).filter(pk=group.pk).exists():
        return True
    own = set(roles.staff_org_ids) | set(
        _own_authority_ids(user).values_list("organization_id", flat=True)
    )
    if own & organization_ids:
        return True
    return (
        bool(organization_ids)
        and not Organization.objects.filter(pk__in=organization_ids)
        .exclude(Q(district__in=roles.district_ids) | Q(region__in=roles.region_ids))
        .exists()
    )


def _own_authority_ids(user: Any) -> QuerySet[Membership, Any]:
    """The department a methodist works in (a regional one has no district)."""
    return (
        Membership.objects.active()
        .filter(
            user_id=getattr(user, "pk", 0),
            role__in=[Role.DISTRICT_METHODIST, Role.REGION_METHODIST],
        )
        .values("organization_id")
    )


def groups_for_new_event(user: Any) -> QuerySet[Group]:
    """Groups a person may organize an event of: those they lead; the district's for its
    methodists."""
    roles = roles_of(user)
    managed = Q(district__in=roles.district_ids) | Q(district__region__in=roles.region_ids)
    led = Q(pk__in=group_permissions.groups_led_by(user).values("pk"))
    if roles.is_superuser:
        return Group.objects.active()
    return Group.objects.active().filter(managed | led)


def can_manage_event(user: Any, event: Event) -> bool:
    """Edit, cancel, see the list, mark attendance: the author, the heads of the organizing
    schools, the leaders of the organizing group and the district."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = roles_of(user)
    return (
        manages_area(roles, event.district_id, event.district.region_id)
        or event.created_by_id == user.pk
        or bool(roles.admin_org_ids & _organizer_ids(event))
        or (event.group is not None and group_permissions.is_leader(user, event.group))
    )


def events_managed_by(user: Any) -> QuerySet[Event]:
    roles = roles_of(user)
    if not getattr(user, "is_authenticated", False):
        return Event.objects.none()
    if roles.is_superuser:
        return Event.objects.all()
    led_groups = group_permissions.groups_led_by(user).values("pk")
    return Event.objects.filter(
        Q(district__in=roles.district_ids)
        | Q(district__region__in=roles.region_ids)
        | Q(created_by=user)
        | Q(organizations__in=roles.admin_org_ids)
        | Q(group__in=led_groups)
    ).distinct()


def users_who_manage(event: Event) -> QuerySet[User]:
    """Told of registrations that wait for approval: the author, or the organizing schools'
    heads when the author is gone."""
    if event.created_by_id is not None:
        return User.objects.filter(pk=event.created_by_id, is_active=True)
    return User.objects.filter(
        is_active=True,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Role.SCHOOL_ADMIN,
        memberships__organization__in=_organizer_ids(event),
    ).distinct()


# --- Seeing ---------------------------------------------------------------------------------


def _in_audience_scope(user: Any, event: Event, roles: Roles) -> bool:
    """ORGANIZERS visibility: staff of the organizing schools and members of the group."""
    if roles.staff_org_ids & _organizer_ids(event):
        return True
    return event.group is not None and group_permissions.is_member(user, event.group)


def can_view_event(user: Any, event: Event) -> bool:
    if can_manage_event(user, event):
        return True
    if event.is_draft:
        return False
    if registration_of(user, event) is not None:
        return True
    roles = roles_of(user)
    if event.visibility == Event.Visibility.PUBLIC:
        return True
    if event.visibility == Event.Visibility.NETWORK:
        # The network's staff; students and parents where they are the audience.
        return (
            is_network_staff(roles)
            or (event.for_students and bool(roles.student_org_ids))
            or (event.for_parents and bool(roles.parent_org_ids))
        )
    return _in_audience_scope(user, event, roles)


def events_visible_to(user: Any) -> QuerySet[Event]:
    roles = roles_of(user)
    if roles.is_superuser:
        return Event.objects.all()
    public = Q(visibility=Event.Visibility.PUBLIC)
    if not getattr(user, "is_authenticated", False):
        return Event.objects.filter(public).exclude(status=Event.Status.DRAFT)
    seen = public
    if is_network_staff(roles):
        seen |= Q(visibility=Event.Visibility.NETWORK)
    else:
        if roles.student_org_ids:
            seen |= Q(visibility=Event.Visibility.NETWORK, for_students=True)
        if roles.parent_org_ids:
            seen |= Q(visibility=Event.Visibility.NETWORK, for_parents=True)
    member_groups = GroupMember.objects.filter(
        user_id=user.pk, status=GroupMember.Status.ACTIVE
    ).values("group_id")
    seen |= Q(visibility=Event.Visibility.ORGANIZERS) & (
        Q(organizations__in=roles.staff_org_ids) | Q(group__in=member_groups)
    )
    seen |= Q(pk__in=Registration.objects.filter(person_id=user.pk).values("event_id"))
    announced = Event.objects.filter(seen).exclude(status=Event.Status.DRAFT)
    return Event.objects.filter(
        Q(pk__in=announced.values("pk")) | Q(pk__in=events_managed_by(user).values("pk"))
    )


def can_see_online_link(user: Any, event: Event) -> bool:
    """The broadcast link: registered participants with a place, and the organizers."""
    if can_manage_event(user, event):
        return True
    row = registration_of(user, event)
    return row is not None and row.status == Registration.Status.CONFIRMED


def can_view_participants(user: Any, event: Event) -> bool:
    """Names of participants (students among them): the organizers only; others see counts."""
    return can_manage_event(user, event)


# --- Attending ------------------------------------------------------------------------------


def may_attend(person: Any, event: Event) -> bool:
    """Whether the event's audience includes the person at all."""
    roles = roles_of(person)
    if event.for_teachers and is_network_staff(roles):
        return True
    if event.for_heads and (roles.admin_org_ids or roles.district_ids or roles.region_ids):
        return True
    if event.for_students and roles.student_org_ids:
        return True
    return bool(event.for_parents and roles.parent_org_ids)


def registration_closed_reason(event: Event) -> str:
    """Why nobody can register now ("" while registration is open)."""
    now = timezone.now()
    if event.is_draft:
        return _("Мероприятие ещё не объявлено.")
    if event.is_cancelled:
        return _("Мероприятие отменено.")
    if not event.registration_enabled:
        return _("Регистрация не нужна: приходите.")
    if event.ends_at < now:
        return _("Мероприятие прошло.")
    if event.registration_deadline is not None and event.registration_deadline < now:
        return _("Регистрация закончилась.")
    return ""


def can_register(user: Any, event: Event, *, check_state: bool = True) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if not can_view_event(user, event) or not may_attend(user, event):
        return False
    if not check_state:
        return True
    row = registration_of(user, event)
    return not registration_closed_reason(event) and (row is None or not row.is_live)


def can_register_others(user: Any, event: Event) -> bool:
    """A school head registers staff or students of their school; the organizers and the
    district register anyone they may see."""
    roles = roles_of(user)
    return can_view_event(user, event) and (
        bool(roles.admin_org_ids) or can_manage_event(user, event)
    )


def people_registrable_by(user: Any, event: Event) -> QuerySet[User]:
    """Whom the person may register: people of their own school (heads), of the district
    (its methodists), of any organizer (organizers)."""
    scope = Q(memberships__organization__in=roles_of(user).admin_org_ids)
    if manages_district_of(user, event):
        scope |= Q(memberships__organization__district=event.district_id)
    elif can_manage_event(user, event):
        scope |= Q(memberships__organization__in=_organizer_ids(event))
    return User.objects.filter(
        scope, is_active=True, memberships__status=Membership.Status.ACTIVE
    ).distinct()


def speakers_invitable_by(user: Any, event: Event) -> QuerySet[User]:
    """Whom the organizers may name as speakers: staff of any organization of the region
    whose pages they see (a speaker may come from another school or the department)."""
    if not can_manage_event(user, event):
        return User.objects.none()
    return (
        people_visible_to(user)
        .filter(
            is_active=True,
            memberships__status=Membership.Status.ACTIVE,
            memberships__role__in=[
                Role.TEACHER,
                Role.SCHOOL_ADMIN,
                Role.DISTRICT_METHODIST,
                Role.EXPERT,
                Role.REGION_METHODIST,
            ],
            memberships__organization__region=event.district.region_id,
        )
        .distinct()
    )


def can_cancel_registration(user: Any, registration: Registration) -> bool:
    """The person, the one who registered them, or the organizers; not after the start."""
    if registration.event.has_started or not registration.is_live:
        return False
    uid = getattr(user, "pk", None)
    return (
        registration.person_id == uid
        or registration.registered_by_id == uid
        or can_manage_event(user, registration.event)
    )


def can_decide_registration(user: Any, registration: Registration) -> bool:
    return registration.status == Registration.Status.PENDING and can_manage_event(
        user, registration.event
    )


def can_mark_attendance(user: Any, event: Event, *, check_state: bool = True) -> bool:
    if check_state and (not event.has_started or event.is_cancelled):
        return False
    return can_manage_event(user, event)


def can_issue_certificates(user: Any, event: Event, *, check_state: bool = True) -> bool:
    return can_mark_attendance(user, event, check_state=check_state)


def can_leave_feedback(user: Any, event: Event) -> bool:
    """Those who took part, once it has begun."""
    row = registration_of(user, event)
    return (
        row is not None
        and row.status == Registration.Status.CONFIRMED
        and row.attended is not False
        and event.has_started
        and not event.is_cancelled
    )


def can_attach_material(user: Any, event: Event) -> bool:
    return not event.is_cancelled and can_manage_event(user, event)


# --- Road maps ------------------------------------------------------------------------------


def can_create_road_map(user: Any) -> bool:
    """School heads, group leaders and methodists plan joint work."""
    roles = roles_of(user)
    return bool(
        roles.admin_org_ids
        or roles.district_ids
        or roles.region_ids
        or roles.is_superuser
        or group_permissions.groups_led_by(user).exists()
    )


def may_plan_for(user: Any, district: Any, organizations: Any, group: Group | None) -> bool:
    """A new road map: the district's methodists for anyone; a group's leader for the
    group; a school head for a network that includes their school."""
    roles = roles_of(user)
    if manages_area(roles, district.pk, district.region_id):
        return True
    if group is not None:
        return group_permissions.is_leader(user, group)
    return bool(roles.admin_org_ids & {org.pk for org in organizations})


def can_manage_road_map(user: Any, road_map: RoadMap) -> bool:
    """Edit lines and their status: the author, the heads of the participating schools,
    the group's leaders and the district."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = roles_of(user)
    if manages_area(roles, road_map.district_id, road_map.district.region_id):
        return True
    if road_map.created_by_id == user.pk:
        return True
    org_ids = set(road_map.organizations.values_list("pk", flat=True))
    if roles.admin_org_ids & org_ids:
        return True
    return road_map.group is not None and group_permissions.is_leader(user, road_map.group)


def can_view_road_map(user: Any, road_map: RoadMap) -> bool:
    """Road maps are the district's working plans: its staff see them."""
    roles = roles_of(user)
    return can_manage_road_map(user, road_map) or (
        is_network_staff(roles) and road_map.district_id in roles.member_district_ids
    )


def road_maps_visible_to(user: Any) -> QuerySet[RoadMap]:
    roles = roles_of(user)
    if roles.is_superuser:
        return RoadMap.objects.all()
    if not is_network_staff(roles):
        return RoadMap.objects.none()
    return RoadMap.objects.filter(
        Q(district__in=roles.member_district_ids | roles.district_ids)
        | Q(district__region__in=roles.region_ids)
        | Q(
            pk__in=RoadMap.objects.filter(group__in=group_permissions.groups_led_by(user)).values(
                "pk"
            )
        )
    )

"""Who may see and change people and organizations: the one source of truth.

Every view, API endpoint, command and task asks here. `can_<verb>` answers for one object,
`<objects>_visible_to` gives the matching queryset, so the two cannot drift (a test checks
that they agree for every persona).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from metodset.accounts.models import (
    STAFF_ROLES,
    District,
    ImportBatch,
    Membership,
    Organization,
    ParentLink,
    Role,
    User,
)

PUBLIC_PROFILE_ROLES = frozenset(
    {Role.TEACHER, Role.SCHOOL_ADMIN, Role.DISTRICT_METHODIST, Role.EXPERT, Role.REGION_METHODIST}
)


@dataclass(frozen=True)
class Roles:
    """The active roles of one person, computed once per request."""

    is_superuser: bool = False
    region_ids: frozenset[int] = field(default_factory=frozenset)  # regional methodist
    district_ids: frozenset[int] = field(default_factory=frozenset)  # district methodist
    expert_district_ids: frozenset[int] = field(default_factory=frozenset)
    admin_org_ids: frozenset[int] = field(default_factory=frozenset)  # school head
    teacher_org_ids: frozenset[int] = field(default_factory=frozenset)
    student_org_ids: frozenset[int] = field(default_factory=frozenset)
    parent_org_ids: frozenset[int] = field(default_factory=frozenset)
    child_ids: frozenset[int] = field(default_factory=frozenset)
    member_district_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def staff_org_ids(self) -> frozenset[int]:
        return self.admin_org_ids | self.teacher_org_ids

    @property
    def is_network_member(self) -> bool:
        """A signed-in member of some organization (not only a guest with an account)."""
        return bool(self.member_district_ids or self.region_ids or self.is_superuser)


def roles_of(user: Any) -> Roles:
    """The person's active roles; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Roles()
    cached = getattr(user, "_metodset_roles", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    sets: dict[str, set[int]] = {
        name: set()
        for name in (
            "region_ids",
            "district_ids",
            "expert_district_ids",
            "admin_org_ids",
            "teacher_org_ids",
            "student_org_ids",
            "parent_org_ids",
            "member_district_ids",
        )
    }
    rows = (
        Membership.objects.active()
        .filter(user=user)
        .values_list(
            "role", "organization_id", "organization__district_id", "organization__region_id"
        )
    )
    for role, org_id, district_id, region_id in rows:
        if district_id is not None:
            sets["member_district_ids"].add(district_id)
        if role == Role.REGION_METHODIST:
            sets["region_ids"].add(region_id)
        elif role == Role.DISTRICT_METHODIST and district_id is not None:
            sets["district_ids"].add(district_id)
        elif role == Role.EXPERT and district_id is not None:
            sets["expert_district_ids"].add(district_id)
        elif role == Role.SCHOOL_ADMIN:
            sets["admin_org_ids"].add(org_id)
        elif role == Role.TEACHER:
            sets["teacher_org_ids"].add(org_id)
        elif role == Role.STUDENT:
            sets["student_org_ids"].add(org_id)
        elif role == Role.PARENT:
            sets["parent_org_ids"].add(org_id)
    child_ids = frozenset(ParentLink.objects.filter(parent=user).values_list("child_id", flat=True))
    roles = Roles(
        is_superuser=user.is_superuser,
        child_ids=child_ids,
        **{name: frozenset(ids) for name, ids in sets.items()},
    )
    user._metodset_roles = roles
    return roles


def manages_area(roles: Roles, district_id: int | None, region_id: int | None) -> bool:
    """District staff of the district, regional staff of its region, or a superuser: who
    oversees what happens in a district."""
    return (
        roles.is_superuser
        or district_id in roles.district_ids
        or (region_id is not None and region_id in roles.region_ids)
    )


def is_network_staff(roles: Roles) -> bool:
    """A teacher, school head, methodist or expert: someone the network's professional work
    (groups, events, road maps) is for, as opposed to students and parents."""
    return bool(
        roles.staff_org_ids
        or roles.district_ids
        or roles.expert_district_ids
        or roles.region_ids
        or roles.is_superuser
    )


def forget_roles(user: Any) -> None:
    """Drop the cached roles after a membership of this user changed."""
    if hasattr(user, "_metodset_roles"):
        del user._metodset_roles


# --- Districts and organizations --------------------------------------------------------


def can_manage_district(user: Any, district: District) -> bool:
    roles = roles_of(user)
    return (
        roles.is_superuser
        or district.pk in roles.district_ids
        or district.region_id in roles.region_ids
    )


def districts_managed_by(user: Any) -> QuerySet[District]:
    roles = roles_of(user)
    if roles.is_superuser:
        return District.objects.all()
    return District.objects.filter(Q(pk__in=roles.district_ids) | Q(region__in=roles.region_ids))


def can_view_organization(user: Any, organization: Organization) -> bool:
    """Organization pages are public while the organization is active."""
    return organization.is_active or can_manage_organization(user, organization)


def organizations_visible_to(user: Any) -> QuerySet[Organization]:
    return Organization.objects.filter(
        Q(is_active=True) | Q(pk__in=organizations_managed_by(user).values("pk"))
    )


def can_manage_organization(user: Any, organization: Organization) -> bool:
    """Edit or deactivate the organization itself: district or regional staff."""
    roles = roles_of(user)
    return (
        roles.is_superuser
        or organization.district_id in roles.district_ids
        or organization.region_id in roles.region_ids
    )


def organizations_managed_by(user: Any) -> QuerySet[Organization]:
    roles = roles_of(user)
    if roles.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(
        Q(district__in=roles.district_ids) | Q(region__in=roles.region_ids)
    )


def can_manage_staff_of(user: Any, organization: Organization) -> bool:
    """Create and edit accounts of this organization: its head, or district/regional staff."""
    return organization.pk in roles_of(user).admin_org_ids or can_manage_organization(
        user, organization
    )


def organizations_staffed_by(user: Any) -> QuerySet[Organization]:
    """Organizations whose accounts the user manages (for forms and the import)."""
    roles = roles_of(user)
    return Organization.objects.filter(
        Q(pk__in=organizations_managed_by(user).values("pk")) | Q(pk__in=roles.admin_org_ids)
    )


def can_assign_role(user: Any, organization: Organization, role: str) -> bool:
    """School heads give school roles; only district staff make methodists, experts, heads."""
    if not can_manage_staff_of(user, organization):
        return False
    if role == Role.REGION_METHODIST:
        return roles_of(user).is_superuser or organization.region_id in roles_of(user).region_ids
    if role in {Role.DISTRICT_METHODIST, Role.EXPERT, Role.SCHOOL_ADMIN}:
        return can_manage_organization(user, organization)
    return True


# --- People -----------------------------------------------------------------------------


def _is_higher_staff(person: User) -> bool:
    return (
        person.is_superuser
        or Membership.objects.filter(
            user=person,
            role__in=[Role.DISTRICT_METHODIST, Role.REGION_METHODIST],
            status=Membership.Status.ACTIVE,
        ).exists()
    )


def can_manage_account(actor: Any, person: User) -> bool:
    """Edit, deactivate and give roles to another person's account."""
    roles = roles_of(actor)
    if not getattr(actor, "is_authenticated", False):
        return False
    if roles.is_superuser:
        return True
    if person.pk == actor.pk:
        return False  # one's own account is edited through the profile
    if person.is_superuser:
        return False
    memberships = list(
        Membership.objects.filter(user=person).values_list(
            "organization_id", "organization__district_id", "organization__region_id", "role"
        )
    )
    in_managed_district = any(
        district_id in roles.district_ids or region_id in roles.region_ids
        for _org, district_id, region_id, _role in memberships
    )
    if in_managed_district:
        holds_region_role = any(role == Role.REGION_METHODIST for *_rest, role in memberships)
        return not holds_region_role or bool(roles.region_ids)
    in_own_school = any(org_id in roles.admin_org_ids for org_id, *_rest in memberships)
    return in_own_school and not _is_higher_staff(person)


def accounts_managed_by(actor: Any) -> QuerySet[User]:
    """People whose accounts `actor` manages; agrees with can_manage_account."""
    roles = roles_of(actor)
    if roles.is_superuser:
        return User.objects.all()
    if not getattr(actor, "is_authenticated", False):
        return User.objects.none()
    district_scope = Q(memberships__organization__district__in=roles.district_ids) | Q(
        memberships__organization__region__in=roles.region_ids
    )
    region_role = Exists(Membership.objects.filter(user=OuterRef("pk"), role=Role.REGION_METHODIST))
    higher_staff = Exists(
        Membership.objects.filter(
            user=OuterRef("pk"),
            role__in=[Role.DISTRICT_METHODIST, Role.REGION_METHODIST],
            status=Membership.Status.ACTIVE,
        )
    )
    in_district = User.objects.filter(district_scope)
    if not roles.region_ids:
        in_district = in_district.exclude(region_role)
    in_school = User.objects.filter(memberships__organization__in=roles.admin_org_ids).exclude(
        higher_staff
    )
    return User.objects.filter(
        Q(pk__in=in_district.values("pk")) | Q(pk__in=in_school.values("pk")),
        is_superuser=False,
    ).exclude(pk=actor.pk)


def has_public_profile(person: User) -> bool:
    """Teachers and staff have a public page; students and parents never do."""
    return (
        person.is_active
        and Membership.objects.active().filter(user=person, role__in=PUBLIC_PROFILE_ROLES).exists()
    )


def _public_profile_q() -> Q:
    staff_role = Exists(
        Membership.objects.active().filter(user=OuterRef("pk"), role__in=PUBLIC_PROFILE_ROLES)
    )
    return Q(staff_role, is_active=True)


def can_view_person(viewer: Any, person: User) -> bool:
    """Teachers' pages are public; a student's or parent's page is seen only by the person,
    their parents, the staff of their organizations and the district (never by guests)."""
    if has_public_profile(person):
        return True
    if not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.pk == person.pk:
        return True
    roles = roles_of(viewer)
    if person.pk in roles.child_ids:
        return True
    return can_view_personal_data(viewer, person)


def people_visible_to(viewer: Any) -> QuerySet[User]:
    """Agrees with can_view_person."""
    public = User.objects.filter(_public_profile_q())
    if not getattr(viewer, "is_authenticated", False):
        return public
    roles = roles_of(viewer)
    if roles.is_superuser:
        return User.objects.all()
    private = _personal_data_q(roles) | Q(pk=viewer.pk) | Q(pk__in=roles.child_ids)
    return User.objects.filter(_public_profile_q() | private)


def _personal_data_q(roles: Roles) -> Q:
    staff_orgs = roles.staff_org_ids
    return Q(
        pk__in=Membership.objects.filter(
            Q(organization__in=staff_orgs)
            | Q(organization__district__in=roles.district_ids)
            | Q(organization__region__in=roles.region_ids)
        ).values("user_id")
    )


def personal_data_visible_to(viewer: Any) -> QuerySet[User]:
    """People whose personal data `viewer` sees; agrees with can_view_personal_data."""
    roles = roles_of(viewer)
    if roles.is_superuser:
        return User.objects.all()
    if not getattr(viewer, "is_authenticated", False):
        return User.objects.none()
    return User.objects.filter(_personal_data_q(roles) | Q(pk=viewer.pk))


def can_view_personal_data(viewer: Any, person: User) -> bool:
    """E-mail, class, parents and memberships of a person: for the person, the staff of an
    organization the person belongs to, and district or regional staff."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    roles = roles_of(viewer)
    if roles.is_superuser or viewer.pk == person.pk:
        return True
    return (
        Membership.objects.filter(user=person)
        .filter(
            Q(organization__in=roles.staff_org_ids)
            | Q(organization__district__in=roles.district_ids)
            | Q(organization__region__in=roles.region_ids)
        )
        .exists()
    )


def can_confirm_registration(actor: Any, membership: Membership) -> bool:
    return can_manage_staff_of(actor, membership.organization) and can_assign_role(
        actor, membership.organization, membership.role
    )


def users_who_can_confirm(organization: Organization) -> QuerySet[User]:
    """Told of a registration: the organization's overseers."""
    return overseers_of(organization)


def overseers_of(organization: Organization) -> QuerySet[User]:
    """Heads of the organization and methodists of its district: they decide registrations
    and moderate what the organization's people publish."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__status=Membership.Status.ACTIVE,
        )
        .filter(
            Q(memberships__organization=organization, memberships__role=Role.SCHOOL_ADMIN)
            | Q(
                memberships__organization__district=organization.district_id,
                memberships__organization__kind__is_education_authority=True,
                memberships__role=Role.DISTRICT_METHODIST,
            )
        )
        .distinct()
    )


def can_view_audit(user: Any) -> bool:
    roles = roles_of(user)
    return roles.is_superuser or bool(roles.district_ids or roles.region_ids or roles.admin_org_ids)


def is_staff_role(role: str) -> bool:
    return role in STAFF_ROLES


# --- Bulk imports of accounts: who may import, and where ----------------------------------------------------------------


@dataclass(frozen=True)
class ImportScope:
    """Where a person may import: a whole district (its staff), or one school (its head)."""

    district: District
    organization: Organization | None

    @property
    def key(self) -> str:
        return f"{self.district.pk}-{self.organization.pk if self.organization else 0}"

    @property
    def label(self) -> str:
        if self.organization is None:
            return _("все организации района «%(district)s»") % {"district": self.district.name}
        return self.organization.short_name


def import_scopes_for(actor: Any) -> list[ImportScope]:
    """District staff import into their districts; a head of school only into the school."""
    if not getattr(actor, "is_authenticated", False):
        return []
    districts = list(districts_managed_by(actor).order_by("name"))
    scopes = [ImportScope(district, None) for district in districts]
    schools = (
        Organization.objects.filter(pk__in=roles_of(actor).admin_org_ids, district__isnull=False)
        .exclude(district__in=[district.pk for district in districts])
        .select_related("district")
        .order_by("short_name")
    )
    scopes.extend(ImportScope(school.district, school) for school in schools if school.district)
    return scopes


def can_start_import(actor: Any) -> bool:
    return bool(import_scopes_for(actor))


def can_manage_import(actor: Any, batch: ImportBatch) -> bool:
    """See, confirm and cancel a batch: the person who uploaded it, or the district's staff."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return batch.uploaded_by_id == actor.pk or can_manage_district(actor, batch.district)


def imports_visible_to(actor: Any) -> QuerySet[ImportBatch]:
    """Agrees with can_manage_import."""
    if not getattr(actor, "is_authenticated", False):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(
        Q(uploaded_by=actor.pk) | Q(district__in=districts_managed_by(actor))
    )

"""Who may see, edit, publish and moderate materials: the one source of truth."""

from typing import Any

from django.db.models import Q, QuerySet

from metodset.accounts import permissions as people
from metodset.accounts.models import User
from metodset.materials.models import Material, Report


def can_create_material(user: Any) -> bool:
    """Teachers, heads, methodists and experts publish; students and parents do not."""
    roles = people.roles_of(user)
    return bool(
        roles.staff_org_ids or roles.district_ids or roles.expert_district_ids or roles.region_ids
    )


def _is_author(user: Any, material: Material) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return material.author_id == user.pk or material.coauthors.filter(pk=user.pk).exists()


def can_moderate_material(user: Any, material: Material) -> bool:
    """The district's (or region's) methodists, and the head of the author's school."""
    roles = people.roles_of(user)
    organization = material.organization
    return (
        roles.is_superuser
        or organization.district_id in roles.district_ids
        or organization.region_id in roles.region_ids
        or organization.pk in roles.admin_org_ids
    )


def can_moderate_any(user: Any) -> bool:
    """Has a moderation queue at all: district or regional staff, school heads."""
    roles = people.roles_of(user)
    return roles.is_superuser or bool(roles.district_ids or roles.region_ids or roles.admin_org_ids)


def can_view_material(user: Any, material: Material) -> bool:
    if _is_author(user, material) or can_moderate_material(user, material):
        return True
    if material.status != Material.Status.PUBLISHED:
        return False
    if material.visibility == Material.Visibility.PUBLIC:
        return True
    return people.roles_of(user).is_network_member


def sees_network_materials(user: Any) -> bool:
    """Members of the network read network-only materials; guests, students and parents
    read the public ones."""
    return people.roles_of(user).is_network_member


def published_visible_to(user: Any) -> QuerySet[Material]:
    """The published materials the user may read (agrees with can_view_material for
    published ones): the catalogue, without the OR of one's own drafts that would keep
    the database from walking its index."""
    published = Material.objects.filter(status=Material.Status.PUBLISHED)
    if not people.roles_of(user).is_network_member:
        published = published.filter(visibility=Material.Visibility.PUBLIC)
    return published


def materials_visible_to(user: Any) -> QuerySet[Material]:
    """Agrees with can_view_material."""
    roles = people.roles_of(user)
    published = Q(status=Material.Status.PUBLISHED)
    if not roles.is_network_member:
        published &= Q(visibility=Material.Visibility.PUBLIC)
    if not getattr(user, "is_authenticated", False):
        return Material.objects.filter(published)
    if roles.is_superuser:
        return Material.objects.all()
    own = Q(author=user.pk) | Q(coauthors=user.pk)
    moderated = (
        Q(organization__district__in=roles.district_ids)
        | Q(organization__region__in=roles.region_ids)
        | Q(organization__in=roles.admin_org_ids)
    )
    ids = Material.objects.filter(own | moderated).values("pk")
    return Material.objects.filter(published | Q(pk__in=ids))


def can_edit_material(user: Any, material: Material) -> bool:
    """Authors and co-authors edit; a hidden material too, so that they can fix it."""
    return _is_author(user, material)


def can_publish_material(user: Any, material: Material) -> bool:
    return getattr(user, "is_authenticated", False) and material.author_id == user.pk


def can_comment(user: Any, material: Material) -> bool:
    """Signed-in members of the network discuss published materials they can see."""
    return (
        people.roles_of(user).is_network_member
        and material.status == Material.Status.PUBLISHED
        and can_view_material(user, material)
    )


def can_rate(user: Any, material: Material, *, check_state: bool = True) -> bool:
    """Once per person, never one's own material."""
    if not people.roles_of(user).is_network_member or _is_author(user, material):
        return False
    return not check_state or (
        material.status == Material.Status.PUBLISHED and can_view_material(user, material)
    )


def can_remove_comment(user: Any, comment: Any) -> bool:
    return (
        getattr(user, "is_authenticated", False) and comment.author_id == user.pk
    ) or can_moderate_material(user, comment.material)


def can_report(user: Any, material: Material) -> bool:
    return (
        people.roles_of(user).is_network_member
        and not _is_author(user, material)
        and can_view_material(user, material)
    )


def reports_visible_to(user: Any) -> QuerySet[Report]:
    """The moderation queue: signals about materials the user moderates."""
    roles = people.roles_of(user)
    if roles.is_superuser:
        return Report.objects.all()
    return Report.objects.filter(
        Q(material__organization__district__in=roles.district_ids)
        | Q(material__organization__region__in=roles.region_ids)
        | Q(material__organization__in=roles.admin_org_ids)
    )


def users_who_can_moderate(material: Material) -> QuerySet[User]:
    """Told of a near copy or a complaint: the overseers of the author's organization."""
    return people.overseers_of(material.organization)

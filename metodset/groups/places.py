"""Groups as places a material is published into (see materials.places): the material form
offers the author's groups, the material page names the groups it was published in."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.core.exceptions import DomainError
from metodset.groups import permissions, services
from metodset.groups.models import Group, GroupMember
from metodset.materials import places


def _place(group: Group) -> places.Place:
    return places.Place(
        key=f"group:{group.pk}",
        title=f"{group.kind.short} «{group.title}»",
        url=group.get_absolute_url(),
    )


def offered_to(user: Any) -> list[places.Place]:
    if not getattr(user, "is_authenticated", False):
        return []
    groups = (
        Group.objects.active()
        .filter(
            members__user=user,
            members__status=GroupMember.Status.ACTIVE,
        )
        .select_related("kind")
        .order_by("title")
    )
    return [_place(group) for group in groups]


def of_material(viewer: Any, material: Any) -> list[places.Place]:
    groups = (
        permissions.groups_visible_to(viewer)
        .filter(material_links__material=material)
        .select_related("kind")
        .distinct()
    )
    return [_place(group) for group in groups]


def attach(*, actor: Any, material: Any, ident: int) -> None:
    group = Group.objects.select_related("kind", "district").filter(pk=ident).first()
    if group is None or not permissions.can_view_group(actor, group):
        raise DomainError(_("Такой группы нет. Выберите группу из списка."))
    services.add_material(actor=actor, group=group, material=material)


places.register(
    places.PlaceKind(
        code="group",
        label=gettext_lazy("Мои объединения"),
        offered_to=offered_to,
        of_material=of_material,
        attach=attach,
    )
)

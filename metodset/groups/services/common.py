"""Shared by the groups' services: notification kinds, audit labels, small helpers."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts.models import Membership, Organization, Role, User
from metodset.accounts.permissions import roles_of
from metodset.core import audit
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.groups.models import (
    Group,
    NewsItem,
    ProblemGroupApplication,
)
from metodset.materials.models import Material
from metodset.notifications import kinds

APPLICATION_NEWS = kinds.register(
    "groups.application", gettext_lazy("Заявления о создании РПГ: участие, решения отдела")
)
APPLICATION_QUEUE = kinds.register(
    "groups.queue",
    gettext_lazy("Новые заявления о создании РПГ и напоминания о сроке (для методистов)"),
)
MEMBERSHIP_NEWS = kinds.register(
    "groups.membership", gettext_lazy("Приглашения в объединения и заявки на вступление")
)
DISCUSSION_NEWS = kinds.register(
    "groups.discussion",
    gettext_lazy("Новые сообщения в обсуждениях моих объединений"),
    email_by_default=False,
)

audit.register_actions(
    {
        "group_application.submitted": gettext_lazy("Заявление о создании РПГ подано"),
        "group_application.updated": gettext_lazy("Заявление о создании РПГ изменено"),
        "group_application.consent": gettext_lazy("Ответ участника на заявление РПГ"),
        "group_application.approved": gettext_lazy("Заявление о создании РПГ одобрено"),
        "group_application.rejected": gettext_lazy("Заявление о создании РПГ отклонено"),
        "group_application.withdrawn": gettext_lazy("Заявление о создании РПГ отозвано"),
        "group.created": gettext_lazy("Объединение создано"),
        "group.updated": gettext_lazy("Объединение изменено"),
        "group.leader": gettext_lazy("Назначен руководитель объединения"),
        "group.member": gettext_lazy("Состав объединения изменён"),
        "group.order": gettext_lazy("Загружен подписанный приказ"),
        "group.closed": gettext_lazy("Объединение завершило работу"),
    }
)

# Materials that can be an РПГ's product or be published into a group.
PUBLISHED = Material.Status.PUBLISHED


def _deny() -> PermissionDeniedError:
    return PermissionDeniedError(_("У вас нет прав на это действие."))


def shown_name(person: User) -> str:
    """A name for the group's feed, which anyone who sees the group reads: students are
    minors and are never named there."""
    roles = roles_of(person)
    if roles.student_org_ids and not (roles.staff_org_ids or roles.district_ids):
        return str(_("Обучающийся"))
    return person.short_name


def _news(group: Group, actor: Any, text: str, url: str = "") -> None:
    NewsItem.objects.create(group=group, actor=actor, text=text[:500], url=url)


def organization_of(person: User) -> Organization | None:
    """The organization a person represents: a school first, then the department."""
    membership = (
        Membership.objects.active()
        .filter(
            user=person,
            role__in=[Role.TEACHER, Role.SCHOOL_ADMIN, Role.DISTRICT_METHODIST, Role.EXPERT],
        )
        .select_related("organization__kind")
        .order_by("organization__kind__is_education_authority", "created_at")
        .first()
    )
    return membership.organization if membership else None


def check_different_organizations(organization_ids: Iterable[int | None]) -> None:
    """An РПГ unites teachers of two or more different organizations (`002_…` §1.3)."""
    if len({pk for pk in organization_ids if pk is not None}) < 2:
        raise DomainError(
            _(
                "В районной проблемной группе должны быть педагоги не менее чем двух разных "
                "образовательных организаций."
            )
        )


def _lock(application: ProblemGroupApplication) -> ProblemGroupApplication:
    """The row, locked until the end of the transaction: two methodists deciding at once
    (or a decision racing a withdrawal) are serialized here."""
    return ProblemGroupApplication.objects.select_for_update().get(pk=application.pk)


def _move(application: ProblemGroupApplication, to: str) -> str:
    was = application.status
    if to not in ProblemGroupApplication.TRANSITIONS[was]:
        raise DomainError(
            _("Заявление в состоянии «%(state)s» нельзя перевести в это состояние.")
            % {"state": application.get_status_display()}
        )
    application.status = to
    return was


# --- Applications -------------------------------------------------------------------------

"""Giving a test to classes of one or several schools in a window of time."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts.models import Membership, Organization, Role, User
from metodset.core import audit
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.groups import permissions as group_permissions
from metodset.groups.models import Group, GroupMember
from metodset.notifications import kinds
from metodset.notifications.services import notify
from metodset.testing import access
from metodset.testing.models import Attempt, Quiz, Sitting, SittingTarget, normalize_class
from metodset.testing.services.attempts import deadline_for

audit.register_actions(
    {
        "testing.sitting_created": gettext_lazy("Тест назначен классам"),
        "testing.sitting_changed": gettext_lazy("Тестирование изменено"),
        "testing.sitting_cancelled": gettext_lazy("Тестирование отменено"),
    }
)

TESTS_NEWS = kinds.register("testing.news", gettext_lazy("Тесты: назначения и результаты"))

MAX_WINDOW = datetime.timedelta(days=62)


def _check_window(opens_at: datetime.datetime, closes_at: datetime.datetime) -> None:
    if closes_at <= opens_at:
        raise DomainError(_("Тестирование должно закрываться позже, чем открывается."))
    if closes_at - opens_at > MAX_WINDOW:
        raise DomainError(_("Тестирование может быть открыто не дольше двух месяцев."))


def _clean_targets(
    actor: Any, classes: Iterable[tuple[Organization, str]], groups: Iterable[Group]
) -> tuple[list[tuple[Organization, str]], list[Group]]:
    cleaned: dict[tuple[int, str], tuple[Organization, str]] = {}
    for organization, name in classes:
        student_class = normalize_class(name)
        if not student_class or len(student_class) > 10:
            raise DomainError(
                _("Укажите класс так: «7Б», или «7» — вся параллель (%(school)s).")
                % {"school": organization.short_name}
            )
        if not access.can_assign_organization(actor, organization):
            raise PermissionDeniedError(
                _("Назначать тесты классам «%(school)s» вы не можете.")
                % {"school": organization.short_name}
            )
        cleaned[(organization.pk, student_class)] = (organization, student_class)
    chosen_groups = list({group.pk: group for group in groups}.values())
    for group in chosen_groups:
        if not group_permissions.can_manage_group(actor, group):
            raise PermissionDeniedError(
                _("Назначать тесты объединению «%(group)s» может его руководитель.")
                % {"group": group.title}
            )
    if not cleaned and not chosen_groups:
        raise DomainError(_("Выберите хотя бы один класс или объединение."))
    return list(cleaned.values()), chosen_groups


def _district_of(classes: list[tuple[Organization, str]], groups: list[Group]) -> Any:
    """Whose clock the window is read by: the first school's district (or the group's)."""
    district = classes[0][0].district if classes else groups[0].district
    if district is None:
        raise DomainError(_("У организации не указан район: тестированию не по чему вести время."))
    return district


def _write_targets(
    sitting: Sitting, classes: list[tuple[Organization, str]], groups: list[Group]
) -> None:
    getattr(sitting, "_prefetched_objects_cache", {}).pop("targets", None)
    sitting.targets.all().delete()
    SittingTarget.objects.bulk_create(
        [
            SittingTarget(sitting=sitting, organization=organization, student_class=name)
            for organization, name in classes
        ]
        + [SittingTarget(sitting=sitting, group=group) for group in groups]
    )


def create_sitting(
    *,
    actor: Any,
    quiz: Quiz,
    title: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    classes: Iterable[tuple[Organization, str]] = (),
    groups: Iterable[Group] = (),
) -> Sitting:
    """Assign the test; every student it is given to is told, with the window."""
    if not access.can_assign_quiz(actor, quiz):
        raise PermissionDeniedError(_("Этот тест вам недоступен."))
    if not quiz.slots.exists():
        raise DomainError(_("В тесте нет ни одного вопроса: добавьте вопросы, потом назначайте."))
    _check_window(opens_at, closes_at)
    if closes_at <= timezone.now():
        raise DomainError(_("Время закрытия уже прошло."))
    chosen_classes, chosen_groups = _clean_targets(actor, classes, groups)
    with transaction.atomic():
        sitting = Sitting.objects.create(
            title=(title or quiz.title).strip()[:255],
            quiz=quiz,
            created_by=actor,
            district=_district_of(chosen_classes, chosen_groups),
            opens_at=opens_at,
            closes_at=closes_at,
        )
        _write_targets(sitting, chosen_classes, chosen_groups)
        audit.record(
            actor=actor,
            action="testing.sitting_created",
            target=sitting,
            comment=describe_targets(sitting),
            district_id=sitting.district_id,
        )
        _tell_students(actor, sitting, _("Вам назначен тест: %(title)s"))
    return sitting


def update_sitting(
    *,
    actor: Any,
    sitting: Sitting,
    title: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    classes: Iterable[tuple[Organization, str]] = (),
    groups: Iterable[Group] = (),
) -> Sitting:
    """Change the window or who takes it. Once someone has started, the opening stays and
    no one is removed (their attempts would lose their sitting); the closing may move."""
    if not access.can_manage_sitting(actor, sitting):
        raise PermissionDeniedError(_("Изменять тестирование может тот, кто его назначил."))
    if sitting.is_cancelled:
        raise DomainError(_("Тестирование отменено."))
    _check_window(opens_at, closes_at)
    chosen_classes, chosen_groups = _clean_targets(actor, classes, groups)
    started = sitting.attempts.exists()
    if started and opens_at != sitting.opens_at:
        raise DomainError(_("Тестирование уже начали: время открытия менять нельзя."))
    if started:
        kept = {(t.organization_id, t.student_class, t.group_id) for t in sitting.targets.all()}
        new = {(o.pk, c, None) for o, c in chosen_classes} | {
            (None, "", g.pk) for g in chosen_groups
        }
        if not kept <= new:
            raise DomainError(
                _("Тестирование уже начали: классы можно только добавлять, не убирать.")
            )
    with transaction.atomic():
        before = {
            "title": sitting.title,
            "opens_at": sitting.opens_at,
            "closes_at": sitting.closes_at,
        }
        old_targets = describe_targets(sitting)
        sitting.title = title.strip()[:255] or sitting.quiz.title
        sitting.opens_at, sitting.closes_at = opens_at, closes_at
        sitting.save(update_fields=["title", "opens_at", "closes_at", "updated_at"])
        if closes_at != before["closes_at"]:
            _move_deadlines(sitting)
        _write_targets(sitting, chosen_classes, chosen_groups)
        changes = audit.model_changes(sitting, before, ["title", "opens_at", "closes_at"])
        if describe_targets(sitting) != old_targets:
            changes["targets"] = [old_targets, describe_targets(sitting)]
        audit.record(
            actor=actor,
            action="testing.sitting_changed",
            target=sitting,
            changes=changes,
            district_id=sitting.district_id,
        )
        if changes.keys() & {"opens_at", "closes_at", "targets"}:
            _tell_students(actor, sitting, _("Изменилось время теста: %(title)s"))
    return sitting


def _move_deadlines(sitting: Sitting) -> None:
    """Attempts in progress keep their time limit but follow a moved closing."""
    for attempt in sitting.attempts.filter(status=Attempt.Status.IN_PROGRESS):
        deadline = deadline_for(sitting, attempt.started_at)
        if deadline != attempt.deadline_at:
            attempt.deadline_at = deadline
            attempt.save(update_fields=["deadline_at"])


def cancel_sitting(*, actor: Any, sitting: Sitting, reason: str) -> Sitting:
    if not access.can_cancel_sitting(actor, sitting, check_state=False):
        raise PermissionDeniedError(_("Отменить тестирование может тот, кто его назначил."))
    if not reason.strip():
        raise DomainError(_("Укажите причину отмены: её увидят обучающиеся."))
    if sitting.is_cancelled:
        raise DomainError(_("Тестирование уже отменено."))
    if sitting.attempts.filter(status=Attempt.Status.FINISHED).exists():
        raise DomainError(_("Тест уже сдавали: отменить тестирование с результатами нельзя."))
    with transaction.atomic():
        sitting.is_cancelled = True
        sitting.cancel_reason = reason.strip()
        sitting.save(update_fields=["is_cancelled", "cancel_reason", "updated_at"])
        audit.record(
            actor=actor,
            action="testing.sitting_cancelled",
            target=sitting,
            comment=sitting.cancel_reason,
            district_id=sitting.district_id,
        )
        _tell_students(actor, sitting, _("Тест отменён: %(title)s"), body=sitting.cancel_reason)
    return sitting


def describe_targets(sitting: Sitting) -> str:
    """«5А, 5Б (СОШ №28); 5 (гимназия №4); РПГ „Олимпиадники“»."""
    by_school: dict[str, list[str]] = {}
    groups: list[str] = []
    # A list of sittings prefetches their targets (with schools and groups): no query here.
    prefetched = "targets" in getattr(sitting, "_prefetched_objects_cache", {})
    targets = (
        sitting.targets.all()
        if prefetched
        else sitting.targets.select_related("organization", "group")
    )
    for target in targets:
        if target.group is not None:
            groups.append(target.group.title)
        elif target.organization is not None:
            by_school.setdefault(target.organization.short_name, []).append(target.student_class)
    parts = [f"{', '.join(sorted(classes))} ({school})" for school, classes in by_school.items()]
    return "; ".join(parts + groups)


def students_of_sitting(sitting: Sitting) -> list[tuple[User, Membership]]:
    """Everyone the test is given to, with the membership that makes it so (school, class),
    ordered by school, class and name."""
    targets = list(sitting.targets.all())
    org_ids = {t.organization_id for t in targets if t.organization_id is not None}
    group_ids = [t.group_id for t in targets if t.group_id is not None]
    memberships = (
        Membership.objects.active()
        .filter(role=Role.STUDENT, user__is_active=True)
        .select_related("user", "organization")
    )
    found: dict[int, tuple[User, Membership]] = {}
    for membership in memberships.filter(organization__in=org_ids):
        if any(
            target.organization_id == membership.organization_id
            and access.class_matches(target.student_class, membership.student_class)
            for target in targets
            if target.group_id is None
        ):
            found.setdefault(membership.user_id, (membership.user, membership))
    if group_ids:
        members = GroupMember.objects.filter(
            group__in=group_ids, status=GroupMember.Status.ACTIVE
        ).values_list("user_id", flat=True)
        for membership in memberships.filter(user__in=members):
            found.setdefault(membership.user_id, (membership.user, membership))
    return sorted(
        found.values(),
        key=lambda pair: (
            pair[1].organization.short_name,
            normalize_class(pair[1].student_class),
            pair[0].last_name,
            pair[0].first_name,
        ),
    )


def _tell_students(actor: Any, sitting: Sitting, title: str, body: str = "") -> None:
    students = [user for user, _membership in students_of_sitting(sitting)]
    if not students:
        return
    zone = sitting.district.zone
    window = _("%(opens)s — %(closes)s") % {
        "opens": timezone.localtime(sitting.opens_at, zone).strftime("%d.%m.%Y %H:%M"),
        "closes": timezone.localtime(sitting.closes_at, zone).strftime("%d.%m.%Y %H:%M"),
    }
    notify(
        recipients=students,
        kind=TESTS_NEWS.code,
        title=title % {"title": sitting.title},
        body=body or window,
        url=sitting.get_absolute_url(),
        actor=actor,
    )

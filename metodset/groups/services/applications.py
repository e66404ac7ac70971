"""РПГ applications (`002_…` §3.1–3.2): submit, agree, approve by an order, reject with
reasons, resubmit, withdraw, and the reminder of the seven-day term."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.accounts.models import Organization, Subject, User
from metodset.accounts.permissions import roles_of
from metodset.core import audit
from metodset.core.exceptions import DomainError
from metodset.groups import deadlines, permissions
from metodset.groups.models import (
    ApplicationParticipant,
    Group,
    GroupKind,
    GroupMember,
    ProblemGroupApplication,
)
from metodset.groups.services.common import (
    APPLICATION_NEWS,
    APPLICATION_QUEUE,
    _deny,
    _lock,
    _move,
    _news,
    check_different_organizations,
    organization_of,
)
from metodset.notifications.services import notify


def _applicant_organization(actor: User, on_behalf_of: Organization | None) -> Organization:
    """The teacher's school, a head's school or the department the methodist works in."""
    roles = roles_of(actor)
    if on_behalf_of is not None:
        allowed = on_behalf_of.pk in roles.staff_org_ids or (
            on_behalf_of.kind.is_education_authority
            and on_behalf_of.district_id in roles.district_ids
        )
        if not allowed:
            raise DomainError(_("Подать заявление можно только от своей организации."))
        return on_behalf_of
    organization = organization_of(actor)
    if organization is None or organization.district_id is None:
        raise DomainError(_("Подать заявление могут педагоги и методисты организаций района."))
    return organization


def _set_participants(
    application: ProblemGroupApplication, people: Iterable[User], *, applicant_takes_part: bool
) -> None:
    """Keep the consent of those who stay, ask the new ones, drop the removed."""
    wanted: dict[int, User] = {person.pk: person for person in people}
    if applicant_takes_part:
        wanted[application.applicant_id] = application.applicant
    district = application.district
    for person in wanted.values():
        if not permissions.may_participate(person, district.pk, district.region_id):
            raise DomainError(
                _("%(name)s не работает в организациях района и не может быть участником РПГ.")
                % {"name": person.full_name}
            )
    application.participants.exclude(user_id__in=wanted).delete()
    existing = set(application.participants.values_list("user_id", flat=True))
    for pk, person in wanted.items():
        if pk in existing:
            continue
        organization = organization_of(person)
        if organization is None:
            raise DomainError(
                _("%(name)s не работает в организациях района.") % {"name": person.full_name}
            )
        ApplicationParticipant.objects.create(
            application=application,
            user=person,
            organization=organization,
            # The applicant agrees by applying.
            consent=(
                ApplicationParticipant.Consent.AGREED
                if pk == application.applicant_id
                else ApplicationParticipant.Consent.PENDING
            ),
            answered_at=timezone.now() if pk == application.applicant_id else None,
        )


def _check_composition(application: ProblemGroupApplication) -> None:
    rows = list(application.participants.all())
    check_different_organizations(row.organization_id for row in rows)
    if application.proposed_leader_id not in {row.user_id for row in rows}:
        raise DomainError(_("Руководитель группы выбирается из её участников."))


def _check_term(starts_on: datetime.date, ends_on: datetime.date) -> None:
    if ends_on <= starts_on:
        raise DomainError(_("Срок работы должен кончаться позже, чем начинается."))


def _ask_consent(application: ProblemGroupApplication, actor: User) -> None:
    pending = User.objects.filter(
        problem_group_invites__application=application,
        problem_group_invites__consent=ApplicationParticipant.Consent.PENDING,
    )
    notify(
        recipients=pending,
        kind=APPLICATION_NEWS.code,
        title=_("Вас приглашают в районную проблемную группу «%(title)s»")
        % {"title": application.title},
        body=_("Подтвердите согласие участвовать или откажитесь; участие добровольное."),
        url=application.get_absolute_url(),
        actor=actor,
    )


def _forward_if_ready(application: ProblemGroupApplication, *, actor: Any) -> bool:
    """Send the application to the department once every participant has agreed."""
    if application.status != ProblemGroupApplication.Status.AWAITING_CONSENT:
        return False
    consents = set(application.participants.values_list("consent", flat=True))
    if consents != {ApplicationParticipant.Consent.AGREED}:
        return False
    _check_composition(application)
    was = _move(application, ProblemGroupApplication.Status.SUBMITTED)
    application.submitted_at = timezone.now()
    application.submission_count = F("submission_count") + 1
    application.reminded_at = None
    application.save(
        update_fields=["status", "submitted_at", "submission_count", "reminded_at", "updated_at"]
    )
    application.refresh_from_db(fields=["submission_count"])
    due = deadlines.decision_due(application.submitted_at)
    audit.record(
        actor=actor,
        action="group_application.submitted",
        target=application,
        from_state=was,
        to_state=application.status,
        comment=_("Срок решения — до %(due)s включительно.") % {"due": due.strftime("%d.%m.%Y")},
        district_id=application.district_id,
    )
    notify(
        recipients=permissions.district_methodists(application.district_id),
        kind=APPLICATION_QUEUE.code,
        title=_("Новое заявление о создании РПГ: «%(title)s»") % {"title": application.title},
        body=_("Решение нужно принять до %(due)s включительно.")
        % {"due": due.strftime("%d.%m.%Y")},
        url=application.get_absolute_url(),
        actor=actor,
    )
    notify(
        recipients=[application.applicant],
        kind=APPLICATION_NEWS.code,
        title=_("Заявление «%(title)s» передано в отдел образования")
        % {"title": application.title},
        body=_("Все участники согласились. Отдел рассмотрит заявление до %(due)s.")
        % {"due": due.strftime("%d.%m.%Y")},
        url=application.get_absolute_url(),
    )
    return True


def submit_application(
    *,
    actor: User,
    title: str,
    problem: str,
    expected_result: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    participants: Iterable[User],
    proposed_leader: User,
    goals: str = "",
    subject: Subject | None = None,
    on_behalf_of: Organization | None = None,
    applicant_takes_part: bool = True,
    kind: GroupKind | None = None,
) -> ProblemGroupApplication:
    """A new application (§3.1). It goes to the department as soon as every participant
    agrees; until then the participants are asked."""
    if not permissions.can_apply(actor):
        raise _deny()
    if not title.strip() or not problem.strip() or not expected_result.strip():
        raise DomainError(
            _("Укажите название группы, проблему и предполагаемый результат (продукт).")
        )
    _check_term(starts_on, ends_on)
    organization = _applicant_organization(actor, on_behalf_of)
    kind = kind or GroupKind.objects.filter(founding=GroupKind.Founding.APPLICATION).first()
    if kind is None or kind.founding != GroupKind.Founding.APPLICATION:
        raise DomainError(_("Этот вид объединения создаётся не по заявлению."))
    if organization.district_id is None:
        raise DomainError(_("Подать заявление могут педагоги и методисты организаций района."))
    with transaction.atomic():
        application = ProblemGroupApplication.objects.create(
            kind=kind,
            district_id=organization.district_id,
            applicant=actor,
            applicant_organization=organization,
            title=title.strip(),
            subject=subject,
            problem=problem.strip(),
            goals=goals.strip(),
            expected_result=expected_result.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            proposed_leader=proposed_leader,
        )
        _set_participants(application, participants, applicant_takes_part=applicant_takes_part)
        _check_composition(application)
        audit.record(
            actor=actor,
            action="group_application.updated",
            target=application,
            to_state=application.status,
            comment=_("Заявление составлено."),
            district_id=application.district_id,
        )
        if not _forward_if_ready(application, actor=actor):
            _ask_consent(application, actor)
    return application


def update_application(
    *,
    actor: User,
    application: ProblemGroupApplication,
    title: str,
    problem: str,
    expected_result: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    participants: Iterable[User],
    proposed_leader: User,
    goals: str = "",
    subject: Subject | None = None,
    applicant_takes_part: bool | None = None,
) -> ProblemGroupApplication:
    """Edit an application that waits for consent or was rejected (then resubmit it).
    Unless `applicant_takes_part` says otherwise, the applicant stays in or out of the
    composition as before (the department's application does not make its methodist a
    participant)."""
    if not permissions.can_edit_application(actor, application, check_state=False):
        raise _deny()
    _check_term(starts_on, ends_on)
    with transaction.atomic():
        application = _lock(application)
        if not application.is_editable:
            raise DomainError(
                _("Заявление на рассмотрении или решение уже принято: его не изменить.")
            )
        application.title = title.strip()
        application.problem = problem.strip()
        application.goals = goals.strip()
        application.expected_result = expected_result.strip()
        application.starts_on = starts_on
        application.ends_on = ends_on
        application.subject = subject
        application.proposed_leader = proposed_leader
        application.save()
        if applicant_takes_part is None:
            applicant_takes_part = application.participants.filter(
                user_id=application.applicant_id
            ).exists()
        _set_participants(application, participants, applicant_takes_part=applicant_takes_part)
        _check_composition(application)
        audit.record(
            actor=actor,
            action="group_application.updated",
            target=application,
            from_state=application.status,
            to_state=application.status,
            district_id=application.district_id,
        )
        waiting = application.status == ProblemGroupApplication.Status.AWAITING_CONSENT
        if waiting and not _forward_if_ready(application, actor=actor):
            _ask_consent(application, actor)
    return application


def resubmit_application(
    *, actor: User, application: ProblemGroupApplication
) -> ProblemGroupApplication:
    """After a rejection, send the (edited) application again: a new seven-day term."""
    if not permissions.can_edit_application(actor, application, check_state=False):
        raise _deny()
    with transaction.atomic():
        application = _lock(application)
        if application.status != ProblemGroupApplication.Status.REJECTED:
            raise DomainError(_("Повторно подать можно только отклонённое заявление."))
        _check_composition(application)
        was = _move(application, ProblemGroupApplication.Status.AWAITING_CONSENT)
        # The refusal stays in the history (audit); the application itself is open again.
        application.rejection_reasons = ""
        application.decided_at = None
        application.decided_by = None
        application.save(
            update_fields=["status", "rejection_reasons", "decided_at", "decided_by", "updated_at"]
        )
        audit.record(
            actor=actor,
            action="group_application.updated",
            target=application,
            from_state=was,
            to_state=application.status,
            comment=_("Подано повторно."),
            district_id=application.district_id,
        )
        if not _forward_if_ready(application, actor=actor):
            _ask_consent(application, actor)
    return application


def answer_participation(
    *, actor: User, application: ProblemGroupApplication, agree: bool, comment: str = ""
) -> ApplicationParticipant:
    """A participant agrees or declines (§4.3: participation is voluntary). A refusal after
    submission returns the application to its applicant."""
    participant = application.participants.filter(user=actor).first()
    if participant is None or not permissions.can_answer_participation(
        actor, participant, check_state=False
    ):
        raise _deny()
    with transaction.atomic():
        application = _lock(application)
        participant = application.participants.select_for_update().get(pk=participant.pk)
        if not permissions.can_answer_participation(actor, participant):
            raise DomainError(_("По этому заявлению решение уже принято или оно отозвано."))
        if participant.user_id == application.applicant_id and not agree:
            raise DomainError(
                _(
                    "Заявитель не может отказаться от своего заявления — отзовите его или измените состав."
                )
            )
        was = participant.consent
        participant.consent = (
            ApplicationParticipant.Consent.AGREED
            if agree
            else ApplicationParticipant.Consent.DECLINED
        )
        participant.comment = comment.strip()
        participant.answered_at = timezone.now()
        participant.save(update_fields=["consent", "comment", "answered_at"])
        if not agree and application.status == ProblemGroupApplication.Status.SUBMITTED:
            _move(application, ProblemGroupApplication.Status.AWAITING_CONSENT)
            application.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="group_application.consent",
            target=application,
            from_state=was,
            to_state=participant.consent,
            comment=participant.comment,
            district_id=application.district_id,
        )
        if agree:
            text = _("%(name)s согласен участвовать в РПГ «%(title)s»")
        else:
            text = _("%(name)s отказался участвовать в РПГ «%(title)s»")
        notify(
            recipients=[application.applicant],
            kind=APPLICATION_NEWS.code,
            title=text % {"name": actor.short_name, "title": application.title},
            body=participant.comment
            or (
                ""
                if agree
                else _("Измените состав группы: уберите участника или пригласите другого.")
            ),
            url=application.get_absolute_url(),
            actor=actor,
        )
        _forward_if_ready(application, actor=actor)
    return participant


def withdraw_application(
    *, actor: User, application: ProblemGroupApplication
) -> ProblemGroupApplication:
    if application.applicant_id != actor.pk:
        raise _deny()
    with transaction.atomic():
        application = _lock(application)
        was = _move(application, ProblemGroupApplication.Status.WITHDRAWN)
        application.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="group_application.withdrawn",
            target=application,
            from_state=was,
            to_state=application.status,
            district_id=application.district_id,
        )
        told = [row.user for row in application.participants.select_related("user")]
        if was == ProblemGroupApplication.Status.SUBMITTED:
            told += list(permissions.district_methodists(application.district_id))
        notify(
            recipients=told,
            kind=APPLICATION_NEWS.code,
            title=_("Заявление «%(title)s» отозвано заявителем") % {"title": application.title},
            url=application.get_absolute_url(),
            actor=actor,
        )
    return application


def approve_application(
    *,
    actor: User,
    application: ProblemGroupApplication,
    order_number: str,
    order_date: datetime.date,
) -> Group:
    """The department approves by an order (приказ): the group is created with the
    participants who agreed, the proposed leader leads it."""
    if not permissions.can_decide_application(actor, application, check_state=False):
        raise _deny()
    if not order_number.strip():
        raise DomainError(_("Укажите номер приказа о создании группы."))
    with transaction.atomic():
        application = _lock(application)
        if application.status != ProblemGroupApplication.Status.SUBMITTED:
            raise DomainError(
                _("Решение по заявлению уже принято или оно не подано: сейчас оно «%(state)s».")
                % {"state": application.get_status_display()}
            )
        rows = list(
            application.participants.filter(
                consent=ApplicationParticipant.Consent.AGREED
            ).select_related("user")
        )
        check_different_organizations(row.organization_id for row in rows)
        if application.proposed_leader_id not in {row.user_id for row in rows}:
            raise DomainError(
                _("Руководитель группы выбирается из участников, согласившихся в ней работать.")
            )
        group = Group.objects.create(
            kind=application.kind,
            district=application.district,
            title=application.title,
            subject=application.subject,
            problem=application.problem,
            goals=application.goals,
            expected_result=application.expected_result,
            starts_on=application.starts_on,
            ends_on=application.ends_on,
            visibility=Group.Visibility.PUBLIC,
            joining=Group.Joining.REQUEST,
            order_number=order_number.strip(),
            order_date=order_date,
            created_by=actor,
        )
        now = timezone.now()
        GroupMember.objects.bulk_create(
            GroupMember(
                group=group,
                user=row.user,
                organization_id=row.organization_id,
                role=(
                    GroupMember.Role.LEADER
                    if row.user_id == application.proposed_leader_id
                    else GroupMember.Role.MEMBER
                ),
                status=GroupMember.Status.ACTIVE,
                joined_at=now,
            )
            for row in rows
        )
        was = _move(application, ProblemGroupApplication.Status.APPROVED)
        application.order_number = order_number.strip()
        application.order_date = order_date
        application.decided_at = now
        application.decided_by = actor
        application.group = group
        application.save(
            update_fields=[
                "status",
                "order_number",
                "order_date",
                "decided_at",
                "decided_by",
                "group",
                "updated_at",
            ]
        )
        comment = _("Приказ № %(number)s от %(date)s.") % {
            "number": application.order_number,
            "date": order_date.strftime("%d.%m.%Y"),
        }
        audit.record(
            actor=actor,
            action="group_application.approved",
            target=application,
            from_state=was,
            to_state=application.status,
            comment=comment,
            district_id=application.district_id,
        )
        audit.record(
            actor=actor,
            action="group.created",
            target=group,
            comment=comment,
            district_id=group.district_id,
        )
        _news(
            group,
            actor,
            _("Группа создана приказом № %(number)s от %(date)s")
            % {"number": group.order_number, "date": order_date.strftime("%d.%m.%Y")},
        )
        notify(
            recipients=[row.user for row in rows] + [application.applicant],
            kind=APPLICATION_NEWS.code,
            title=_("Районная проблемная группа «%(title)s» создана") % {"title": group.title},
            body=comment,
            url=group.get_absolute_url(),
            actor=actor,
        )
    return group


def reject_application(
    *, actor: User, application: ProblemGroupApplication, reasons: str
) -> ProblemGroupApplication:
    """A rejection always carries its reasons (§3.2: «мотивируя принятое решение»)."""
    if not permissions.can_decide_application(actor, application, check_state=False):
        raise _deny()
    if not reasons.strip():
        raise DomainError(_("Укажите причины отказа: заявитель должен их знать."))
    with transaction.atomic():
        application = _lock(application)
        if application.status != ProblemGroupApplication.Status.SUBMITTED:
            raise DomainError(
                _("Решение по заявлению уже принято или оно не подано: сейчас оно «%(state)s».")
                % {"state": application.get_status_display()}
            )
        was = _move(application, ProblemGroupApplication.Status.REJECTED)
        application.rejection_reasons = reasons.strip()
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.save(
            update_fields=["status", "rejection_reasons", "decided_at", "decided_by", "updated_at"]
        )
        audit.record(
            actor=actor,
            action="group_application.rejected",
            target=application,
            from_state=was,
            to_state=application.status,
            comment=application.rejection_reasons,
            district_id=application.district_id,
        )
        notify(
            recipients=[application.applicant],
            kind=APPLICATION_NEWS.code,
            title=_("Заявление «%(title)s» отклонено") % {"title": application.title},
            body=application.rejection_reasons,
            url=application.get_absolute_url(),
            actor=actor,
        )
    return application


def remind_of_decisions(*, now: datetime.datetime | None = None) -> int:
    """Remind the district's methodists of applications whose term ends in two days or
    less. Each application is claimed by a conditional UPDATE, so two workers (or a rerun)
    never send the same reminder; a resubmission clears the mark."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    waiting = ProblemGroupApplication.objects.filter(
        status=ProblemGroupApplication.Status.SUBMITTED, reminded_at__isnull=True
    )
    for application in waiting:
        if application.submitted_at is None:
            continue
        due = deadlines.decision_due(application.submitted_at)
        if deadlines.days_left(due, today=today) > deadlines.REMIND_DAYS_BEFORE:
            continue
        claimed = ProblemGroupApplication.objects.filter(
            Q(pk=application.pk)
            & Q(reminded_at__isnull=True)
            & Q(status=ProblemGroupApplication.Status.SUBMITTED)
        ).update(reminded_at=now)
        if claimed != 1:
            continue
        with transaction.atomic():
            notify(
                recipients=permissions.district_methodists(application.district_id),
                kind=APPLICATION_QUEUE.code,
                title=_("Срок решения по заявлению «%(title)s»: %(left)s")
                % {"title": application.title, "left": deadlines.describe(due, today=today)},
                body=_("Последний день срока — %(due)s.") % {"due": due.strftime("%d.%m.%Y")},
                url=application.get_absolute_url(),
            )
        sent += 1
    return sent


# --- Founding and describing groups -------------------------------------------------------

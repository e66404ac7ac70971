"""Groups of teachers and РПГ applications in the REST API: list and read groups, ask to
join, apply for an РПГ, agree to take part, decide on an application, resubmit it — with
the pages' permissions (`groups.permissions`) and the pages' services.

The OpenAPI texts are plain Russian strings rather than gettext, as in accounts.api: the
schema is built once at import, before any request chooses a language."""

import datetime
from collections.abc import Iterable
from typing import Any, Literal, cast

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from metodset.accounts.api import PUBLIC, SIGNED_IN, ErrorOut
from metodset.accounts.models import Subject, User
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.groups import deadlines, permissions, selectors, services
from metodset.groups.models import (
    ApplicationParticipant,
    Group,
    GroupMember,
    ProblemGroupApplication,
)

router = Router(tags=["Объединения педагогов"])
PER_PAGE = 20

ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


# --- Schemas ----------------------------------------------------------------------------


class KindOut(Schema):
    code: str = Field(description="Код вида объединения: rmo, rpg, creative-lab, ptg…")
    name: str = Field(description="Вид объединения по-русски.")


class SubjectRefOut(Schema):
    id: int = Field(description="Идентификатор предмета.")
    name: str = Field(description="Название предмета.")


class GroupOut(Schema):
    id: int = Field(description="Идентификатор объединения.")
    kind: KindOut = Field(description="Вид объединения.")
    title: str = Field(description="Название.")
    subject: SubjectRefOut | None = Field(description="Предмет; null, если не указан.")
    district: str = Field(description="Муниципальный район.")
    status: str = Field(description="active — работает, closed — завершила работу.")
    status_label: str = Field(description="Состояние по-русски.")
    leader: str | None = Field(description="Руководитель, фамилия и инициалы; null, если нет.")
    members_count: int = Field(
        description="Число действующих участников-педагогов (обучающиеся не считаются)."
    )
    starts_on: datetime.date | None = Field(description="Начало работы.")
    ends_on: datetime.date | None = Field(description="Окончание работы.")
    url: str = Field(description="Адрес страницы объединения на сайте.")


class GroupPageOut(Schema):
    total: int = Field(description="Сколько объединений подходит под условия.")
    page: int = Field(description="Номер страницы, с 1.")
    items: list[GroupOut] = Field(description="Объединения этой страницы (до 20).")


class GroupFilters(Schema):
    kind: str | None = Field(None, description="Код вида объединения (rmo, rpg, …).")
    subject: int | None = Field(None, description="Идентификатор предмета.")
    status: Literal["active", "closed"] | None = Field(
        None, description="active — работающие, closed — завершившие работу."
    )
    q: str | None = Field(None, description="Слова из названия, проблемы или описания.")
    mine: bool = Field(False, description="Только объединения, где вы действующий участник.")
    page: int = Field(1, ge=1, description="Номер страницы, с 1.")


class MemberOut(Schema):
    user_id: int = Field(description="Идентификатор пользователя.")
    name: str = Field(description="ФИО участника.")
    organization: str | None = Field(description="Организация, которую представляет участник.")
    role: str = Field(description="leader — руководитель, member — участник.")
    role_label: str = Field(description="Роль в объединении по-русски.")
    is_student: bool = Field(description="Обучающийся ли это.")


class StageOut(Schema):
    id: int = Field(description="Идентификатор этапа.")
    title: str = Field(description="Этап плана работы.")
    description: str = Field(description="Содержание работы.")
    starts_on: datetime.date = Field(description="Начало этапа.")
    ends_on: datetime.date = Field(description="Окончание этапа.")
    responsible: str = Field(description="Ответственные.")
    is_done: bool = Field(description="Выполнен ли этап.")


class GroupDetailOut(GroupOut):
    organization: str | None = Field(
        description="Организация, внутри которой работает группа (ПТГ); иначе null."
    )
    problem: str = Field(description="Проблема, над которой работает группа.")
    goals: str = Field(description="Цели и задачи.")
    description: str = Field(description="Описание.")
    expected_result: str = Field(description="Ожидаемый результат (продукт).")
    visibility: str = Field(
        description="Кто видит: public — все, network — участники сети, organization — "
        "сотрудники своей организации и района."
    )
    joining: str = Field(
        description="Вступление: open — свободно, request — по заявке, invitation — "
        "только по приглашению."
    )
    students_may_join: bool = Field(description="Открыта ли группа для обучающихся.")
    order_number: str = Field(description="Номер приказа о создании; пусто, если приказа нет.")
    order_date: datetime.date | None = Field(description="Дата приказа о создании.")
    members: list[MemberOut] = Field(
        description="Действующие участники; обучающиеся — только участникам группы и району."
    )
    hidden_students: int = Field(
        description="Сколько участников-обучающихся не названо в списке (вам не открыты)."
    )
    stages: list[StageOut] = Field(description="План работы по этапам.")
    my_status: str | None = Field(
        description="Ваше участие: invited, requested, active, declined, left, removed; "
        "null, если вы не в группе."
    )
    can_join: bool = Field(description="Можете ли вы вступить или попросить принять вас.")


class JoinIn(Schema):
    message: str = Field("", description="Сообщение руководителю (необязательно).")


class JoinOut(Schema):
    group_id: int = Field(description="Идентификатор объединения.")
    status: str = Field(description="active — вы в группе, requested — ждёт руководителя.")
    status_label: str = Field(description="Состояние участия по-русски.")


class ParticipantOut(Schema):
    user_id: int = Field(description="Идентификатор пользователя.")
    name: str = Field(description="ФИО участника.")
    organization: str = Field(description="Организация участника.")
    consent: str = Field(description="pending — ещё не ответил, agreed — согласен, declined.")
    consent_label: str = Field(description="Согласие по-русски.")
    comment: str = Field(description="Комментарий участника к ответу.")
    answered_at: datetime.datetime | None = Field(description="Когда ответил.")


class ApplicationOut(Schema):
    id: int = Field(description="Идентификатор заявления.")
    title: str = Field(description="Название группы.")
    status: str = Field(
        description="consent — ждёт согласия участников, submitted — на рассмотрении, "
        "approved — одобрено, rejected — отклонено, withdrawn — отозвано."
    )
    status_label: str = Field(description="Состояние по-русски.")
    applicant_id: int = Field(description="Идентификатор заявителя.")
    applicant: str = Field(description="Заявитель, ФИО.")
    applicant_organization: str = Field(description="Организация, от имени которой подано.")
    submitted_at: datetime.datetime | None = Field(
        description="Когда подано в отдел образования (последний раз)."
    )
    decision_due: datetime.date | None = Field(
        description="Последний день срока решения (7 календарных дней со следующего дня "
        "после подачи); null, если заявление не на рассмотрении."
    )
    days_left: int | None = Field(
        description="Сколько дней осталось до конца срока: 7 в день подачи, 0 в последний "
        "день, меньше нуля — просрочено; null, если заявление не на рассмотрении."
    )
    participants: list[ParticipantOut] = Field(description="Участники и их согласие.")
    rejection_reasons: str = Field(
        description="Причины последнего отказа (остаются и после повторной подачи); пусто, "
        "если отказов не было."
    )
    order_number: str = Field(description="Номер приказа о создании группы.")
    order_date: datetime.date | None = Field(description="Дата приказа.")
    group_id: int | None = Field(description="Созданная группа; null, пока не одобрено.")
    url: str = Field(description="Адрес страницы заявления на сайте.")


class ApplicationDetailOut(ApplicationOut):
    kind: KindOut = Field(description="Вид объединения (РПГ).")
    district: str = Field(description="Район.")
    subject: SubjectRefOut | None = Field(description="Предмет; null, если не указан.")
    problem: str = Field(description="Проблема, над которой будет работать группа.")
    goals: str = Field(description="Цели и задачи.")
    expected_result: str = Field(description="Предполагаемый результат (продукт).")
    starts_on: datetime.date = Field(description="Срок работы: с.")
    ends_on: datetime.date = Field(description="Срок работы: по.")
    proposed_leader_id: int = Field(description="Предлагаемый руководитель (id).")
    proposed_leader: str = Field(description="Предлагаемый руководитель, ФИО.")
    submission_count: int = Field(description="Сколько раз заявление подавалось в отдел.")
    decided_at: datetime.datetime | None = Field(
        description="Когда принято последнее решение (одобрение или отказ)."
    )
    decided_by: str | None = Field(description="Кто принял последнее решение, фамилия и инициалы.")
    can_edit: bool = Field(description="Можете ли вы изменить заявление сейчас.")
    can_resubmit: bool = Field(description="Можете ли вы подать отклонённое заявление повторно.")
    can_withdraw: bool = Field(description="Можете ли вы отозвать заявление.")
    can_answer: bool = Field(description="Можете ли вы ответить о своём участии.")
    can_decide: bool = Field(description="Можете ли вы принять решение по заявлению.")


class ApplicationPageOut(Schema):
    total: int = Field(description="Сколько заявлений подходит под условия.")
    page: int = Field(description="Номер страницы, с 1.")
    items: list[ApplicationOut] = Field(description="Заявления этой страницы (до 20).")


class ApplicationFilters(Schema):
    status: Literal["consent", "submitted", "approved", "rejected", "withdrawn"] | None = Field(
        None, description="Состояние заявления."
    )
    page: int = Field(1, ge=1, description="Номер страницы, с 1.")


class ApplicationIn(Schema):
    title: str = Field(description="Название группы.")
    subject_id: int | None = Field(None, description="Предмет (id), необязательно.")
    problem: str = Field(description="Проблема, над которой будет работать группа.")
    goals: str = Field("", description="Цели и задачи.")
    expected_result: str = Field(description="Предполагаемый результат (продукт).")
    starts_on: datetime.date = Field(description="Срок работы: с.")
    ends_on: datetime.date = Field(description="Срок работы: по.")
    participant_ids: list[int] = Field(
        description="Участники (id пользователей): педагоги не менее чем двух разных "
        "организаций района вместе с заявителем."
    )
    proposed_leader_id: int | None = Field(
        None, description="Предлагаемый руководитель из участников; по умолчанию — заявитель."
    )
    applicant_takes_part: bool = Field(True, description="Участвует ли заявитель в группе сам.")


class ConsentIn(Schema):
    agree: bool = Field(description="true — согласен участвовать, false — отказываюсь.")
    comment: str = Field("", description="Комментарий заявителю.")


class ApplicationDecisionIn(Schema):
    decision: Literal["approve", "reject"] = Field(
        description="approve — одобрить приказом, reject — отклонить с причинами."
    )
    order_number: str = Field("", description="Номер приказа (для одобрения).")
    order_date: datetime.date | None = Field(None, description="Дата приказа (для одобрения).")
    reasons: str = Field("", description="Причины отказа (для отклонения).")


# --- Helpers ----------------------------------------------------------------------------


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _subject(subject: Subject | None) -> dict[str, Any] | None:
    return {"id": subject.pk, "name": subject.name} if subject else None


def _group_data(group: Group, leader: User | None) -> dict[str, Any]:
    """GroupOut of a group read by selectors.groups_for_list (its counts annotated)."""
    return {
        "id": group.pk,
        "kind": {"code": group.kind.code, "name": group.kind.name},
        "title": group.title,
        "subject": _subject(group.subject),
        "district": group.district.name,
        "status": group.status,
        "status_label": group.get_status_display(),
        "leader": leader.short_name if leader else None,
        "members_count": getattr(group, "members_count", None) or 0,
        "starts_on": group.starts_on,
        "ends_on": group.ends_on,
        "url": group.get_absolute_url(),
    }


def _visible_group(request: HttpRequest, group_id: int) -> tuple[Group, User | None]:
    group = selectors.groups_for_list(request.user).filter(pk=group_id).first()
    if group is None or not permissions.can_view_group(request.user, group):
        raise Http404
    return group, selectors.leaders_of([group]).get(getattr(group, "leader_id", None) or 0)


def _applications(qs: QuerySet[ProblemGroupApplication]) -> QuerySet[ProblemGroupApplication]:
    return qs.select_related(
        "kind",
        "district",
        "subject",
        "applicant",
        "applicant_organization",
        "proposed_leader",
        "decided_by",
    ).prefetch_related(
        Prefetch(
            "participants",
            queryset=ApplicationParticipant.objects.select_related("user", "organization"),
        )
    )


def _participant_data(row: ApplicationParticipant) -> dict[str, Any]:
    return {
        "user_id": row.user_id,
        "name": row.user.full_name,
        "organization": row.organization.short_name,
        "consent": row.consent,
        "consent_label": row.get_consent_display(),
        "comment": row.comment,
        "answered_at": row.answered_at,
    }


def _application_data(application: ProblemGroupApplication) -> dict[str, Any]:
    under_review = (
        application.status == ProblemGroupApplication.Status.SUBMITTED
        and application.submitted_at is not None
    )
    due = deadlines.decision_due(application.submitted_at) if under_review else None  # type: ignore[arg-type]
    return {
        "id": application.pk,
        "title": application.title,
        "status": application.status,
        "status_label": application.get_status_display(),
        "applicant_id": application.applicant_id,
        "applicant": application.applicant.full_name,
        "applicant_organization": application.applicant_organization.short_name,
        "submitted_at": application.submitted_at,
        "decision_due": due,
        "days_left": deadlines.days_left(due) if due is not None else None,
        "participants": [_participant_data(row) for row in application.participants.all()],
        "rejection_reasons": application.rejection_reasons,
        "order_number": application.order_number,
        "order_date": application.order_date,
        "group_id": application.group_id,
        "url": application.get_absolute_url(),
    }


def _visible_application(request: HttpRequest, application_id: int) -> ProblemGroupApplication:
    application = _applications(ProblemGroupApplication.objects.filter(pk=application_id)).first()
    if application is None or not permissions.can_view_application(request.user, application):
        raise Http404
    return application


def _users(ids: Iterable[int]) -> list[User]:
    wanted = list(dict.fromkeys(ids))
    found = {user.pk: user for user in User.objects.filter(pk__in=wanted, is_active=True)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise DomainError(
            _("Участник не найден: %(ids)s.") % {"ids": ", ".join(str(pk) for pk in missing)}
        )
    return [found[pk] for pk in wanted]


def _subject_by_id(subject_id: int | None) -> Subject | None:
    if subject_id is None:
        return None
    subject = Subject.objects.filter(pk=subject_id).first()
    if subject is None:
        raise DomainError(_("Такого предмета нет."))
    return subject


def _leader(actor: User, proposed_leader_id: int | None) -> User:
    if proposed_leader_id is None or proposed_leader_id == actor.pk:
        return actor
    return _users([proposed_leader_id])[0]


# --- Groups -----------------------------------------------------------------------------


@router.get(
    "/groups",
    response=GroupPageOut,
    auth=PUBLIC,
    summary="Объединения педагогов",
    description="Объединения, которые вы видите (гостям — открытые всем; обучающимся — "
    "открытые для них сообщества), по 20 на странице, с фильтрами.",
)
def group_list(request: HttpRequest, filters: Query[GroupFilters]) -> dict[str, Any]:
    if filters.mine and not getattr(request.user, "is_authenticated", False):
        return {"total": 0, "page": filters.page, "items": []}
    qs = selectors.groups_for_list(
        request.user,
        text=filters.q or "",
        kind_code=filters.kind or "",
        subject_id=filters.subject,
        status=filters.status or "",
        mine=filters.mine,
    )
    total = qs.count()
    start = (filters.page - 1) * PER_PAGE
    page = list(qs[start : start + PER_PAGE])
    leaders = selectors.leaders_of(page)
    items = [
        _group_data(group, leaders.get(getattr(group, "leader_id", None) or 0)) for group in page
    ]
    return {"total": total, "page": filters.page, "items": items}


@router.get(
    "/groups/applications",
    response=ApplicationPageOut,
    auth=SIGNED_IN,
    summary="Заявления о создании РПГ",
    description="Заявления, которые вы видите: свои, те, где вы участник, и — методистам "
    "района — все заявления района; сначала последние поданные. Со сроком решения.",
)
def application_list(request: HttpRequest, filters: Query[ApplicationFilters]) -> dict[str, Any]:
    qs = selectors.applications_for(request.user, status=filters.status or "")
    total = qs.count()
    start = (filters.page - 1) * PER_PAGE
    page = qs.order_by("-submitted_at", "-created_at", "-pk")[start : start + PER_PAGE]
    return {
        "total": total,
        "page": filters.page,
        "items": [_application_data(item) for item in page],
    }


@router.post(
    "/groups/applications",
    response={201: ApplicationDetailOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Подать заявление о создании РПГ",
    description="Заявление уходит в отдел образования, как только все участники согласятся; "
    "до тех пор их спрашивают. Нарушение правил (например, все участники из одной "
    "организации) — 400 с причиной по-русски.",
)
def application_submit(request: HttpRequest, payload: ApplicationIn) -> Status[dict[str, Any]]:
    actor = _actor(request)
    if not permissions.can_apply(actor):
        raise PermissionDeniedError(
            _("Подать заявление могут педагоги, руководители и методисты организаций района.")
        )
    application = services.submit_application(
        actor=actor,
        title=payload.title,
        subject=_subject_by_id(payload.subject_id),
        problem=payload.problem,
        goals=payload.goals,
        expected_result=payload.expected_result,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        participants=_users(payload.participant_ids),
        proposed_leader=_leader(actor, payload.proposed_leader_id),
        applicant_takes_part=payload.applicant_takes_part,
    )
    return Status(201, application_detail(request, application.pk))


@router.get(
    "/groups/applications/{application_id}",
    response={200: ApplicationDetailOut, 404: ErrorOut},
    auth=SIGNED_IN,
    summary="Заявление о создании РПГ",
    description="Одно заявление; 404, если его нет или оно вам не видно.",
)
def application_detail(request: HttpRequest, application_id: int) -> dict[str, Any]:
    application = _visible_application(request, application_id)
    user = request.user
    own_row = next((row for row in application.participants.all() if row.user_id == user.pk), None)
    return {
        **_application_data(application),
        "kind": {"code": application.kind.code, "name": application.kind.name},
        "district": application.district.name,
        "subject": _subject(application.subject),
        "problem": application.problem,
        "goals": application.goals,
        "expected_result": application.expected_result,
        "starts_on": application.starts_on,
        "ends_on": application.ends_on,
        "proposed_leader_id": application.proposed_leader_id,
        "proposed_leader": application.proposed_leader.full_name,
        "submission_count": application.submission_count,
        "decided_at": application.decided_at,
        "decided_by": application.decided_by.short_name if application.decided_by else None,
        "can_edit": permissions.can_edit_application(user, application),
        "can_resubmit": (
            permissions.can_edit_application(user, application, check_state=False)
            and application.status == ProblemGroupApplication.Status.REJECTED
        ),
        "can_withdraw": permissions.can_withdraw_application(user, application),
        "can_answer": own_row is not None
        and own_row.user_id != application.applicant_id
        and permissions.can_answer_participation(user, own_row),
        "can_decide": permissions.can_decide_application(user, application),
    }


@router.put(
    "/groups/applications/{application_id}",
    response={200: ApplicationDetailOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Изменить заявление",
    description="Заявитель меняет заявление, пока оно ждёт согласия участников или после "
    "отказа (затем — повторная подача). Новые участники получают запрос согласия.",
)
def application_update(
    request: HttpRequest, application_id: int, payload: ApplicationIn
) -> dict[str, Any]:
    application = _visible_application(request, application_id)
    actor = _actor(request)
    if not permissions.can_edit_application(actor, application, check_state=False):
        raise PermissionDeniedError(_("Изменить заявление может только заявитель."))
    services.update_application(
        actor=actor,
        application=application,
        title=payload.title,
        subject=_subject_by_id(payload.subject_id),
        problem=payload.problem,
        goals=payload.goals,
        expected_result=payload.expected_result,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        participants=_users(payload.participant_ids),
        proposed_leader=_leader(actor, payload.proposed_leader_id),
        applicant_takes_part=(
            payload.applicant_takes_part
            if "applicant_takes_part" in payload.model_fields_set
            else None
        ),
    )
    return application_detail(request, application_id)


@router.post(
    "/groups/applications/{application_id}/consent",
    response={200: ApplicationDetailOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Ответить об участии",
    description="Участник, названный в заявлении, соглашается или отказывается (участие "
    "добровольное). Когда согласны все, заявление уходит в отдел образования.",
)
def application_consent(
    request: HttpRequest, application_id: int, payload: ConsentIn
) -> dict[str, Any]:
    services.answer_participation(
        actor=_actor(request),
        application=_visible_application(request, application_id),
        agree=payload.agree,
        comment=payload.comment,
    )
    return application_detail(request, application_id)


@router.post(
    "/groups/applications/{application_id}/decision",
    response={200: ApplicationDetailOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Решение отдела образования",
    description="Только отдел образования района: одобрить приказом (номер и дата) — "
    "группа создаётся — или отклонить с причинами. Другим — 403.",
)
def application_decision(
    request: HttpRequest, application_id: int, payload: ApplicationDecisionIn
) -> dict[str, Any]:
    application = _visible_application(request, application_id)
    actor = _actor(request)
    if not permissions.can_decide_application(actor, application, check_state=False):
        raise PermissionDeniedError(_("Решение по заявлению принимает отдел образования района."))
    if payload.decision == "approve":
        if payload.order_date is None:
            raise DomainError(_("Укажите дату приказа о создании группы."))
        services.approve_application(
            actor=actor,
            application=application,
            order_number=payload.order_number,
            order_date=payload.order_date,
        )
    else:
        services.reject_application(actor=actor, application=application, reasons=payload.reasons)
    return application_detail(request, application_id)


@router.post(
    "/groups/applications/{application_id}/resubmit",
    response={200: ApplicationDetailOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Подать повторно",
    description="Заявитель подаёт отклонённое (и, при необходимости, изменённое) заявление "
    "снова: у отдела новый семидневный срок.",
)
def application_resubmit(request: HttpRequest, application_id: int) -> dict[str, Any]:
    services.resubmit_application(
        actor=_actor(request), application=_visible_application(request, application_id)
    )
    return application_detail(request, application_id)


@router.post(
    "/groups/applications/{application_id}/withdraw",
    response={200: ApplicationDetailOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Отозвать заявление",
    description="Заявитель отзывает заявление, пока решение не принято.",
)
def application_withdraw(request: HttpRequest, application_id: int) -> dict[str, Any]:
    services.withdraw_application(
        actor=_actor(request), application=_visible_application(request, application_id)
    )
    return application_detail(request, application_id)


@router.get(
    "/groups/{group_id}",
    response={200: GroupDetailOut, 404: ErrorOut},
    auth=PUBLIC,
    summary="Объединение",
    description="Одно объединение с составом и планом; 404, если его нет или оно вам не "
    "видно. Обучающиеся в составе названы только участникам группы и району.",
)
def group_detail(request: HttpRequest, group_id: int) -> dict[str, Any]:
    group, leader = _visible_group(request, group_id)
    user = request.user
    rows = selectors.members_of(group)
    personal = permissions.can_view_members_personal(user, group)
    shown = [row for row in rows if personal or not row.is_student]
    own = (
        GroupMember.objects.filter(group=group, user=_actor(request)).first()
        if user.is_authenticated
        else None
    )
    return {
        **_group_data(group, leader),
        "organization": group.organization.short_name if group.organization else None,
        "problem": group.problem,
        "goals": group.goals,
        "description": group.description,
        "expected_result": group.expected_result,
        "visibility": group.visibility,
        "joining": group.joining,
        "students_may_join": group.students_may_join,
        "order_number": group.order_number,
        "order_date": group.order_date,
        "members": [
            {
                "user_id": row.user_id,
                "name": row.user.full_name,
                "organization": row.organization.short_name if row.organization else None,
                "role": row.role,
                "role_label": row.get_role_display(),
                "is_student": row.is_student,
            }
            for row in shown
        ],
        "hidden_students": len(rows) - len(shown),
        "stages": [
            {
                "id": stage.pk,
                "title": stage.title,
                "description": stage.description,
                "starts_on": stage.starts_on,
                "ends_on": stage.ends_on,
                "responsible": stage.responsible,
                "is_done": stage.is_done,
            }
            for stage in group.stages.all()
        ],
        "my_status": own.status if own is not None else None,
        "can_join": permissions.can_join(user, group),
    }


@router.post(
    "/groups/{group_id}/join",
    response={200: JoinOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Вступить в объединение",
    description="В открытую группу — сразу, в остальные — заявка руководителю. В группы "
    "«только по приглашению» и завершившие работу — 400 с причиной.",
)
def group_join(
    request: HttpRequest, group_id: int, payload: JoinIn | None = None
) -> dict[str, Any]:
    group, _leader_of_group = _visible_group(request, group_id)
    row = services.request_to_join(
        actor=_actor(request), group=group, message=payload.message if payload else ""
    )
    return {"group_id": group.pk, "status": row.status, "status_label": row.get_status_display()}

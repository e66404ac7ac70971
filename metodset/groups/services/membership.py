"""Founding groups, leaders and membership: invitations, requests to join, removal,
leaving (participation is voluntary, §4.3)."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.accounts.models import District, Organization, Subject, User
from metodset.accounts.permissions import is_network_staff, roles_of
from metodset.core import audit
from metodset.core.exceptions import DomainError
from metodset.groups import permissions
from metodset.groups.models import (
    Group,
    GroupKind,
    GroupMember,
)
from metodset.groups.services.common import (
    MEMBERSHIP_NEWS,
    _deny,
    _news,
    check_different_organizations,
    organization_of,
    shown_name,
)
from metodset.notifications.services import notify


def found_group(
    *,
    actor: User,
    kind: GroupKind,
    district: District,
    title: str,
    description: str = "",
    problem: str = "",
    goals: str = "",
    subject: Subject | None = None,
    organization: Organization | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    visibility: str = "",
    joining: str = Group.Joining.REQUEST,
    students_may_join: bool | None = None,
    leader: User | None = None,
) -> Group:
    """Create a group directly: an РМО or seminar by the district, a ПТГ by a school head
    inside their school, a creative lab or community by any teacher (who then leads it)."""
    if kind.within_organization and organization is None:
        raise DomainError(_("Укажите организацию, внутри которой работает группа."))
    if organization is not None and organization.district_id != district.pk:
        raise DomainError(_("Организация группы должна быть из того же района."))
    if not permissions.can_found(
        actor,
        kind,
        district_id=district.pk,
        region_id=district.region_id,
        organization_id=organization.pk if organization else None,
    ):
        raise _deny()
    if not title.strip():
        raise DomainError(_("У объединения должно быть название."))
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_("Срок работы должен кончаться позже, чем начинается."))
    if joining not in Group.Joining.values:
        raise DomainError(_("Выберите порядок вступления."))
    default_visibility = (
        Group.Visibility.ORGANIZATION if kind.within_organization else Group.Visibility.PUBLIC
    )
    visibility = visibility or default_visibility
    if visibility not in Group.Visibility.values:
        raise DomainError(_("Выберите, кому видна группа."))
    manages = permissions.manages_district_of(actor, Group(district=district))
    if leader is None and not manages:
        leader = actor  # a teacher who founds a creative lab leads it
    with transaction.atomic():
        group = Group.objects.create(
            kind=kind,
            district=district,
            organization=organization if kind.within_organization else None,
            title=title.strip(),
            subject=subject,
            description=description.strip(),
            problem=problem.strip(),
            goals=goals.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            visibility=visibility,
            joining=joining,
            students_may_join=kind.open_to_students
            if students_may_join is None
            else (students_may_join and kind.open_to_students),
            created_by=actor,
        )
        audit.record(actor=actor, action="group.created", target=group, district_id=district.pk)
        _news(group, actor, _("Объединение создано"))
        if leader is not None:
            # The same rule as appoint_leader: a teacher of the network who may take part.
            if not permissions.may_take_part(leader, group) or _is_student(leader):
                raise DomainError(_("Руководителем может быть только педагог сети."))
            _appoint(group, leader, actor=actor)
    return group


def update_group(*, actor: User, group: Group, **fields: Any) -> Group:
    """Edit the description (leader or district). Kind, district and order stay."""
    if not permissions.can_manage_group(actor, group):
        raise _deny() if not group.is_closed else DomainError(_("Группа закрыта: её не изменить."))
    allowed = {
        "title",
        "description",
        "problem",
        "goals",
        "expected_result",
        "subject",
        "starts_on",
        "ends_on",
        "joining",
        "visibility",
        "students_may_join",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if not str(fields.get("title", group.title)).strip():
        raise DomainError(_("У объединения должно быть название."))
    starts_on, ends_on = (
        fields.get("starts_on", group.starts_on),
        fields.get("ends_on", group.ends_on),
    )
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_("Срок работы должен кончаться позже, чем начинается."))
    if "students_may_join" in fields:
        fields["students_may_join"] = (
            bool(fields["students_may_join"]) and group.kind.open_to_students
        )
    changes = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(group, name) != value:
            changes[name] = str(value)
            setattr(group, name, value)
    if changes:
        with transaction.atomic():
            group.save()
            audit.record(
                actor=actor,
                action="group.updated",
                target=group,
                changes=changes,
                district_id=group.district_id,
            )
    return group


def _appoint(group: Group, person: User, *, actor: User) -> GroupMember:
    """Make `person` the leader; the previous leader stays as a member."""
    GroupMember.objects.filter(
        group=group, role=GroupMember.Role.LEADER, status=GroupMember.Status.ACTIVE
    ).exclude(user=person).update(role=GroupMember.Role.MEMBER)
    row, created = GroupMember.objects.get_or_create(
        group=group,
        user=person,
        defaults={
            "organization": organization_of(person),
            "role": GroupMember.Role.LEADER,
            "status": GroupMember.Status.ACTIVE,
            "joined_at": timezone.now(),
            "is_student": _is_student(person),
        },
    )
    if not created:
        row.role = GroupMember.Role.LEADER
        if row.status != GroupMember.Status.ACTIVE:
            row.status = GroupMember.Status.ACTIVE
            row.joined_at = timezone.now()
            row.ended_at = None
        row.save(update_fields=["role", "status", "joined_at", "ended_at", "updated_at"])
    permissions.forget_membership(person)
    audit.record(
        actor=actor,
        action="group.leader",
        target=group,
        to_state=person.full_name,
        district_id=group.district_id,
    )
    _news(group, actor, _("Руководитель группы — %(name)s") % {"name": person.full_name})
    return row


def appoint_leader(*, actor: User, group: Group, person: User) -> GroupMember:
    """The district appoints the leader (a руководитель РМО is appointed by the district)."""
    if not permissions.can_appoint_leader(actor, group):
        raise _deny()
    if not permissions.may_take_part(person, group) or _is_student(person):
        raise DomainError(_("Руководителем может быть только педагог сети."))
    with transaction.atomic():
        row = _appoint(group, person, actor=actor)
        notify(
            recipients=[person],
            kind=MEMBERSHIP_NEWS.code,
            title=_("Вы назначены руководителем объединения «%(title)s»") % {"title": group.title},
            url=group.get_absolute_url(),
            actor=actor,
        )
    return row


def _is_student(person: User) -> bool:
    roles = roles_of(person)
    return bool(roles.student_org_ids) and not is_network_staff(roles)


# --- Membership ---------------------------------------------------------------------------


def _check_open(group: Group) -> None:
    if group.is_closed:
        raise DomainError(_("Группа завершила работу: её состав больше не меняется."))


def _activate(row: GroupMember) -> None:
    row.status = GroupMember.Status.ACTIVE
    row.joined_at = timezone.now()
    row.ended_at = None


def _membership_changed(
    group: Group, *, actor: User, person: User, row: GroupMember, comment: str, was: str = ""
) -> None:
    """One audit entry for a change of membership, and a line in the feed when someone
    joined."""
    audit.record(
        actor=actor,
        action="group.member",
        target=group,
        from_state=was,
        to_state=row.status,
        comment=comment,
        district_id=group.district_id,
    )
    if row.is_active:
        _news(group, actor, _("%(name)s вступил в группу") % {"name": shown_name(person)})


def invite_member(*, actor: User, group: Group, person: User, message: str = "") -> GroupMember:
    """The leader (or the district) invites a person; they accept or decline."""
    _check_open(group)
    if not permissions.can_manage_group(actor, group):
        raise _deny()
    if not permissions.may_take_part(person, group):
        raise DomainError(
            _("%(name)s не может участвовать в этой группе.") % {"name": person.full_name}
        )
    with transaction.atomic():
        row, created = GroupMember.objects.select_for_update().get_or_create(
            group=group,
            user=person,
            defaults={
                "status": GroupMember.Status.INVITED,
                "organization": organization_of(person),
                "invited_by": actor,
                "message": message.strip(),
                "is_student": _is_student(person),
            },
        )
        if not created:
            if row.status in {GroupMember.Status.ACTIVE, GroupMember.Status.INVITED}:
                raise DomainError(
                    _("%(name)s уже в группе или уже приглашён.") % {"name": person.full_name}
                )
            if row.status == GroupMember.Status.REQUESTED:
                # They asked, we invite: that is a yes on both sides.
                _activate(row)
            else:
                row.status = GroupMember.Status.INVITED
            row.invited_by = actor
            row.message = message.strip()
            row.save()
        _membership_changed(group, actor=actor, person=person, row=row, comment=person.full_name)
        notify(
            recipients=[person],
            kind=MEMBERSHIP_NEWS.code,
            title=_("Приглашение в объединение «%(title)s»") % {"title": group.title},
            body=message.strip(),
            url=group.get_absolute_url(),
            actor=actor,
        )
    permissions.forget_membership(person)
    return row


def answer_invitation(*, actor: User, group: Group, accept: bool) -> GroupMember:
    with transaction.atomic():
        row = GroupMember.objects.select_for_update().filter(group=group, user=actor).first()
        if row is None or row.status != GroupMember.Status.INVITED:
            raise DomainError(_("Приглашения в эту группу нет или оно уже принято."))
        _check_open(group)
        if accept:
            _activate(row)
        else:
            row.status = GroupMember.Status.DECLINED
        row.save()
        _membership_changed(
            group, actor=actor, person=actor, row=row, comment=actor.full_name, was="invited"
        )
        if row.invited_by_id:
            notify(
                recipients=User.objects.filter(pk=row.invited_by_id),
                kind=MEMBERSHIP_NEWS.code,
                title=(
                    _("%(name)s принял приглашение в «%(title)s»")
                    if accept
                    else _("%(name)s отклонил приглашение в «%(title)s»")
                )
                % {"name": actor.short_name, "title": group.title},
                url=group.get_absolute_url(),
                actor=actor,
            )
    permissions.forget_membership(actor)
    return row


def request_to_join(*, actor: User, group: Group, message: str = "") -> GroupMember:
    """Join an open group at once, or ask the leader to accept."""
    if not permissions.can_join(actor, group):
        _check_open(group)
        if group.joining == Group.Joining.INVITATION:
            raise DomainError(_("В эту группу вступают только по приглашению руководителя."))
        if permissions.is_member(actor, group):
            raise DomainError(_("Вы уже в этой группе."))
        row = permissions.membership_of(actor, group)
        if row is not None and row.status == GroupMember.Status.REQUESTED:
            raise DomainError(_("Вы уже попросили принять вас: руководитель рассмотрит заявку."))
        if row is not None and row.status == GroupMember.Status.INVITED:
            raise DomainError(_("Вас уже пригласили в группу: примите приглашение."))
        raise _deny()
    with transaction.atomic():
        row, _created = GroupMember.objects.select_for_update().get_or_create(
            group=group,
            user=actor,
            defaults={
                "status": GroupMember.Status.REQUESTED,
                "organization": organization_of(actor),
                "is_student": _is_student(actor),
            },
        )
        row.message = message.strip()
        if group.joining == Group.Joining.OPEN:
            _activate(row)
        else:
            row.status = GroupMember.Status.REQUESTED
        row.save()
        _membership_changed(group, actor=actor, person=actor, row=row, comment=actor.full_name)
        if not row.is_active:
            notify(
                recipients=permissions.users_who_manage(group),
                kind=MEMBERSHIP_NEWS.code,
                title=_("%(name)s просит принять в «%(title)s»")
                % {"name": actor.short_name, "title": group.title},
                body=row.message,
                url=group.get_absolute_url() + "members/",
                actor=actor,
            )
    permissions.forget_membership(actor)
    return row


def decide_join_request(
    *, actor: User, member: GroupMember, accept: bool, reason: str = ""
) -> GroupMember:
    group = member.group
    _check_open(group)
    if not permissions.can_manage_group(actor, group):
        raise _deny()
    with transaction.atomic():
        row = GroupMember.objects.select_for_update().get(pk=member.pk)
        if row.status != GroupMember.Status.REQUESTED:
            raise DomainError(_("Эта заявка на вступление уже рассмотрена."))
        if accept:
            _activate(row)
        else:
            row.status = GroupMember.Status.DECLINED
        row.save()
        _membership_changed(
            group,
            actor=actor,
            person=row.user,
            row=row,
            comment=reason.strip() or row.user.full_name,
            was="requested",
        )
        notify(
            recipients=[row.user],
            kind=MEMBERSHIP_NEWS.code,
            title=(
                _("Вас приняли в объединение «%(title)s»")
                if accept
                else _("Заявка на вступление в «%(title)s» отклонена")
            )
            % {"title": group.title},
            body=reason.strip(),
            url=group.get_absolute_url(),
            actor=actor,
        )
    permissions.forget_membership(row.user)
    return row


def _active_organizations_without(group: Group, user_id: int) -> set[int]:
    return set(
        group.members.filter(status=GroupMember.Status.ACTIVE, is_student=False)
        .exclude(user_id=user_id)
        .values_list("organization_id", flat=True)
    ) - {None}


def remove_member(*, actor: User, member: GroupMember, reason: str) -> GroupMember:
    """The leader or the district removes a member, with a reason the member sees. An РПГ
    keeps teachers of two organizations; its leader is changed by appointing another."""
    group = member.group
    _check_open(group)
    if not permissions.can_manage_group(actor, group):
        raise _deny()
    if not reason.strip():
        raise DomainError(_("Укажите причину исключения: участник её увидит."))
    with transaction.atomic():
        # Checked on the locked row: the member may have left or been made leader meanwhile.
        row = GroupMember.objects.select_for_update().get(pk=member.pk)
        if row.is_leader:
            raise DomainError(_("Руководителя нельзя исключить: сначала назначьте другого."))
        if row.status != GroupMember.Status.ACTIVE:
            raise DomainError(_("Этот человек не участвует в группе."))
        if group.kind.requires_different_organizations:
            check_different_organizations(_active_organizations_without(group, row.user_id))
        row.status = GroupMember.Status.REMOVED
        row.ended_at = timezone.now()
        row.message = reason.strip()
        row.save()
        audit.record(
            actor=actor,
            action="group.member",
            target=group,
            from_state="active",
            to_state=row.status,
            comment=f"{row.user.full_name}: {row.message}",
            district_id=group.district_id,
        )
        _news(
            group,
            actor,
            _("%(name)s больше не участвует в группе") % {"name": shown_name(row.user)},
        )
        notify(
            recipients=[row.user],
            kind=MEMBERSHIP_NEWS.code,
            title=_("Вы исключены из объединения «%(title)s»") % {"title": group.title},
            body=row.message,
            url=group.get_absolute_url(),
            actor=actor,
        )
    permissions.forget_membership(row.user)
    return row


def leave_group(*, actor: User, group: Group) -> GroupMember:
    """Leaving is always allowed (§4.3); the leader hands over first. If an РПГ is left with
    one organization, its page says so and the district is told."""
    _check_open(group)
    if not permissions.can_leave(actor, group):
        if permissions.is_leader(actor, group):
            raise DomainError(_("Руководитель не может выйти из группы, пока его не сменят."))
        raise DomainError(_("Вы не участвуете в этой группе."))
    with transaction.atomic():
        row = GroupMember.objects.select_for_update().get(group=group, user=actor)
        row.status = GroupMember.Status.LEFT
        row.ended_at = timezone.now()
        row.save()
        audit.record(
            actor=actor,
            action="group.member",
            target=group,
            from_state="active",
            to_state=row.status,
            comment=actor.full_name,
            district_id=group.district_id,
        )
        _news(group, actor, _("%(name)s вышел из группы") % {"name": shown_name(actor)})
        if (
            group.kind.requires_different_organizations
            and len(_active_organizations_without(group, actor.pk)) < 2
        ):
            # A list, not a UNION: both querysets carry the model's ordering, which a
            # compound statement refuses (and notify() sends once per person anyway).
            notify(
                recipients=[
                    *permissions.users_who_manage(group),
                    *permissions.district_methodists(group.district_id),
                ],
                kind=MEMBERSHIP_NEWS.code,
                title=_("В РПГ «%(title)s» остались педагоги одной организации")
                % {"title": group.title},
                url=group.get_absolute_url(),
                actor=actor,
            )
    permissions.forget_membership(actor)
    return row


def is_below_composition(group: Group) -> bool:
    """An РПГ whose active members come from fewer than two organizations."""
    if not group.kind.requires_different_organizations:
        return False
    return len(_active_organizations_without(group, 0)) < 2


# --- Plan, order, discussion, materials ---------------------------------------------------

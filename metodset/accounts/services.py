"""The verbs of people and organizations: create, edit, deactivate, register, confirm,
invite, link parents, issue API tokens. Each checks its permission and writes the audit."""

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts import permissions
from metodset.accounts.models import (
    ApiToken,
    District,
    Membership,
    Organization,
    OrganizationKind,
    ParentLink,
    Role,
    Subject,
    User,
    name_key,
)
from metodset.core import audit
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.notifications import kinds
from metodset.notifications.services import notify

REGISTRATION_PENDING = kinds.register(
    "accounts.registration_pending", gettext_lazy("Новые регистрации педагогов")
)
REGISTRATION_DECIDED = kinds.register(
    "accounts.registration_decided", gettext_lazy("Решение по моей регистрации")
)

audit.register_actions(
    {
        "organization.created": gettext_lazy("Организация создана"),
        "organization.updated": gettext_lazy("Организация изменена"),
        "organization.activated": gettext_lazy("Организация включена"),
        "organization.deactivated": gettext_lazy("Организация отключена"),
        "account.created": gettext_lazy("Учётная запись создана"),
        "account.updated": gettext_lazy("Учётная запись изменена"),
        "account.activated": gettext_lazy("Учётная запись включена"),
        "account.deactivated": gettext_lazy("Учётная запись отключена"),
        "account.registered": gettext_lazy("Педагог зарегистрировался"),
        "accounts.imported": gettext_lazy("Учётные записи импортированы"),
        "membership.granted": gettext_lazy("Роль выдана"),
        "membership.ended": gettext_lazy("Роль прекращена"),
        "parent.linked": gettext_lazy("Родитель связан с ребёнком"),
        "registration.confirmed": gettext_lazy("Регистрация подтверждена"),
        "registration.rejected": gettext_lazy("Регистрация отклонена"),
        "invitation.sent": gettext_lazy("Приглашение отправлено"),
        "invitation.accepted": gettext_lazy("Приглашение принято, пароль задан"),
        "profile.updated": gettext_lazy("Профиль изменён"),
        "api_token.issued": gettext_lazy("Выпущен токен API"),
        "api_token.revoked": gettext_lazy("Токен API отозван"),
    }
)

ORGANIZATION_FIELDS = [
    "name",
    "short_name",
    "kind",
    "address",
    "phone",
    "email",
    "website",
    "director_name",
]
ACCOUNT_FIELDS = ["email", "last_name", "first_name", "patronymic", "position"]
PROFILE_FIELDS = [
    "last_name",
    "first_name",
    "patronymic",
    "position",
    "qualification_category",
    "about",
]


def _deny() -> PermissionDeniedError:
    return PermissionDeniedError(_("У вас нет прав на это действие."))


# --- Organizations ---------------------------------------------------------------------------


def create_organization(
    *,
    actor: Any,
    district: District,
    kind: OrganizationKind,
    name: str,
    short_name: str,
    **fields: Any,
) -> Organization:
    if not permissions.can_manage_district(actor, district):
        raise _deny()
    if Organization.objects.filter(district=district, short_name_key=name_key(short_name)).exists():
        raise DomainError(
            _("В районе уже есть организация с кратким названием «%(name)s».")
            % {"name": short_name}
        )
    with transaction.atomic():
        organization = Organization.objects.create(
            region_id=district.region_id,
            district=district,
            kind=kind,
            name=name,
            short_name=short_name,
            **fields,
        )
        audit.record(
            actor=actor,
            action="organization.created",
            target=organization,
            to_state="active",
            district_id=district.pk,
        )
    return organization


def update_organization(*, actor: Any, organization: Organization, **fields: Any) -> Organization:
    if not permissions.can_manage_organization(actor, organization):
        raise _deny()
    short_name = fields.get("short_name", organization.short_name)
    duplicate = Organization.objects.filter(
        district=organization.district_id, short_name_key=name_key(short_name)
    ).exclude(pk=organization.pk)
    if duplicate.exists():
        raise DomainError(
            _("В районе уже есть организация с кратким названием «%(name)s».")
            % {"name": short_name}
        )
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        before = audit.snapshot(organization, ORGANIZATION_FIELDS)
        for name, value in fields.items():
            if name not in ORGANIZATION_FIELDS:
                raise ValueError(f"Field {name} is not editable")
            setattr(organization, name, value)
        organization.save(update_fields=[*fields, "updated_at"])
        changes = audit.model_changes(organization, before, ORGANIZATION_FIELDS)
        if changes:
            audit.record(
                actor=actor,
                action="organization.updated",
                target=organization,
                changes=changes,
                district_id=organization.district_id,
            )
    return organization


def set_organization_active(
    *, actor: Any, organization: Organization, is_active: bool, reason: str = ""
) -> Organization:
    if not permissions.can_manage_organization(actor, organization):
        raise _deny()
    if not is_active and not reason.strip():
        raise DomainError(_("Укажите причину, по которой организация отключается."))
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        if organization.is_active == is_active:
            return organization
        organization.is_active = is_active
        organization.save(update_fields=["is_active", "updated_at"])
        audit.record(
            actor=actor,
            action="organization.activated" if is_active else "organization.deactivated",
            target=organization,
            from_state="inactive" if is_active else "active",
            to_state="active" if is_active else "inactive",
            comment=reason,
            district_id=organization.district_id,
        )
    return organization


# --- Accounts -------------------------------------------------------------------------------


def email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    users = User.objects.filter(email__iexact=email.strip())
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    return users.exists()


def membership_problems(organization: Organization, role: str, student_class: str) -> list[str]:
    """Every reason a role cannot be given in this organization (empty when it can)."""
    problems: list[str] = []
    if not organization.is_active:
        problems.append(_("Организация «%(name)s» отключена.") % {"name": organization.short_name})
    if (
        role in {Role.DISTRICT_METHODIST, Role.EXPERT}
        and not organization.kind.is_education_authority
    ):
        problems.append(
            _("Роль «%(role)s» дают в управлении образования района, а не в «%(name)s».")
            % {"role": Role(role).label, "name": organization.short_name}
        )
    if role == Role.STUDENT and not organization.kind.has_students:
        problems.append(_("В «%(name)s» нет обучающихся.") % {"name": organization.short_name})
    if role == Role.STUDENT and not student_class.strip():
        problems.append(_("Для обучающегося укажите класс, например «7Б»."))
    if role != Role.STUDENT and student_class.strip():
        problems.append(_("Класс указывают только для обучающихся."))
    return problems


def check_membership_fields(organization: Organization, role: str, student_class: str) -> None:
    problems = membership_problems(organization, role, student_class)
    if problems:
        raise DomainError(" ".join(problems))


def create_account(
    *,
    actor: Any,
    email: str,
    last_name: str,
    first_name: str,
    organization: Organization,
    role: str,
    patronymic: str = "",
    position: str = "",
    student_class: str = "",
    subjects: Iterable[Subject] = (),
    send_invitation: bool = True,
) -> User:
    """Create a person with one role and (after commit) e-mail them an invitation."""
    if not permissions.can_assign_role(actor, organization, role):
        raise _deny()
    email = email.strip().lower()
    if email_taken(email):
        raise DomainError(_("Пользователь с e-mail %(email)s уже есть.") % {"email": email})
    check_membership_fields(organization, role, student_class)
    with transaction.atomic():
        user = User.objects.create_user(
            email,
            last_name=last_name.strip(),
            first_name=first_name.strip(),
            patronymic=patronymic.strip(),
            position=position.strip(),
        )
        user.subjects.set(list(subjects))
        Membership.objects.create(
            user=user,
            organization=organization,
            role=role,
            position=position.strip(),
            student_class=student_class.strip().upper(),
            decided_by=actor,
            decided_at=timezone.now(),
        )
        if role in {Role.DISTRICT_METHODIST, Role.REGION_METHODIST}:
            sync_admin_access(user)
        audit.record(
            actor=actor,
            action="account.created",
            target=user,
            to_state="active",
            comment=f"{Role(role).label}, {organization.short_name}",
            district_id=organization.district_id,
        )
        if send_invitation:
            transaction.on_commit(lambda: send_invitation_email(user))
    return user


def update_account(
    *, actor: Any, person: User, subjects: Iterable[Subject] | None = None, **fields: Any
) -> User:
    if not permissions.can_manage_account(actor, person):
        raise _deny()
    if "email" in fields:
        fields["email"] = fields["email"].strip().lower()
        if email_taken(fields["email"], exclude_pk=person.pk):
            raise DomainError(
                _("Пользователь с e-mail %(email)s уже есть.") % {"email": fields["email"]}
            )
    with transaction.atomic():
        before = audit.snapshot(person, ACCOUNT_FIELDS)
        for name, value in fields.items():
            if name not in ACCOUNT_FIELDS:
                raise ValueError(f"Field {name} is not editable")
            setattr(person, name, value)
        person.save(update_fields=list(fields))
        if subjects is not None:
            person.subjects.set(list(subjects))
        changes = audit.model_changes(person, before, ACCOUNT_FIELDS)
        if changes:
            audit.record(
                actor=actor,
                action="account.updated",
                target=person,
                changes=changes,
                district_id=_district_of(person),
            )
    return person


def set_account_active(*, actor: Any, person: User, is_active: bool, reason: str = "") -> User:
    if not permissions.can_manage_account(actor, person):
        raise _deny()
    if not is_active and not reason.strip():
        raise DomainError(_("Укажите причину отключения учётной записи."))
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if person.is_active == is_active:
            return person
        person.is_active = is_active
        person.deactivated_at = None if is_active else timezone.now()
        person.save(update_fields=["is_active", "deactivated_at"])
        audit.record(
            actor=actor,
            action="account.activated" if is_active else "account.deactivated",
            target=person,
            from_state="inactive" if is_active else "active",
            to_state="active" if is_active else "inactive",
            comment=reason,
            district_id=_district_of(person),
        )
    return person


def add_membership(
    *,
    actor: Any,
    person: User,
    organization: Organization,
    role: str,
    position: str = "",
    student_class: str = "",
) -> Membership:
    if not permissions.can_assign_role(actor, organization, role):
        raise _deny()
    check_membership_fields(organization, role, student_class)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=person,
            organization=organization,
            role=role,
            defaults={
                "position": position,
                "student_class": student_class.strip().upper(),
                "decided_by": actor,
                "decided_at": timezone.now(),
            },
        )
        if not created:
            if membership.status == Membership.Status.ACTIVE:
                raise DomainError(_("Эта роль у человека уже есть."))
            _move(membership, Membership.Status.ACTIVE)
            membership.position = position
            membership.student_class = student_class.strip().upper()
            membership.decided_by = actor
            membership.decided_at = timezone.now()
            membership.save(
                update_fields=[
                    "status",
                    "position",
                    "student_class",
                    "decided_by",
                    "decided_at",
                    "updated_at",
                ]
            )
        if role in {Role.DISTRICT_METHODIST, Role.REGION_METHODIST}:
            sync_admin_access(person)
        audit.record(
            actor=actor,
            action="membership.granted",
            target=person,
            to_state=role,
            comment=f"{Role(role).label}, {organization.short_name}",
            district_id=organization.district_id,
        )
    permissions.forget_roles(person)
    return membership


def end_membership(*, actor: Any, membership: Membership, reason: str = "") -> Membership:
    if not permissions.can_assign_role(actor, membership.organization, membership.role):
        raise _deny()
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("organization")
            .get(pk=membership.pk)
        )
        _move(membership, Membership.Status.ENDED)
        membership.decided_by = actor
        membership.decided_at = timezone.now()
        membership.decision_comment = reason
        membership.save(
            update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"]
        )
        if membership.role in {Role.DISTRICT_METHODIST, Role.REGION_METHODIST}:
            sync_admin_access(membership.user)
        audit.record(
            actor=actor,
            action="membership.ended",
            target=membership.user,
            from_state=membership.role,
            to_state="ended",
            comment=f"{membership.get_role_display()}, {membership.organization.short_name}. {reason}".strip(),
            district_id=membership.organization.district_id,
        )
    return membership


def link_parent(*, actor: Any, parent: User, child: User) -> ParentLink:
    """Link a parent to their child; the parent also gets the parent role at the child's school."""
    if not permissions.can_manage_account(actor, child):
        raise _deny()
    student_memberships = list(
        Membership.objects.active()
        .filter(user=child, role=Role.STUDENT)
        .select_related("organization")
    )
    if not student_memberships:
        raise DomainError(
            _("Родителя связывают с обучающимся, а %(name)s не обучающийся.") % {"name": child}
        )
    with transaction.atomic():
        link, created = ParentLink.objects.get_or_create(parent=parent, child=child)
        if not created:
            raise DomainError(_("Этот родитель уже связан с ребёнком."))
        for membership in student_memberships:
            Membership.objects.get_or_create(
                user=parent,
                organization=membership.organization,
                role=Role.PARENT,
                defaults={"decided_by": actor, "decided_at": timezone.now()},
            )
        audit.record(
            actor=actor,
            action="parent.linked",
            target=child,
            comment=str(parent),
            district_id=_district_of(child),
        )
    return link


METHODIST_GROUP = "Методисты управления образования"


def sync_admin_access(person: User) -> None:
    """District and regional methodists work in the Django admin (reference rows, the
    journal) through one group; the access follows the role, not a separate switch."""
    from django.contrib.auth.models import Group

    is_methodist = (
        Membership.objects.active()
        .filter(user=person, role__in=[Role.DISTRICT_METHODIST, Role.REGION_METHODIST])
        .exists()
    )
    group = Group.objects.filter(name=METHODIST_GROUP).first()
    if is_methodist:
        if group is not None:
            person.groups.add(group)
        if not person.is_staff:
            person.is_staff = True
            person.save(update_fields=["is_staff"])
    else:
        if group is not None:
            person.groups.remove(group)
        if person.is_staff and not person.is_superuser:
            person.is_staff = False
            person.save(update_fields=["is_staff"])


def _move(membership: Membership, to: str) -> None:
    if to not in Membership.TRANSITIONS[membership.status]:
        raise DomainError(
            _("Нельзя перевести роль из состояния «%(from)s» в «%(to)s».")
            % {"from": membership.get_status_display(), "to": Membership.Status(to).label}
        )
    membership.status = to


def _district_of(person: User) -> int | None:
    return (
        Membership.objects.filter(user=person, organization__district__isnull=False)
        .values_list("organization__district_id", flat=True)
        .first()
    )


# --- Self-registration --------------------------------------------------------------------------


def register_teacher(
    *,
    email: str,
    password: str,
    last_name: str,
    first_name: str,
    organization: Organization,
    patronymic: str = "",
    position: str = "",
    subjects: Iterable[Subject] = (),
) -> User:
    """A teacher signs up; the account stays closed until the school head or the district
    confirms it."""
    email = email.strip().lower()
    if email_taken(email):
        raise DomainError(
            _(
                "Пользователь с e-mail %(email)s уже зарегистрирован. Если это вы — восстановите пароль."
            )
            % {"email": email}
        )
    if not organization.is_active or organization.kind.is_education_authority:
        raise DomainError(_("Выберите действующую образовательную организацию."))
    with transaction.atomic():
        user = User.objects.create_user(
            email,
            password,
            last_name=last_name.strip(),
            first_name=first_name.strip(),
            patronymic=patronymic.strip(),
            position=position.strip(),
            is_active=False,
        )
        user.subjects.set(list(subjects))
        Membership.objects.create(
            user=user,
            organization=organization,
            role=Role.TEACHER,
            status=Membership.Status.PENDING,
            position=position.strip(),
        )
        audit.record(
            actor=None,
            action="account.registered",
            target=user,
            to_state="pending",
            comment=organization.short_name,
            district_id=organization.district_id,
        )
        notify(
            recipients=permissions.users_who_can_confirm(organization),
            kind=REGISTRATION_PENDING.code,
            title=_("Новая регистрация: %(name)s, %(org)s")
            % {"name": user.full_name, "org": organization.short_name},
            body=_("Педагог зарегистрировался и ждёт подтверждения учётной записи."),
            url=reverse("accounts:registrations"),
        )
    return user


def confirm_registration(*, actor: Any, membership: Membership) -> Membership:
    if not permissions.can_confirm_registration(actor, membership):
        raise _deny()
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("user", "organization")
            .get(pk=membership.pk)
        )
        _move(membership, Membership.Status.ACTIVE)
        membership.decided_by = actor
        membership.decided_at = timezone.now()
        membership.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        user = membership.user
        if not user.is_active and user.deactivated_at is None:
            user.is_active = True
            user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="registration.confirmed",
            target=user,
            from_state="pending",
            to_state="active",
            district_id=membership.organization.district_id,
        )
        notify(
            recipients=[user],
            kind=REGISTRATION_DECIDED.code,
            title=_("Ваша учётная запись подтверждена"),
            body=_("Вы можете войти в Методсеть: %(org)s подтвердила регистрацию.")
            % {"org": membership.organization.short_name},
            url=reverse("accounts:login"),
            actor=actor,
        )
    return membership


def reject_registration(*, actor: Any, membership: Membership, reason: str) -> Membership:
    if not permissions.can_confirm_registration(actor, membership):
        raise _deny()
    if not reason.strip():
        raise DomainError(_("Отказ в регистрации всегда сопровождается причиной. Укажите её."))
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("user", "organization")
            .get(pk=membership.pk)
        )
        _move(membership, Membership.Status.REJECTED)
        membership.decided_by = actor
        membership.decided_at = timezone.now()
        membership.decision_comment = reason.strip()
        membership.save(
            update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"]
        )
        audit.record(
            actor=actor,
            action="registration.rejected",
            target=membership.user,
            from_state="pending",
            to_state="rejected",
            comment=reason.strip(),
            district_id=membership.organization.district_id,
        )
        user = membership.user
        # The account is closed, so the decision goes by e-mail, not to the bell.
        context = {"user": user, "membership": membership, "reason": reason.strip()}
        transaction.on_commit(
            lambda: send_mail(
                _("Регистрация в Методсети отклонена"),
                render_to_string("accounts/email/registration_rejected.txt", context),
                None,
                [user.email],
            )
        )
    return membership


# --- Invitations and passwords ---------------------------------------------------------------


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Invitation links live longer than password-reset links (settings.INVITATION_TIMEOUT)
    and stop working once a password is set, because the token hashes the password."""

    key_salt = "metodset.accounts.InvitationTokenGenerator"

    def check_token(self, user: Any, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.INVITATION_TIMEOUT


invitation_tokens = InvitationTokenGenerator()


def invitation_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_tokens.make_token(user)
    return settings.SITE_URL + reverse("accounts:invitation", args=[uid, token])


def send_invitation_email(user: User, *, connection: Any = None) -> None:
    context = {"user": user, "url": invitation_url(user), "site_url": settings.SITE_URL}
    send_mail(
        _("Приглашение в Методсеть"),
        render_to_string("accounts/email/invitation.txt", context),
        None,
        [user.email],
        connection=connection,
    )
    User.objects.filter(pk=user.pk).update(invitation_sent_at=timezone.now())


def claim_first_invitation(user_id: int) -> bool:
    """Claim the first invitation of a person for sending; exactly one caller wins, so two
    workers (or a retried task) never send it twice."""
    return (
        User.objects.filter(pk=user_id, invitation_sent_at__isnull=True).update(
            invitation_sent_at=timezone.now()
        )
        == 1
    )


def resend_invitation(*, actor: Any, person: User) -> None:
    if not permissions.can_manage_account(actor, person):
        raise _deny()
    if not person.is_active:
        raise DomainError(_("Учётная запись отключена: сначала включите её."))
    audit.record(
        actor=actor, action="invitation.sent", target=person, district_id=_district_of(person)
    )
    transaction.on_commit(lambda: send_invitation_email(person))


def accept_invitation(*, user: User, password: str) -> User:
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(
            actor=user, action="invitation.accepted", target=user, district_id=_district_of(user)
        )
    return user


# --- Profile and preferences ----------------------------------------------------------------


def update_profile(
    *,
    actor: User,
    subjects: Iterable[Subject] | None = None,
    photo: Any = None,
    remove_photo: bool = False,
    **fields: Any,
) -> User:
    with transaction.atomic():
        before = audit.snapshot(actor, PROFILE_FIELDS)
        for name, value in fields.items():
            if name not in PROFILE_FIELDS:
                raise ValueError(f"Field {name} is not editable")
            setattr(actor, name, value)
        update = list(fields)
        if photo is not None:
            actor.photo = photo
            update.append("photo")
        elif remove_photo and actor.photo:
            actor.photo.delete(save=False)
            actor.photo = ""
            update.append("photo")
        actor.save(update_fields=update)
        if subjects is not None:
            actor.subjects.set(list(subjects))
        changes = audit.model_changes(actor, before, PROFILE_FIELDS)
        if changes or "photo" in update:
            audit.record(
                actor=actor,
                action="profile.updated",
                target=actor,
                changes=changes,
                district_id=_district_of(actor),
            )
    return actor


# --- API tokens -----------------------------------------------------------------------------


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_api_token(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new personal token; the raw value is shown once and never stored."""
    if not name.strip():
        raise DomainError(_("Назовите токен, чтобы потом узнать его в списке."))
    if actor.api_tokens.filter(revoked_at__isnull=True).count() >= 20:
        raise DomainError(_("У вас уже 20 действующих токенов. Отзовите ненужные."))
    raw = "mts_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name.strip()[:100], key_prefix=raw[:12], key_hash=hash_token(raw)
    )
    audit.record(actor=actor, action="api_token.issued", target=token)
    return token, raw


def revoke_api_token(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise _deny()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="api_token.revoked", target=token)
    return token


def user_for_api_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

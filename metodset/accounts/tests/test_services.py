"""Rules and transitions of people and organizations, refused ones included."""

from typing import Any

import pytest
from django.core import mail

from metodset.accounts import services
from metodset.accounts.models import (
    Membership,
    Organization,
    OrganizationKind,
    ParentLink,
    Role,
    User,
)
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.models import AuditEntry
from metodset.notifications.models import Notification

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


class TestCreateAccount:
    def test_methodist_creates_a_teacher_who_gets_an_invitation(
        self, methodist: User, world: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            user = services.create_account(
                actor=methodist,
                email=" New.Teacher@School.test ",
                last_name="Новикова",
                first_name="Ирина",
                patronymic="Сергеевна",
                organization=world.school,
                role=Role.TEACHER,
                position="учитель химии",
            )
        assert user.email == "new.teacher@school.test"
        assert not user.has_usable_password()
        membership = Membership.objects.get(user=user)
        assert (membership.role, membership.status, membership.decided_by) == (
            Role.TEACHER,
            "active",
            methodist,
        )
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["new.teacher@school.test"]
        assert "/accounts/invitation/" in mail.outbox[0].body
        entry = AuditEntry.objects.get(action="account.created")
        assert (entry.actor, entry.target_id, entry.district_id) == (
            methodist,
            str(user.pk),
            world.district.pk,
        )

    def test_duplicate_email_is_refused_case_insensitively(
        self, methodist: User, teacher: User, world: Any
    ) -> None:
        before = counts()
        with pytest.raises(DomainError, match="уже есть"):
            services.create_account(
                actor=methodist,
                email="TEACHER@school1.test",
                last_name="А",
                first_name="Б",
                organization=world.school,
                role=Role.TEACHER,
            )
        assert counts() == before
        assert mail.outbox == []

    def test_school_head_cannot_create_in_another_school(
        self, school_admin: User, world: Any
    ) -> None:
        before = counts()
        with pytest.raises(PermissionDeniedError):
            services.create_account(
                actor=school_admin,
                email="x@x.test",
                last_name="А",
                first_name="Б",
                organization=world.other_school,
                role=Role.TEACHER,
            )
        assert counts() == before

    def test_school_head_cannot_make_a_methodist_or_a_head(
        self, school_admin: User, world: Any
    ) -> None:
        for organization, role in [
            (world.school, Role.SCHOOL_ADMIN),
            (world.department, Role.DISTRICT_METHODIST),
        ]:
            with pytest.raises(PermissionDeniedError):
                services.create_account(
                    actor=school_admin,
                    email="x@x.test",
                    last_name="А",
                    first_name="Б",
                    organization=organization,
                    role=role,
                )
        assert not User.objects.filter(email="x@x.test").exists()

    def test_teacher_cannot_create_accounts(self, teacher: User, world: Any) -> None:
        with pytest.raises(PermissionDeniedError):
            services.create_account(
                actor=teacher,
                email="x@x.test",
                last_name="А",
                first_name="Б",
                organization=world.school,
                role=Role.STUDENT,
                student_class="5А",
            )

    def test_student_needs_a_class_and_others_must_not_have_one(
        self, school_admin: User, world: Any
    ) -> None:
        with pytest.raises(DomainError, match="класс"):
            services.create_account(
                actor=school_admin,
                email="s@x.test",
                last_name="А",
                first_name="Б",
                organization=world.school,
                role=Role.STUDENT,
            )
        with pytest.raises(DomainError, match="только для обучающихся"):
            services.create_account(
                actor=school_admin,
                email="t@x.test",
                last_name="А",
                first_name="Б",
                organization=world.school,
                role=Role.TEACHER,
                student_class="5А",
            )
        student = services.create_account(
            actor=school_admin,
            email="s@x.test",
            last_name="А",
            first_name="Б",
            organization=world.school,
            role=Role.STUDENT,
            student_class="5а",
            send_invitation=False,
        )
        assert Membership.objects.get(user=student).student_class == "5А"

    def test_methodist_role_only_in_the_education_department(
        self, methodist: User, world: Any
    ) -> None:
        with pytest.raises(DomainError, match="управлении образования"):
            services.create_account(
                actor=methodist,
                email="m@x.test",
                last_name="А",
                first_name="Б",
                organization=world.school,
                role=Role.DISTRICT_METHODIST,
            )

    def test_no_new_accounts_in_an_inactive_organization(self, methodist: User, world: Any) -> None:
        services.set_organization_active(
            actor=methodist, organization=world.school, is_active=False, reason="реорганизация"
        )
        with pytest.raises(DomainError, match="отключена"):
            services.create_account(
                actor=methodist,
                email="m@x.test",
                last_name="А",
                first_name="Б",
                organization=Organization.objects.get(pk=world.school.pk),
                role=Role.TEACHER,
            )


class TestAccountChanges:
    def test_update_records_the_changed_fields(self, school_admin: User, teacher: User) -> None:
        services.update_account(
            actor=school_admin, person=teacher, last_name="Новая", position="учитель истории"
        )
        teacher.refresh_from_db()
        assert teacher.last_name == "Новая"
        entry = AuditEntry.objects.get(action="account.updated")
        assert entry.changes == {
            "last_name": ["Учителева", "Новая"],
            "position": ["", "учитель истории"],
        }

    def test_update_refuses_a_taken_email(
        self, school_admin: User, teacher: User, student: User
    ) -> None:
        with pytest.raises(DomainError):
            services.update_account(actor=school_admin, person=teacher, email=student.email.upper())
        teacher.refresh_from_db()
        assert teacher.email == "teacher@school1.test"

    def test_deactivation_needs_a_reason_and_is_audited(
        self, school_admin: User, teacher: User
    ) -> None:
        with pytest.raises(DomainError, match="причину"):
            services.set_account_active(
                actor=school_admin, person=teacher, is_active=False, reason=" "
            )
        teacher.refresh_from_db()
        assert teacher.is_active
        services.set_account_active(
            actor=school_admin, person=teacher, is_active=False, reason="уволилась"
        )
        teacher.refresh_from_db()
        assert not teacher.is_active
        assert teacher.deactivated_at is not None
        entry = AuditEntry.objects.get(action="account.deactivated")
        assert (entry.from_state, entry.to_state, entry.comment) == (
            "active",
            "inactive",
            "уволилась",
        )

    def test_colleague_school_head_cannot_touch_another_schools_teacher(
        self, school_admin: User, colleague: User
    ) -> None:
        with pytest.raises(PermissionDeniedError):
            services.set_account_active(
                actor=school_admin, person=colleague, is_active=False, reason="x"
            )
        colleague.refresh_from_db()
        assert colleague.is_active

    def test_roles_are_granted_and_ended(self, methodist: User, teacher: User, world: Any) -> None:
        membership = services.add_membership(
            actor=methodist, person=teacher, organization=world.department, role=Role.EXPERT
        )
        assert membership.status == "active"
        with pytest.raises(DomainError, match="уже есть"):
            services.add_membership(
                actor=methodist, person=teacher, organization=world.department, role=Role.EXPERT
            )
        services.end_membership(
            actor=methodist, membership=membership, reason="срок полномочий истёк"
        )
        membership.refresh_from_db()
        assert membership.status == "ended"
        again = services.add_membership(
            actor=methodist, person=teacher, organization=world.department, role=Role.EXPERT
        )
        assert again.pk == membership.pk
        assert again.status == "active"

    def test_parent_is_linked_to_a_student_only(
        self, school_admin: User, student: User, teacher: User, world: Any
    ) -> None:
        mother = services.create_account(
            actor=school_admin,
            email="mama@mail.test",
            last_name="Ученикова",
            first_name="Ольга",
            organization=world.school,
            role=Role.PARENT,
            send_invitation=False,
        )
        services.link_parent(actor=school_admin, parent=mother, child=student)
        assert ParentLink.objects.filter(parent=mother, child=student).exists()
        with pytest.raises(DomainError, match="уже связан"):
            services.link_parent(actor=school_admin, parent=mother, child=student)
        with pytest.raises(DomainError, match="не обучающийся"):
            services.link_parent(actor=school_admin, parent=mother, child=teacher)


class TestOrganizations:
    def test_methodist_creates_edits_and_deactivates(self, methodist: User, world: Any) -> None:
        kind = OrganizationKind.objects.get(code="lyceum")
        lyceum = services.create_organization(
            actor=methodist,
            district=world.district,
            kind=kind,
            name="Муниципальное автономное общеобразовательное учреждение «Лицей №7»",
            short_name="МАОУ Лицей №7",
            address="ул. Ленина, 7",
        )
        assert lyceum.region_id == world.district.region_id
        with pytest.raises(DomainError, match="уже есть"):
            services.create_organization(
                actor=methodist,
                district=world.district,
                kind=kind,
                name="x",
                short_name="маоу лицей №7",
            )
        services.update_organization(
            actor=methodist, organization=lyceum, phone="+7 (38244) 2-11-11"
        )
        services.set_organization_active(
            actor=methodist, organization=lyceum, is_active=False, reason="закрыт на ремонт"
        )
        lyceum.refresh_from_db()
        assert not lyceum.is_active
        assert list(
            AuditEntry.objects.filter(target_id=str(lyceum.pk))
            .order_by("id")
            .values_list("action", flat=True)
        ) == [
            "organization.created",
            "organization.updated",
            "organization.deactivated",
        ]

    def test_others_cannot_manage_organizations(
        self, school_admin: User, outsider: User, world: Any
    ) -> None:
        kind = OrganizationKind.objects.get(code="school")
        for actor in (school_admin, outsider):
            with pytest.raises(PermissionDeniedError):
                services.create_organization(
                    actor=actor, district=world.district, kind=kind, name="x", short_name="y"
                )
            with pytest.raises(PermissionDeniedError):
                services.update_organization(actor=actor, organization=world.school, phone="1")
        assert not Organization.objects.filter(short_name="y").exists()


class TestRegistration:
    def register(self, world: Any) -> User:
        return services.register_teacher(
            email="Self@School.test",
            password="Strong-pass-2026",
            last_name="Самостоятельная",
            first_name="Дарья",
            organization=world.school,
            position="учитель биологии",
        )

    def test_registration_waits_and_tells_the_head_and_the_district(
        self, school_admin: User, methodist: User, colleague: User, world: Any
    ) -> None:
        user = self.register(world)
        assert not user.is_active
        assert Membership.objects.get(user=user).status == "pending"
        notified = set(
            Notification.objects.filter(kind="accounts.registration_pending").values_list(
                "recipient_id", flat=True
            )
        )
        assert notified == {school_admin.pk, methodist.pk}

    def test_confirmation_opens_the_account_and_tells_the_teacher(
        self, school_admin: User, world: Any
    ) -> None:
        user = self.register(world)
        membership = Membership.objects.get(user=user)
        services.confirm_registration(actor=school_admin, membership=membership)
        user.refresh_from_db()
        assert user.is_active
        assert (
            Notification.objects.filter(
                recipient=user, kind="accounts.registration_decided"
            ).count()
            == 1
        )
        with pytest.raises(DomainError):
            services.confirm_registration(actor=school_admin, membership=membership)

    def test_rejection_needs_reasons_and_mails_them(
        self, methodist: User, world: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        user = self.register(world)
        membership = Membership.objects.get(user=user)
        with pytest.raises(DomainError, match="причиной"):
            services.reject_registration(actor=methodist, membership=membership, reason="")
        assert Membership.objects.get(pk=membership.pk).status == "pending"
        with django_capture_on_commit_callbacks(execute=True):
            services.reject_registration(
                actor=methodist, membership=membership, reason="Не работает в этой школе"
            )
        assert Membership.objects.get(pk=membership.pk).status == "rejected"
        assert "Не работает в этой школе" in mail.outbox[-1].body
        user.refresh_from_db()
        assert not user.is_active

    def test_another_schools_head_cannot_decide(self, world: Any) -> None:
        from metodset.accounts.tests.factories import person

        other_head = person(world.other_school, Role.SCHOOL_ADMIN)
        user = self.register(world)
        with pytest.raises(PermissionDeniedError):
            services.confirm_registration(
                actor=other_head, membership=Membership.objects.get(user=user)
            )

    def test_taken_email_is_refused(self, teacher: User, world: Any) -> None:
        with pytest.raises(DomainError, match="уже зарегистрирован"):
            services.register_teacher(
                email="TEACHER@school1.test",
                password="x",
                last_name="А",
                first_name="Б",
                organization=world.school,
            )


class TestInvitation:
    def test_token_works_once(self, teacher: User) -> None:
        teacher.set_unusable_password()
        teacher.save()
        token = services.invitation_tokens.make_token(teacher)
        assert services.invitation_tokens.check_token(teacher, token)
        services.accept_invitation(user=teacher, password="Brand-new-2026")
        teacher.refresh_from_db()
        assert not services.invitation_tokens.check_token(teacher, token)

    def test_token_expires_after_fourteen_days(self, teacher: User, time_machine: Any) -> None:
        time_machine.move_to("2026-09-01 10:00:00+03:00")
        token = services.invitation_tokens.make_token(teacher)
        time_machine.move_to("2026-09-14 10:00:00+03:00")
        assert services.invitation_tokens.check_token(teacher, token)
        time_machine.move_to("2026-09-15 11:00:00+03:00")
        assert not services.invitation_tokens.check_token(teacher, token)


class TestApiTokens:
    def test_issue_use_revoke(self, teacher: User) -> None:
        token, raw = services.issue_api_token(actor=teacher, name="Мой скрипт")
        assert raw.startswith("mts_")
        assert token.key_hash != raw
        assert services.user_for_api_token(raw) == teacher
        services.revoke_api_token(actor=teacher, token=token)
        assert services.user_for_api_token(raw) is None

    def test_someone_elses_token_cannot_be_revoked(self, teacher: User, colleague: User) -> None:
        token, raw = services.issue_api_token(actor=teacher, name="x")
        with pytest.raises(PermissionDeniedError):
            services.revoke_api_token(actor=colleague, token=token)
        assert services.user_for_api_token(raw) == teacher


class TestAdminAccess:
    def test_methodist_role_opens_the_admin_and_ending_it_closes(
        self, methodist: User, teacher: User, world: Any
    ) -> None:
        membership = services.add_membership(
            actor=methodist,
            person=teacher,
            organization=world.department,
            role=Role.DISTRICT_METHODIST,
        )
        teacher.refresh_from_db()
        assert teacher.is_staff
        assert teacher.has_perm("accounts.add_subject")
        assert not teacher.has_perm("accounts.change_user")
        services.end_membership(actor=methodist, membership=membership, reason="перевод")
        teacher = User.objects.get(pk=teacher.pk)
        assert not teacher.is_staff
        assert not teacher.has_perm("accounts.add_subject")

"""Managing accounts, organizations and registrations through the pages."""

import io
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from metodset.accounts import services
from metodset.accounts.models import Membership, Organization, ParentLink, User
from metodset.core.models import AuditEntry

pytestmark = pytest.mark.django_db


class TestPeople:
    def test_head_creates_a_student_in_own_school(
        self, school_admin: User, login: Any, world: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        client = login(school_admin)
        data = {
            "last_name": "Новенький",
            "first_name": "Артём",
            "email": "artem@school.test",
            "organization": world.school.pk,
            "role": "student",
            "student_class": "5б",
            "send_invitation": "on",
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/manage/people/new/", data)
        user = User.objects.get(email="artem@school.test")
        assert response["Location"] == f"/manage/people/{user.pk}/"
        assert Membership.objects.get(user=user).student_class == "5Б"
        assert mail.outbox[0].to == ["artem@school.test"]

    def test_error_keeps_what_was_typed(
        self, school_admin: User, teacher: User, login: Any, world: Any
    ) -> None:
        client = login(school_admin)
        data = {
            "last_name": "Дубликатова",
            "first_name": "Ия",
            "email": teacher.email,
            "organization": world.school.pk,
            "role": "teacher",
        }
        page = client.post("/manage/people/new/", data).content.decode()
        assert "уже есть" in page
        assert 'value="Дубликатова"' in page
        assert User.objects.filter(last_name="Дубликатова").count() == 0

    def test_head_cannot_pick_another_school(
        self, school_admin: User, login: Any, world: Any
    ) -> None:
        client = login(school_admin)
        data = {
            "last_name": "А",
            "first_name": "Б",
            "email": "ab@school.test",
            "organization": world.other_school.pk,
            "role": "teacher",
        }
        page = client.post("/manage/people/new/", data).content.decode()
        assert "Выберите корректный вариант" in page
        assert not User.objects.filter(email="ab@school.test").exists()

    def test_edit_deactivate_and_reactivate(
        self, school_admin: User, teacher: User, login: Any
    ) -> None:
        client = login(school_admin)
        client.post(
            f"/manage/people/{teacher.pk}/",
            {"last_name": "Иная", "first_name": "Анна", "email": "anna@school1.test"},
        )
        teacher.refresh_from_db()
        assert (teacher.last_name, teacher.email) == ("Иная", "anna@school1.test")
        response = client.post(
            f"/manage/people/{teacher.pk}/active/", {"active": "0", "reason": ""}, follow=True
        )
        assert "Укажите причину" in response.content.decode()
        client.post(f"/manage/people/{teacher.pk}/active/", {"active": "0", "reason": "декрет"})
        teacher.refresh_from_db()
        assert not teacher.is_active
        client.post(f"/manage/people/{teacher.pk}/active/", {"active": "1"})
        teacher.refresh_from_db()
        assert teacher.is_active

    def test_methods_and_outsiders(
        self, school_admin: User, colleague: User, teacher: User, login: Any
    ) -> None:
        client = login(school_admin)
        assert client.get(f"/manage/people/{teacher.pk}/active/").status_code == 405
        assert (
            client.post(
                f"/manage/people/{colleague.pk}/active/", {"active": "0", "reason": "x"}
            ).status_code
            == 403
        )
        assert (
            client.post("/manage/people/999999/active/", {"active": "0", "reason": "x"}).status_code
            == 404
        )
        colleague.refresh_from_db()
        assert colleague.is_active

    def test_methodist_adds_and_ends_a_role(
        self, methodist: User, teacher: User, login: Any, world: Any
    ) -> None:
        client = login(methodist)
        client.post(
            f"/manage/people/{teacher.pk}/roles/",
            {"role-organization": world.department.pk, "role-role": "expert"},
        )
        membership = Membership.objects.get(user=teacher, role="expert")
        client.post(f"/manage/roles/{membership.pk}/end/", {"reason": "истёк срок"})
        membership.refresh_from_db()
        assert membership.status == "ended"

    def test_parent_is_created_and_linked(
        self, school_admin: User, student: User, login: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        client = login(school_admin)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"/manage/people/{student.pk}/parents/",
                {
                    "parent-parent_email": "papa@mail.test",
                    "parent-last_name": "Учеников",
                    "parent-first_name": "Андрей",
                },
            )
        papa = User.objects.get(email="papa@mail.test")
        assert ParentLink.objects.filter(parent=papa, child=student).exists()
        assert Membership.objects.filter(user=papa, role="parent", status="active").count() == 1
        assert mail.outbox[-1].to == ["papa@mail.test"]

    def test_people_list_is_scoped_and_filtered(
        self, school_admin: User, teacher: User, colleague: User, student: User, login: Any
    ) -> None:
        client = login(school_admin)
        page = client.get("/manage/people/").content.decode()
        assert teacher.full_name in page
        assert student.full_name in page
        assert colleague.full_name not in page
        page = client.get("/manage/people/?role=student").content.decode()
        assert student.full_name in page
        assert teacher.full_name not in page

    def test_people_list_query_count_does_not_grow(
        self, methodist: User, login: Any, world: Any, django_assert_max_num_queries: Any
    ) -> None:
        from metodset.accounts.tests.factories import person

        for _ in range(50):
            person(world.school)
        client = login(methodist)
        with django_assert_max_num_queries(16):
            assert client.get("/manage/people/").status_code == 200


class TestOrganizations:
    def test_methodist_creates_edits_and_deactivates(
        self, methodist: User, login: Any, world: Any
    ) -> None:
        client = login(methodist)
        kind = 3
        from metodset.accounts.models import OrganizationKind

        kind = OrganizationKind.objects.get(code="gymnasium").pk
        response = client.post(
            "/manage/organizations/new/",
            {
                "kind": kind,
                "short_name": "МАОУ Гимназия №5",
                "name": "Муниципальное автономное общеобразовательное учреждение «Гимназия №5»",
            },
        )
        organization = Organization.objects.get(short_name="МАОУ Гимназия №5")
        assert response["Location"] == f"/organizations/{organization.pk}/"
        assert organization.district == world.district
        page = client.post(
            "/manage/organizations/new/",
            {"kind": kind, "short_name": "маоу гимназия №5", "name": "x"},
        ).content.decode()
        assert "уже есть организация" in page
        client.post(
            f"/manage/organizations/{organization.pk}/",
            {
                "kind": kind,
                "short_name": "МАОУ Гимназия №5",
                "name": organization.name,
                "phone": "22-33-44",
            },
        )
        organization.refresh_from_db()
        assert organization.phone == "22-33-44"
        client.post(
            f"/manage/organizations/{organization.pk}/active/",
            {"active": "0", "reason": "объединение"},
        )
        organization.refresh_from_db()
        assert not organization.is_active
        assert client.get("/organizations/").content.decode().count("МАОУ Гимназия №5") == 0
        assert Client().get(f"/organizations/{organization.pk}/").status_code == 404

    def test_head_cannot_edit_the_organization(
        self, school_admin: User, login: Any, world: Any
    ) -> None:
        client = login(school_admin)
        assert (
            client.post(
                f"/manage/organizations/{world.school.pk}/", {"short_name": "x"}
            ).status_code
            == 403
        )
        assert (
            client.post(
                f"/manage/organizations/{world.school.pk}/active/", {"active": "0", "reason": "x"}
            ).status_code
            == 403
        )
        world.school.refresh_from_db()
        assert world.school.is_active
        assert world.school.short_name == "МБОУ СОШ №1"

    def test_catalogue_lists_teachers_of_an_organization(
        self, client: Client, teacher: User, world: Any
    ) -> None:
        page = client.get(f"/organizations/{world.school.pk}/").content.decode()
        assert teacher.full_name in page


class TestRegistrations:
    def register(self, world: Any) -> Membership:
        services.register_teacher(
            email="self@school.test",
            password="Strong-pass-2026",
            last_name="Заявкина",
            first_name="Юлия",
            organization=world.school,
        )
        return Membership.objects.get(user__email="self@school.test")

    def test_head_confirms(self, school_admin: User, login: Any, world: Any) -> None:
        membership = self.register(world)
        client = login(school_admin)
        assert "Заявкина Юлия" in client.get("/manage/registrations/").content.decode()
        client.post(f"/manage/registrations/{membership.pk}/confirm/")
        assert User.objects.get(email="self@school.test").is_active

    def test_reject_without_reason_changes_nothing(
        self, methodist: User, login: Any, world: Any
    ) -> None:
        membership = self.register(world)
        client = login(methodist)
        response = client.post(
            f"/manage/registrations/{membership.pk}/reject/", {"reason": ""}, follow=True
        )
        assert "причиной" in response.content.decode()
        membership.refresh_from_db()
        assert membership.status == "pending"
        assert mail.outbox == []

    def test_other_school_head_gets_404(self, login: Any, world: Any) -> None:
        from metodset.accounts.tests.factories import person

        membership = self.register(world)
        client = login(person(world.other_school, "school_admin"))
        assert client.post(f"/manage/registrations/{membership.pk}/confirm/").status_code == 404
        assert "Заявкина" not in client.get("/manage/registrations/").content.decode()
        membership.refresh_from_db()
        assert membership.status == "pending"


def _image(fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


class TestProfile:
    def test_edit_with_photo(self, teacher: User, login: Any) -> None:
        client = login(teacher)
        photo = SimpleUploadedFile("me.png", _image(), content_type="image/png")
        response = client.post(
            "/profile/",
            {
                "last_name": "Учителева",
                "first_name": "Анна",
                "patronymic": "Павловна",
                "position": "учитель физики",
                "qualification_category": "highest",
                "about": "Стаж 20 лет",
                "photo": photo,
            },
        )
        assert response.status_code == 302
        teacher.refresh_from_db()
        assert teacher.position == "учитель физики"
        assert teacher.photo
        page = Client().get(f"/people/{teacher.pk}/").content.decode()
        assert "высшая" in page
        assert "Стаж 20 лет" in page
        client.post(
            "/profile/", {"last_name": "Учителева", "first_name": "Анна", "remove_photo": "on"}
        )
        teacher.refresh_from_db()
        assert not teacher.photo

    def test_a_fake_image_is_refused_and_the_rest_kept(self, teacher: User, login: Any) -> None:
        client = login(teacher)
        fake = SimpleUploadedFile("me.png", b"MZ\x90\x00 not an image", content_type="image/png")
        page = client.post(
            "/profile/", {"last_name": "Новая-фамилия", "first_name": "Анна", "photo": fake}
        ).content.decode()
        assert "Загрузите правильное изображение" in page
        assert 'value="Новая-фамилия"' in page
        teacher.refresh_from_db()
        assert teacher.last_name == "Учителева"

    def test_empty_name_is_refused(self, teacher: User, login: Any) -> None:
        page = (
            login(teacher)
            .post("/profile/", {"last_name": "", "first_name": "Анна"})
            .content.decode()
        )
        assert "Обязательное поле" in page


class TestAudit:
    def test_methodist_sees_district_entries_only(
        self, methodist: User, school_admin: User, teacher: User, outsider: User, login: Any
    ) -> None:
        services.update_account(actor=school_admin, person=teacher, position="завуч")
        from metodset.core import audit

        audit.record(
            actor=outsider,
            action="account.updated",
            target=outsider,
            district_id=outsider.memberships.get().organization.district_id,
        )
        page = login(methodist).get("/manage/audit/").content.decode()
        assert "Учётная запись изменена" in page
        assert teacher.full_name in page
        assert outsider.full_name not in page
        assert AuditEntry.objects.count() == 2


class TestCatalogueQueries:
    """Public lists make a fixed number of queries, however many rows they show."""

    def test_teachers_and_organizations(
        self, client: Client, world: Any, django_assert_num_queries: Any
    ) -> None:
        from metodset.accounts.tests.factories import OrganizationFactory, person

        for index in range(50):
            school = (
                OrganizationFactory(district=world.district) if index % 5 == 0 else world.school
            )
            person(school)
        with django_assert_num_queries(6):
            assert client.get("/teachers/").status_code == 200
        with django_assert_num_queries(4):
            assert client.get("/organizations/").status_code == 200
        # The organization, its staff, their subjects, the count of the library's section,
        # the groups' section (who takes part in what) and the coming events.
        with django_assert_num_queries(6):
            assert client.get(f"/organizations/{world.school.pk}/").status_code == 200


def test_student_form_has_no_position_or_subjects(
    school_admin: User, student: User, login: Any
) -> None:
    client = login(school_admin)
    page = client.get(f"/manage/people/{student.pk}/").content.decode()
    assert 'name="subjects"' not in page
    assert 'name="position"' not in page
    client.post(
        f"/manage/people/{student.pk}/",
        {"last_name": "Ученикова", "first_name": "Мария", "email": student.email},
    )
    student.refresh_from_db()
    assert student.first_name == "Мария"


def test_a_teacher_with_two_roles_is_listed_with_the_school_once(
    client: Client, teacher: User, world: Any
) -> None:
    Membership.objects.create(user=teacher, organization=world.school, role="school_admin")
    page = client.get("/teachers/").content.decode()
    assert page.count(f'<span class="me-2">{world.school.short_name}</span>') == 1


def test_the_teacher_list_narrows_by_district_then_school(
    client: Client, teacher: User, colleague: User, outsider: User, world: Any
) -> None:
    Membership.objects.create(user=teacher, organization=world.school, role="school_admin")
    everyone = client.get("/teachers/").content.decode()
    assert teacher.full_name in everyone
    assert everyone.count(teacher.full_name) == 1, "two roles, one line"
    assert outsider.full_name in everyone
    assert 'id="organization"' not in everyone, "schools are offered within a district"
    district = client.get(f"/teachers/?district={world.district.pk}").content.decode()
    assert teacher.full_name in district
    assert colleague.full_name in district
    assert outsider.full_name not in district
    schools = district[district.index('id="organization"') :].split("</select>")[0]
    assert world.school.short_name in schools
    assert world.far_school.short_name not in schools
    school = client.get(f"/teachers/?organization={world.other_school.pk}").content.decode()
    assert colleague.full_name in school
    assert teacher.full_name not in school
    assert f'<option value="{world.district.pk}" selected' in school

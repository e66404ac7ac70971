"""`metodset seed_demo`: the demo district, its fixed logins and its rebuild."""

import io
import re
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command

from metodset.accounts import demo
from metodset.accounts.models import (
    District,
    Membership,
    Organization,
    ParentLink,
    Role,
    User,
)

SMALL = [
    "--districts",
    "2",
    "--schools",
    "5",
    "--teachers-per-school",
    "7",
    "--students-per-school",
    "12",
]

EXPECTED_ROLES = {
    "methodist": (Role.DISTRICT_METHODIST, "education_department"),
    "expert": (Role.EXPERT, "education_department"),
    "director": (Role.SCHOOL_ADMIN, "school"),
    "teacher": (Role.TEACHER, "school"),
    "teacher2": (Role.TEACHER, None),
    "student": (Role.STUDENT, "school"),
    "parent": (Role.PARENT, "school"),
}


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *SMALL, *args, stdout=out)
    return out.getvalue()


def login(key: str) -> User:
    return User.objects.get(email=demo.demo_email(key))


@pytest.mark.django_db
def test_every_demo_login_exists_with_its_role_and_the_password() -> None:
    """Each fixed login has its role, the shared password (valid by the validators) works."""
    seed("--quiet")

    for key, (role, kind) in EXPECTED_ROLES.items():
        user = login(key)
        membership = Membership.objects.select_related("organization__kind").get(
            user=user, role=role
        )
        assert membership.status == Membership.Status.ACTIVE
        if kind is not None:
            assert membership.organization.kind.code == kind
        assert user.check_password(demo.DEMO_PASSWORD), key
        validate_password(demo.DEMO_PASSWORD, user)
        # Only methodists reach the Django admin (reference rows, the journal).
        assert user.is_staff is (role == Role.DISTRICT_METHODIST), key
    admin = login("admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.check_password(demo.DEMO_PASSWORD)


@pytest.mark.django_db
def test_fixed_logins_sit_where_the_table_says() -> None:
    """director, teacher and student share school 1; teacher2 is in another school of the
    district; parent@ is the parent of student@ in the same school; methodist and expert
    work in the first district's education department."""
    seed("--quiet")
    school = Membership.objects.get(user=login("director"), role=Role.SCHOOL_ADMIN).organization
    assert Membership.objects.get(user=login("teacher"), role=Role.TEACHER).organization == school
    student = Membership.objects.get(user=login("student"), role=Role.STUDENT)
    assert student.organization == school
    assert student.student_class == "7Б"
    other = Membership.objects.get(user=login("teacher2"), role=Role.TEACHER).organization
    assert other != school
    assert other.district_id == school.district_id
    assert ParentLink.objects.filter(parent=login("parent"), child=login("student")).exists()
    assert Membership.objects.get(user=login("parent"), role=Role.PARENT).organization == school
    department = Membership.objects.get(user=login("methodist")).organization
    assert department.district_id == school.district_id
    assert department.kind.is_education_authority
    assert school.director_name == login("director").full_name


@pytest.mark.django_db
def test_everyone_else_has_an_unusable_password() -> None:
    seed("--quiet")
    fixed = [demo.demo_email(key) for key, _label in demo.FIXED_LOGINS]
    others = demo.demo_users().exclude(email__in=fixed)
    assert others.count() > 50
    assert all(not user.has_usable_password() for user in others)


@pytest.mark.django_db
def test_districts_and_organizations_are_realistic() -> None:
    """Tomsk Oblast districts, each with a department, an РМЦ and named schools."""
    seed("--quiet")
    districts = list(demo.demo_districts().order_by("pk"))
    assert [d.name for d in districts] == ["Кожевниковский район", "Шегарский район"]
    assert {d.region.name for d in districts} == {"Томская область"}
    for district in districts:
        kinds = list(
            Organization.objects.filter(district=district).values_list("kind__code", flat=True)
        )
        assert kinds.count("education_department") == 1
        assert kinds.count("resource_centre") == 1
    names = set(
        Organization.objects.filter(district=districts[0]).values_list("short_name", flat=True)
    )
    assert {"МБОУ «Кожевниковская СОШ №1»", "МАОУ «Гимназия №2»", "МАОУ «Лицей №3»"} <= names


@pytest.mark.django_db
def test_students_have_classes_and_parents_are_linked() -> None:
    seed("--quiet")
    students = Membership.objects.filter(
        role=Role.STUDENT, user__email__endswith=f"@{demo.DEMO_EMAIL_DOMAIN}"
    )
    assert students.count() >= 12
    assert all(re.fullmatch(r"(?:[1-9]|1[01])[А-Г]", m.student_class) for m in students)
    assert all(m.organization.kind.code in {"school", "gymnasium", "lyceum"} for m in students)

    parents = Membership.objects.filter(
        role=Role.PARENT, user__email__endswith=f"@{demo.DEMO_EMAIL_DOMAIN}"
    )
    assert parents.count() >= 1
    for membership in parents:
        links = ParentLink.objects.filter(parent=membership.user)
        assert links.count() == 1
        child = links.get().child
        assert child.last_name.rstrip("а") == membership.user.last_name.rstrip("а")
        assert Membership.objects.filter(
            user=child, role=Role.STUDENT, organization=membership.organization
        ).exists()


@pytest.mark.django_db
def test_names_are_gender_consistent() -> None:
    """A feminine patronymic goes with a woman's (girl's) first name, and back."""
    seed("--quiet")
    women = set(demo.FEMALE_NAMES) | set(demo.GIRL_NAMES)
    men = set(demo.MALE_NAMES) | set(demo.BOY_NAMES) | {f for f, _m, _w in demo.PATRONYMICS}
    people = demo.demo_users().exclude(email=demo.demo_email("admin"))
    for user in people:
        if user.patronymic.endswith(("вна", "чна")):
            assert user.first_name in women, user.full_name
        else:
            assert user.first_name in men, user.full_name


@pytest.mark.django_db
def test_teachers_have_positions_subjects_and_categories() -> None:
    seed("--quiet")
    teacher = login("teacher")
    assert teacher.position == "учитель математики"
    assert set(teacher.subjects.values_list("name", flat=True)) == {
        "Математика",
        "Алгебра",
        "Геометрия",
    }
    teachers = User.objects.filter(
        memberships__role=Role.TEACHER, email__endswith=f"@{demo.DEMO_EMAIL_DOMAIN}"
    ).distinct()
    assert all(user.position for user in teachers)
    assert all(user.subjects.exists() for user in teachers)
    categories = set(teachers.values_list("qualification_category", flat=True))
    assert {User.Category.HIGHEST, User.Category.FIRST} <= categories
    assert Membership.objects.filter(position="заместитель директора по УВР").exists()


@pytest.mark.django_db
def test_running_twice_rebuilds_without_duplicates() -> None:
    seed("--quiet")
    counts = (
        User.objects.count(),
        Membership.objects.count(),
        Organization.objects.count(),
        District.objects.count(),
        ParentLink.objects.count(),
    )
    first_teacher_pk = login("teacher").pk

    seed("--quiet")

    assert (
        User.objects.count(),
        Membership.objects.count(),
        Organization.objects.count(),
        District.objects.count(),
        ParentLink.objects.count(),
    ) == counts
    assert login("teacher").pk != first_teacher_pk
    assert User.objects.filter(email=demo.demo_email("teacher")).count() == 1


@pytest.mark.django_db
def test_if_empty_keeps_an_existing_demo_and_prints_the_logins() -> None:
    seed("--quiet")
    teacher_pk = login("teacher").pk

    output = seed("--if-empty")

    assert login("teacher").pk == teacher_pk
    assert "уже есть" in output
    assert demo.demo_email("methodist") in output
    assert demo.DEMO_PASSWORD in output


@pytest.mark.django_db
def test_output_is_a_table_of_the_logins() -> None:
    output = seed()
    for key, label in demo.FIXED_LOGINS:
        line = next(line for line in output.splitlines() if demo.demo_email(key) in line)
        assert label in line
    assert demo.DEMO_PASSWORD in output


@pytest.mark.django_db
def test_non_demo_data_is_untouched(world: Any, teacher: User) -> None:
    """Real districts, organizations and people survive; a real person's role in a demo
    organization goes with the organization, the person stays."""
    seed("--quiet")
    demo_school = Organization.objects.get(
        short_name="МАОУ «Гимназия №2»", district__slug="demo-kozhevnikovskiy"
    )
    guest_teacher = User.objects.create_user(
        "real@school.test", last_name="Гостева", first_name="Анна"
    )
    Membership.objects.create(user=guest_teacher, organization=demo_school, role=Role.TEACHER)
    before = {
        "districts": set(
            District.objects.exclude(slug__startswith="demo-").values_list("pk", flat=True)
        ),
        "organizations": set(
            Organization.objects.filter(
                district__in=[world.district, world.other_district]
            ).values_list("pk", flat=True)
        ),
        "teacher_roles": list(Membership.objects.filter(user=teacher).values_list("pk", flat=True)),
    }

    seed("--quiet")

    assert (
        set(District.objects.exclude(slug__startswith="demo-").values_list("pk", flat=True))
        == before["districts"]
    )
    assert (
        set(
            Organization.objects.filter(
                district__in=[world.district, world.other_district]
            ).values_list("pk", flat=True)
        )
        == before["organizations"]
    )
    assert (
        list(Membership.objects.filter(user=teacher).values_list("pk", flat=True))
        == before["teacher_roles"]
    )
    assert User.objects.filter(pk=guest_teacher.pk).exists()
    assert not Membership.objects.filter(user=guest_teacher).exists()


@pytest.mark.django_db
def test_refuses_in_production_without_the_flag(settings: Any) -> None:
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        seed("--quiet")
    assert not demo.demo_exists()


@pytest.mark.django_db
def test_too_few_schools_is_an_error() -> None:
    with pytest.raises(CommandError):
        call_command("seed_demo", "--schools", "1", "--quiet")
    assert not demo.demo_exists()


@pytest.mark.django_db
def test_more_districts_than_the_region_has_get_numbered_names() -> None:
    call_command(
        "seed_demo",
        "--districts",
        "17",
        "--schools",
        "17",
        "--teachers-per-school",
        "1",
        "--students-per-school",
        "0",
        "--quiet",
    )
    assert demo.demo_districts().count() == 17
    assert District.objects.filter(slug="demo-district-17", name="Муниципальный район №17").exists()


def test_demo_people_are_found_by_name_and_methodists_reach_the_admin(db: Any) -> None:
    from metodset.accounts import permissions, selectors
    from metodset.accounts.demo import DemoOptions, build_demo
    from metodset.accounts.models import User as DemoUser

    build_demo(
        DemoOptions(schools=3, teachers_per_school=3, students_per_school=2, districts=1, seed=5)
    )
    teacher = DemoUser.objects.get(email="teacher@demo.metodset.ru")
    found = selectors.public_teachers(text=teacher.last_name.upper())
    assert teacher in list(found)
    methodist = DemoUser.objects.get(email="methodist@demo.metodset.ru")
    assert methodist.is_staff
    assert methodist.has_perm("accounts.add_subject")
    assert permissions.can_manage_account(methodist, teacher)

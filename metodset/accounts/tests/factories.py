"""Factories for people and organizations. Workflow states come from services, not here."""

from typing import Any

import factory
from factory.django import DjangoModelFactory

from metodset.accounts.models import (
    District,
    Membership,
    Organization,
    OrganizationKind,
    Region,
    Role,
    Subject,
    User,
)

TEST_PASSWORD = "Metodset-test-2026"


class RegionFactory(DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = "Томская область"


class DistrictFactory(DjangoModelFactory[District]):
    class Meta:
        model = District

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Район №{n}")
    slug = factory.Sequence(lambda n: f"district-{n}")


class OrganizationKindFactory(DjangoModelFactory[OrganizationKind]):
    class Meta:
        model = OrganizationKind
        django_get_or_create = ("code",)

    code = "school"
    name = "Общеобразовательная школа"
    name_plural = "Общеобразовательные школы"


class OrganizationFactory(DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    district = factory.SubFactory(DistrictFactory)
    region = factory.LazyAttribute(lambda o: o.district.region)
    kind = factory.SubFactory(OrganizationKindFactory)
    short_name = factory.Sequence(lambda n: f"МБОУ СОШ №{n + 1}")
    name = factory.LazyAttribute(
        lambda o: f"Муниципальное бюджетное общеобразовательное учреждение «{o.short_name}»"
    )


class EducationDepartmentFactory(OrganizationFactory):
    kind = factory.SubFactory(
        OrganizationKindFactory,
        code="education_department",
        name="Управление образования",
        name_plural="Управления образования",
        is_education_authority=True,
        has_students=False,
    )
    short_name = factory.Sequence(lambda n: f"Управление образования {n}")


class SubjectFactory(DjangoModelFactory[Subject]):
    class Meta:
        model = Subject
        django_get_or_create = ("name",)

    name = "Математика"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@school.test")
    last_name = factory.Iterator(["Иванова", "Петров", "Смирнова", "Кузнецов", "Соколова"])
    first_name = factory.Iterator(["Анна", "Сергей", "Мария", "Дмитрий", "Елена"])
    patronymic = factory.Iterator(["Павловна", "Иванович", "Олеговна", "Андреевич", "Викторовна"])

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:  # noqa: N805
        obj.set_password(extracted or TEST_PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.TEACHER


def person(organization: Organization, role: str = Role.TEACHER, **fields: Any) -> User:
    """A person with one active role in `organization`."""
    student_class = fields.pop("student_class", "7Б" if role == Role.STUDENT else "")
    user = UserFactory(**fields)
    MembershipFactory(user=user, organization=organization, role=role, student_class=student_class)
    return user

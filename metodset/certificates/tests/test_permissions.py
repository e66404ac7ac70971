"""Who may download, revoke and read a certificate in full, for every persona; the
predicates agree with the querysets."""

from typing import Any

import pytest

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import MembershipFactory, person
from metodset.certificates import permissions, services
from metodset.certificates.models import Certificate
from metodset.certificates.tests.conftest import Issue
from metodset.conftest import PERSONAS, World

pytestmark = pytest.mark.django_db

# The teacher holds the certificate, the school head issued it, the methodist runs the
# district: these three download it; nobody else does.
MAY_DOWNLOAD = {"teacher", "school_admin", "methodist"}
MAY_REVOKE = {"school_admin", "methodist"}


@pytest.mark.parametrize("who", PERSONAS)
def test_download_and_revoke_matrix(
    who: str, request: pytest.FixtureRequest, certificate: Certificate
) -> None:
    user = request.getfixturevalue(who)

    assert permissions.can_download_certificate(user, certificate) is (who in MAY_DOWNLOAD)
    assert permissions.can_revoke_certificate(user, certificate) is (who in MAY_REVOKE)


@pytest.mark.parametrize("who", PERSONAS)
def test_visible_agrees_with_can_download(
    who: str, request: pytest.FixtureRequest, issue: Issue, world: World, student: User
) -> None:
    user = request.getfixturevalue(who)
    teacher = request.getfixturevalue("teacher")
    methodist = request.getfixturevalue("methodist")
    certificates = [
        issue(teacher),
        issue(student, holder_organization=""),
        issue(teacher, district=world.other_district),
        issue(teacher, district=None, actor=methodist),
    ]

    visible = set(permissions.certificates_visible_to(user).values_list("pk", flat=True))

    assert visible == {c.pk for c in certificates if permissions.can_download_certificate(user, c)}


def test_a_regional_methodist_and_a_superuser_download_too(
    certificate: Certificate, world: World
) -> None:
    region_methodist = person(world.department, Role.REGION_METHODIST, email="region@uo.test")
    superuser = User.objects.create_superuser("root@metodset.test", "x")

    assert permissions.can_download_certificate(region_methodist, certificate)
    assert permissions.can_download_certificate(superuser, certificate)
    assert permissions.can_revoke_certificate(superuser, certificate)


def test_a_revoked_certificate_cannot_be_revoked_again(
    certificate: Certificate, methodist: User
) -> None:
    revoked = services.revoke_certificate(
        actor=methodist, certificate=certificate, reason="Ошибка."
    )

    assert not permissions.can_revoke_certificate(methodist, revoked)
    assert permissions.can_revoke_certificate(methodist, revoked, check_state=False)


@pytest.mark.parametrize("who", PERSONAS)
def test_a_student_holder_is_shown_in_full_only_to_those_who_download(
    who: str, request: pytest.FixtureRequest, issue: Issue, student: User
) -> None:
    user = request.getfixturevalue(who)
    certificate = issue(student, holder_organization="МБОУ СОШ №1")

    in_full = permissions.can_see_holder_in_full(user, certificate)

    assert in_full is (who in {"student", "school_admin", "methodist"})


def test_a_teacher_holder_is_public(certificate: Certificate, guest: Any) -> None:
    assert permissions.can_see_holder_in_full(guest, certificate)


def test_an_account_that_became_a_students_is_masked_too(
    issue: Issue, world: World, guest: Any
) -> None:
    """Frozen at issue as not a student, the holder is masked once they are one."""
    newcomer = person(world.other_school, Role.PARENT, email="later@school2.test")
    certificate = issue(newcomer)
    assert certificate.holder_is_student is False
    assert permissions.can_see_holder_in_full(guest, certificate)

    MembershipFactory(
        user=newcomer, organization=world.other_school, role=Role.STUDENT, student_class="9А"
    )
    # Read again: the holder's roles are computed afresh, as on the next request.
    certificate = Certificate.objects.select_related("holder").get(pk=certificate.pk)

    assert not permissions.can_see_holder_in_full(guest, certificate)

"""Who may download, revoke and fully read certificates: the one source of truth.

Verification is public by design: anyone holding the link (or the QR code on the paper)
sees that the certificate exists and is valid. The PDF and the full data of a student
holder are for the holder, the issuer and the methodists of the certificate's district.
"""

from typing import Any

from django.db.models import Q, QuerySet

from metodset.accounts.permissions import can_manage_district, districts_managed_by, roles_of
from metodset.certificates.models import Certificate


def _is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_student_only(person: Any) -> bool:
    """A student (a minor, as a rule) with no staff role: never named in full in public."""
    roles = roles_of(person)
    return bool(roles.student_org_ids) and not (
        roles.staff_org_ids or roles.district_ids or roles.expert_district_ids or roles.region_ids
    )


def _manages_district_of(user: Any, certificate: Certificate) -> bool:
    if certificate.district is None:
        return roles_of(user).is_superuser
    return can_manage_district(user, certificate.district)


def can_download_certificate(user: Any, certificate: Certificate) -> bool:
    """The PDF: its holder, whoever issued it, and the methodists of its district."""
    if not _is_signed_in(user):
        return False
    return (
        certificate.holder_id == user.pk
        or certificate.issued_by_id == user.pk
        or _manages_district_of(user, certificate)
    )


def certificates_visible_to(user: Any) -> QuerySet[Certificate]:
    """Certificates whose PDF `user` may download; agrees with can_download_certificate."""
    if not _is_signed_in(user):
        return Certificate.objects.none()
    if roles_of(user).is_superuser:
        return Certificate.objects.all()
    return Certificate.objects.filter(
        Q(holder=user.pk) | Q(issued_by=user.pk) | Q(district__in=districts_managed_by(user))
    )


def can_revoke_certificate(
    user: Any, certificate: Certificate, *, check_state: bool = True
) -> bool:
    """Whoever issued it, or a methodist of its district; the holder never.
    With check_state, only a certificate that is still valid."""
    if not _is_signed_in(user):
        return False
    if check_state and certificate.is_revoked:
        return False
    return certificate.issued_by_id == user.pk or _manages_district_of(user, certificate)


def holder_is_masked(certificate: Certificate) -> bool:
    """A student's certificate: the public page shows surname and initials only.

    Frozen at issue (so a deactivated or deleted account stays protected) and checked
    again now (so an account that became a student's after the issue is protected too).
    """
    if certificate.holder_is_student:
        return True
    return certificate.holder is not None and is_student_only(certificate.holder)


def can_see_holder_in_full(user: Any, certificate: Certificate) -> bool:
    """The full name and organization: for everybody unless the holder is a student; for
    a student's certificate, only those who may download the PDF, which prints them."""
    # The download check first: for the holder and the issuer it costs no query.
    return can_download_certificate(user, certificate) or not holder_is_masked(certificate)

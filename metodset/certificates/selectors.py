"""Reads of certificates shared by the pages and the API, with their joins done here."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from metodset.certificates import permissions
from metodset.certificates.models import Certificate


def _with_people(qs: QuerySet[Certificate]) -> QuerySet[Certificate]:
    return qs.select_related("holder", "district", "issued_by")


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate behind a verification link, or None for an unknown code."""
    return _with_people(Certificate.objects.filter(code=code)).first()


def certificates_of(holder: Any) -> QuerySet[Certificate]:
    """The person's own certificates, newest first."""
    if not getattr(holder, "is_authenticated", False):
        return Certificate.objects.none()
    return _with_people(Certificate.objects.filter(holder=holder.pk)).order_by("-issued_at", "-pk")


@dataclass(frozen=True)
class PublicView:
    """What a viewer is shown of a certificate on its verification page or in the API."""

    certificate: Certificate
    holder_name: str
    holder_organization: str
    is_masked: bool
    can_download: bool
    can_revoke: bool


def public_view(viewer: Any, certificate: Certificate) -> PublicView:
    """The verification page's data: a student holder appears as «Фамилия И.» without an
    organization to anyone who may not download the PDF."""
    in_full = permissions.can_see_holder_in_full(viewer, certificate)
    return PublicView(
        certificate=certificate,
        holder_name=certificate.holder_name if in_full else certificate.holder_short_name,
        holder_organization=certificate.holder_organization if in_full else "",
        is_masked=not in_full,
        can_download=permissions.can_download_certificate(viewer, certificate),
        can_revoke=permissions.can_revoke_certificate(viewer, certificate),
    )

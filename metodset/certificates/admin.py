"""Certificates in the admin: to find and read. Issuing and revoking go through the
services (the issuing app and the page's revocation form), which write the audit entry."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from metodset.certificates.models import Certificate

# Everything is shown and nothing is edited here.
FIELDS = (
    "number",
    "title",
    "holder",
    "holder_name",
    "holder_short_name",
    "holder_is_student",
    "holder_organization",
    "statement",
    "details",
    "issuer_name",
    "signer_name",
    "signer_position",
    "district",
    "source",
    "issued_at",
    "issued_by",
    "revoked_at",
    "revoked_reason",
    "revoked_by",
)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin[Certificate]):
    list_display = ["number", "holder_name", "title", "issued_at", "is_revoked"]
    list_filter = ["title", "district", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["number", "holder_name", "holder_organization", "statement", "source"]
    ordering = ["-year", "-sequence"]
    date_hierarchy = "issued_at"
    list_select_related = ["holder"]
    fields = FIELDS
    readonly_fields = FIELDS

    @admin.display(boolean=True, description=_("аннулирован"), ordering="revoked_at")
    def is_revoked(self, certificate: Certificate) -> bool:
        return certificate.is_revoked

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Certificate | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Certificate | None = None) -> bool:
        return False

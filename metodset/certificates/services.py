"""Issuing and revoking certificates. Other apps (events, later expertise) call these
verbs; each runs in one transaction and writes one audit entry."""

import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts.models import District, User
from metodset.certificates import permissions
from metodset.certificates.models import Certificate
from metodset.core import audit
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.notifications import kinds
from metodset.notifications.services import notify

ISSUED = kinds.register("certificates.issued", gettext_lazy("Выданные мне сертификаты"))

audit.register_actions(
    {
        "certificate.issued": gettext_lazy("Выдан сертификат"),
        "certificate.revoked": gettext_lazy("Сертификат аннулирован"),
    }
)

# Bytes of randomness in a verification code: secrets.token_urlsafe(16) gives 22
# characters, 128 bits — a code cannot be guessed, so the page may be public.
CODE_BYTES = 16
# Attempts at a free number when concurrent issues race for the same one.
NUMBER_ATTEMPTS = 10


def _next_sequence(year: int) -> int:
    # An index-only MAX() on the (year, sequence) unique constraint's index.
    top = Certificate.objects.filter(year=year).aggregate(top=Max("sequence"))["top"]
    return (top or 0) + 1


def _clean_details(details: Iterable[Sequence[Any]]) -> list[list[str]]:
    rows = []
    for row in details:
        if len(row) != 2:
            raise ValueError(f"A certificate detail is a (label, value) pair, not {row!r}.")
        label, value = (str(part).strip() for part in row)
        if label and value:
            rows.append([label, value])
    return rows


def issue_certificate(
    *,
    actor: User | None,
    source: str,
    title: str,
    holder: User,
    statement: str,
    details: Iterable[Sequence[Any]] = (),
    issuer_name: str,
    district: District | None = None,
    signer_name: str = "",
    signer_position: str = "",
    holder_organization: str = "",
) -> Certificate:
    """Issue `holder` a certificate titled `title` for the object `source` (the issuing
    app's key, such as "events.registration:42") and tell the holder.

    Idempotent per (source, title): a second call returns the certificate already issued,
    unchanged — even when it has been revoked since. Issuing a fresh one after a
    revocation is never done silently; the caller sees `is_revoked` and decides.

    Permission is the caller's responsibility: the issuing app checks its own rules (who
    may close an event's attendance, who judges a submission) before calling. `actor` is
    None when the system issues on its own (a task). The holder's name, short name and
    whether they are a student are frozen now; `holder_organization` is what the caller
    wants printed. `details` are (label, value) pairs such as ("Объём", "4 ч").
    """
    source, title = source.strip(), title.strip()
    if not source or not title:
        raise ValueError("A certificate needs a source and a title.")
    rows = _clean_details(details)
    with transaction.atomic():
        existing = Certificate.objects.filter(source=source, title=title).first()
        if existing is not None:
            return existing
        issued_at = timezone.now()
        # The year of issue by the installation's calendar (settings.TIME_ZONE): a
        # certificate issued at 01:00 on 1 January Moscow time belongs to the new year.
        year = timezone.localdate(issued_at).year
        for _attempt in range(NUMBER_ATTEMPTS):
            try:
                # A savepoint: a lost race for the number (or for this source) rolls back
                # only the insert, not the caller's transaction.
                with transaction.atomic():
                    certificate = Certificate.objects.create(
                        year=year,
                        sequence=_next_sequence(year),
                        code=secrets.token_urlsafe(CODE_BYTES),
                        title=title,
                        holder=holder,
                        holder_name=holder.full_name,
                        holder_short_name=holder.short_name,
                        holder_is_student=permissions.is_student_only(holder),
                        holder_organization=holder_organization.strip(),
                        statement=statement.strip(),
                        details=rows,
                        issuer_name=issuer_name.strip(),
                        signer_name=signer_name.strip(),
                        signer_position=signer_position.strip(),
                        district=district,
                        source=source,
                        issued_at=issued_at,
                        issued_by=actor,
                    )
            except IntegrityError:
                # Either another transaction took this number (try the next one) or it
                # issued this very certificate first (then that one is the answer).
                existing = Certificate.objects.filter(source=source, title=title).first()
                if existing is not None:
                    return existing
                continue
            break
        else:
            raise RuntimeError(
                f"No free certificate number in {year} after {NUMBER_ATTEMPTS} tries."
            )
        audit.record(
            actor=actor,
            action="certificate.issued",
            target=certificate,
            to_state="valid",
            comment=f"{certificate.title}: {certificate.holder_name}",
            district_id=certificate.district_id,
        )
        # The in-app notification commits with the certificate; its e-mail goes on commit.
        notify(
            recipients=[holder],
            kind=ISSUED.code,
            title=_("Вам выдан сертификат № %(number)s") % {"number": certificate.number},
            body=f"{certificate.title}: {certificate.statement}",
            url=certificate.get_absolute_url(),
            actor=actor,
        )
    return certificate


def revoke_certificate(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Revoke (аннулировать) a certificate issued by mistake: its page then says so, with
    the reason, and its PDF is marked «АННУЛИРОВАН». Whoever issued it or a methodist of
    its district may; the reason is required and shown publicly."""
    if not permissions.can_revoke_certificate(actor, certificate, check_state=False):
        raise PermissionDeniedError(_("Аннулировать этот сертификат вы не можете."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Укажите причину аннулирования сертификата."))
    with transaction.atomic():
        # Locked: two people revoking at once write one revocation and one audit entry.
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.is_revoked:
            raise DomainError(
                _("Сертификат № %(number)s уже аннулирован.") % {"number": certificate.number}
            )
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason
        certificate.revoked_by = actor
        certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        audit.record(
            actor=actor,
            action="certificate.revoked",
            target=certificate,
            from_state="valid",
            to_state="revoked",
            comment=reason,
            district_id=certificate.district_id,
        )
        if certificate.holder is not None:
            notify(
                recipients=[certificate.holder],
                kind=ISSUED.code,
                title=_("Сертификат № %(number)s аннулирован") % {"number": certificate.number},
                body=_("Причина: %(reason)s") % {"reason": reason},
                url=certificate.get_absolute_url(),
                actor=actor,
            )
    return certificate

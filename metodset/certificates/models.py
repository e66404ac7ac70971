"""Certificates the platform issues: what is printed on one, frozen at the moment of issue."""

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metodset.accounts.models import District


def format_number(year: int, sequence: int) -> str:
    """«2026-000123»: the year of issue and the place in that year's sequence."""
    return f"{year}-{sequence:06d}"


class Certificate(models.Model):
    """A certificate (сертификат) of a participant, a speaker or an expert.

    What the paper says — the holder's name and organization, the statement, the issuer,
    the signer — is copied in at issue and never follows later edits of the people or the
    event, so that the verification page always confirms the very text that was printed.
    """

    number = models.CharField(_("номер"), max_length=20, unique=True)
    # The two halves of the number, kept apart so the next number is one indexed MAX().
    year = models.PositiveSmallIntegerField(_("год выдачи"), editable=False)
    sequence = models.PositiveIntegerField(_("порядковый номер в году"), editable=False)
    code = models.CharField(
        _("код проверки"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_("Случайный код в адресе страницы проверки подлинности."),
    )
    title = models.CharField(_("название"), max_length=200)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кому выдан"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    holder_name = models.CharField(_("ФИО получателя"), max_length=310)
    holder_short_name = models.CharField(
        _("фамилия и инициалы получателя"),
        max_length=200,
        help_text=_("Показываются вместо ФИО на открытой странице сертификата обучающегося."),
    )
    holder_is_student = models.BooleanField(
        _("получатель — обучающийся"),
        default=False,
        help_text=_("Личные данные обучающихся на открытой странице не показываются."),
    )
    holder_organization = models.CharField(_("организация получателя"), max_length=500, blank=True)
    statement = models.TextField(_("текст"), help_text=_("«принял(а) участие в семинаре «…»»"))
    details = models.JSONField(
        _("подробности"),
        default=list,
        blank=True,
        help_text=_("Пары «название — значение»: дата, объём в часах, форма участия."),
    )
    issuer_name = models.CharField(_("кем выдан"), max_length=500)
    signer_name = models.CharField(_("подписал"), max_length=200, blank=True)
    signer_position = models.CharField(_("должность подписавшего"), max_length=300, blank=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("муниципальный район"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        _("основание"),
        max_length=200,
        help_text=_("Объект, по которому выдан сертификат, например «events.registration:42»."),
    )
    issued_at = models.DateTimeField(_("когда выдан"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто выдал"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("когда аннулирован"), null=True, blank=True)
    revoked_reason = models.TextField(_("причина аннулирования"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто аннулировал"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("сертификат")
        verbose_name_plural = _("сертификаты")
        constraints = [
            # One certificate of a kind per issuing object: issuing twice finds the first.
            models.UniqueConstraint(fields=["source", "title"], name="certificate_unique_source"),
            models.UniqueConstraint(
                fields=["year", "sequence"], name="certificate_unique_sequence"
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revoked_reason=""),
                name="certificate_revoked_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"№ {self.number} — {self.title}, {self.holder_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.number = format_number(self.year, self.sequence)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "number"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", args=[self.code])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def detail_rows(self) -> list[tuple[str, str]]:
        """The details as (label, value) pairs, whatever shape the JSON came back in."""
        rows = self.details if isinstance(self.details, list) else []
        return [(str(row[0]), str(row[1])) for row in rows if len(row) == 2]

"""Base models, academic years and the audit trail."""

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("создано"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        abstract = True


def academic_year_start(day: datetime.date) -> int:
    """The calendar year in which the academic year containing `day` began.

    An academic year runs from 1 September to 31 August inclusive, by the calendar date
    in the installation's time zone (settings.TIME_ZONE): 31 August belongs to the year
    that is ending, 1 September to the one that is starting.
    """
    return day.year if day.month >= 9 else day.year - 1


class AcademicYearQuerySet(models.QuerySet["AcademicYear"]):
    def for_date(self, day: datetime.date) -> "AcademicYear":
        start = academic_year_start(day)
        year, _created = self.get_or_create(
            start_year=start,
            defaults={
                "starts_on": datetime.date(start, 9, 1),
                "ends_on": datetime.date(start + 1, 8, 31),
            },
        )
        return year

    def current(self) -> "AcademicYear":
        return self.for_date(timezone.localdate())


class AcademicYear(models.Model):
    """учебный год: 1 September – 31 August; road maps, reports and tests hang on it."""

    start_year = models.PositiveSmallIntegerField(_("год начала"), unique=True)
    starts_on = models.DateField(_("начало"))
    ends_on = models.DateField(_("окончание"))

    objects: ClassVar[AcademicYearQuerySet] = AcademicYearQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("учебный год")
        verbose_name_plural = _("учебные годы")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="academic_year_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.start_year}/{self.start_year + 1}"

    def contains(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class AuditEntry(models.Model):
    """One change of state: who, when, what, from → to, with a comment.

    History pages read these rows; services write exactly one per change.
    """

    created_at = models.DateTimeField(_("когда"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("действие"), max_length=64, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(_("объект"), max_length=300, blank=True)
    from_state = models.CharField(_("было"), max_length=64, blank=True)
    to_state = models.CharField(_("стало"), max_length=64, blank=True)
    comment = models.TextField(_("комментарий"), blank=True)
    changes = models.JSONField(_("изменения"), default=dict, blank=True)
    # The district whose staff may read the entry; null for installation-wide entries.
    district_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("запись журнала")
        verbose_name_plural = _("журнал действий")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

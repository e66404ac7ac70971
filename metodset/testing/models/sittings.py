"""A testing session (`Sitting`: «тестирование» on the pages): a test given to classes of
one or several schools in a window of time; students' attempts and every answer they gave.
"""

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metodset.core.models import TimeStampedModel
from metodset.testing.models.bank import NAME_LENGTH, Question, QuestionVersion
from metodset.testing.models.quizzes import Quiz, QuizSlot


class Sitting(TimeStampedModel):
    """The monthly test of ОУ №28 and гимназия №4: 10:00–11:00 on a date, for their classes."""

    title = models.CharField(_("название"), max_length=NAME_LENGTH)
    quiz = models.ForeignKey(
        Quiz, verbose_name=_("тест"), on_delete=models.PROTECT, related_name="sittings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("назначил"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    district = models.ForeignKey(
        "accounts.District",
        verbose_name=_("район"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Время открытия и закрытия — в его часовом поясе."),
    )
    opens_at = models.DateTimeField(_("открывается"))
    closes_at = models.DateTimeField(_("закрывается"))
    is_cancelled = models.BooleanField(_("отменено"), default=False)
    cancel_reason = models.TextField(_("причина отмены"), blank=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("тестирование")
        verbose_name_plural = _("тестирования")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="testing_sitting_window",
            )
        ]
        indexes = [models.Index(fields=["opens_at", "closes_at"], name="testing_sitting_opens")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("testing:sitting", args=[self.pk])

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return not self.is_cancelled and self.opens_at <= now < self.closes_at

    def is_closed(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.closes_at


def normalize_class(name: str) -> str:
    """«7 б», «7-Б», «7б» → «7Б»: classes are typed by hand in memberships and here."""
    return "".join(name.split()).replace("-", "").replace("«", "").replace("»", "").upper()


class SittingTarget(models.Model):
    """Who takes the test: a class of a school («7Б» of гимназия №4), all students of a
    school's parallel when the class is a bare number («7»), or the students of a group."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="targets")
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("школа"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    student_class = models.CharField(_("класс"), max_length=10, blank=True)
    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("объединение"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["organization__short_name", "student_class"]
        verbose_name = _("кому назначено")
        verbose_name_plural = _("кому назначено")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(organization__isnull=False, group__isnull=True)
                    & ~models.Q(student_class="")
                )
                | models.Q(organization__isnull=True, group__isnull=False, student_class=""),
                name="testing_target_class_or_group",
            ),
            models.UniqueConstraint(
                fields=["sitting", "organization", "student_class"],
                condition=models.Q(group__isnull=True),
                name="testing_target_class_unique",
            ),
            models.UniqueConstraint(
                fields=["sitting", "group"],
                condition=models.Q(group__isnull=False),
                name="testing_target_group_unique",
            ),
        ]

    def __str__(self) -> str:
        if self.group_id is not None:
            return str(self.group)
        return f"{self.student_class}, {self.organization}"


class Attempt(models.Model):
    """A student's attempt at a sitting's test. Its items are drawn once, at the start."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("идёт")
        FINISHED = "finished", _("завершена")

    class Finish(models.TextChoices):
        SUBMITTED = "submitted", _("обучающийся завершил")
        TIMED_OUT = "timed_out", _("время истекло")
        CLOSED = "closed", _("тестирование закрылось")

    class Journal(models.TextChoices):
        UNDECIDED = "", _("не решено")
        SEND = "send", _("выставить в журнал")
        KEEP = "keep", _("не выставлять")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.IN_PROGRESS: {Status.FINISHED},
        Status.FINISHED: set(),
    }

    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="attempts")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("обучающийся"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.PositiveSmallIntegerField(_("попытка №"), default=1)
    # Where the student studied when they started: the results are counted by it.
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("школа"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    student_class = models.CharField(_("класс"), max_length=10, blank=True)
    status = models.CharField(
        _("состояние"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("начата"), default=timezone.now)
    deadline_at = models.DateTimeField(
        _("завершится не позже"),
        help_text=_("Начало плюс ограничение времени, но не позже закрытия тестирования."),
    )
    finished_at = models.DateTimeField(_("завершена"), null=True, blank=True)
    finish = models.CharField(_("как завершена"), max_length=16, choices=Finish.choices, blank=True)
    score = models.DecimalField(_("баллы"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("из"), max_digits=8, decimal_places=2, default=0)
    percent = models.DecimalField(
        _("процент"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    mark = models.PositiveSmallIntegerField(_("отметка"), null=True, blank=True)
    needs_grading = models.BooleanField(_("ждёт проверки учителем"), default=False)
    journal = models.CharField(
        _("в журнал"), max_length=8, choices=Journal.choices, blank=True, default=""
    )
    journal_decided_at = models.DateTimeField(_("когда решено"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("попытка")
        verbose_name_plural = _("попытки")
        constraints = [
            models.UniqueConstraint(
                fields=["sitting", "student", "number"], name="testing_attempt_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["in_progress", "finished"]),
                name="testing_attempt_status",
            ),
            models.CheckConstraint(
                condition=models.Q(mark__isnull=True) | models.Q(mark__gte=2, mark__lte=5),
                name="testing_attempt_mark_2_5",
            ),
            models.CheckConstraint(
                condition=models.Q(journal="") | models.Q(status="finished"),
                name="testing_attempt_journal_after_finish",
            ),
        ]
        indexes = [
            # The sweep that finishes attempts whose time ran out.
            models.Index(fields=["status", "deadline_at"], name="testing_attempt_deadline"),
            models.Index(fields=["student", "-started_at"], name="testing_attempt_student"),
            models.Index(fields=["sitting", "organization"], name="testing_attempt_school"),
        ]

    def __str__(self) -> str:
        return f"{self.sitting} — {self.student} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("testing:attempt", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.FINISHED


class AttemptItem(models.Model):
    """One question as this student got it: the version asked, the order of its options,
    the answer last saved, and its score."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("номер"))
    slot = models.ForeignKey(
        QuizSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("баллов"), max_digits=6, decimal_places=2)
    layout = models.JSONField(_("порядок вариантов"), default=dict, blank=True)
    response = models.JSONField(_("ответ"), null=True, blank=True)
    answered_at = models.DateTimeField(_("ответ сохранён"), null=True, blank=True)
    flagged = models.BooleanField(_("отмечен для проверки"), default=False)
    fraction = models.DecimalField(_("доля"), max_digits=8, decimal_places=7, null=True, blank=True)
    score = models.DecimalField(_("балл"), max_digits=6, decimal_places=2, null=True, blank=True)
    needs_grading = models.BooleanField(_("ждёт проверки"), default=False)
    comment = models.TextField(_("комментарий учителя"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        verbose_name = _("вопрос попытки")
        verbose_name_plural = _("вопросы попыток")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="testing_item_unique")
        ]
        indexes = [
            models.Index(fields=["version"], name="testing_item_version"),
            models.Index(
                fields=["needs_grading"],
                condition=models.Q(needs_grading=True),
                name="testing_item_grading_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} #{self.position}"


class Regrade(models.Model):
    """A key corrected after the test: which version replaced which, in which attempts, and
    every score that changed (`changes`: [{attempt, position, old, new}])."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="regrades")
    old_version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    new_version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    sitting = models.ForeignKey(
        Sitting, null=True, blank=True, on_delete=models.PROTECT, related_name="regrades"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("причина"))
    attempts_changed = models.PositiveIntegerField(_("изменено попыток"), default=0)
    changes = models.JSONField(_("изменения"), default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("перепроверка")
        verbose_name_plural = _("перепроверки")

    def __str__(self) -> str:
        return f"{self.question} v{self.old_version_id}→v{self.new_version_id}"

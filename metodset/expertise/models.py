"""Expertise of the network's products (`002_…` §1.7, §3.3): a material is submitted, the
department organizes its review within ten days, experts of the РМС score it by criteria,
the department decides; the best enter the showcase «Лучшие практики»."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metodset.core.models import TimeStampedModel


class Purpose(models.TextChoices):
    GENERALIZATION = "generalization", _("обобщение опыта")
    PUBLICATION = "publication", _("рекомендация к публикации")
    CONTEST = "contest", _("участие в конкурсе")
    CERTIFICATION = "certification", _("аттестация")


class Verdict(models.TextChoices):
    """An expert's recommendation and the department's decision use the same words."""

    PUBLICATION = "publication", _("рекомендовано к публикации")
    CONFERENCE = "conference", _("рекомендовано к представлению на конференции")
    DISSEMINATION = "dissemination", _("рекомендовано к распространению в сети")
    REVISION = "revision", _("на доработку")
    REJECTED = "rejected", _("отклонено")


RECOMMENDED = frozenset({Verdict.PUBLICATION, Verdict.CONFERENCE, Verdict.DISSEMINATION})


class CriteriaSet(models.Model):
    """A rubric (набор критериев): a district keeps its own per purpose; the platform ships
    a default one."""

    title = models.CharField(_("название"), max_length=200)
    purpose = models.CharField(
        _("цель экспертизы"),
        max_length=20,
        choices=Purpose.choices,
        blank=True,
        help_text=_("Пусто — для любой цели."),
    )
    district = models.ForeignKey(
        "accounts.District",
        verbose_name=_("район"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="criteria_sets",
        help_text=_("Пусто — общий для всех районов."),
    )
    is_active = models.BooleanField(_("используется"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("набор критериев")
        verbose_name_plural = _("наборы критериев")

    def __str__(self) -> str:
        return self.title

    @property
    def max_total(self) -> int:
        return sum(c.max_score for c in self.criteria.all())


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(_("критерий"), max_length=200)
    description = models.TextField(_("что оценивается"), blank=True, max_length=2000)
    max_score = models.PositiveSmallIntegerField(_("наибольший балл"), default=5)
    position = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("критерий")
        verbose_name_plural = _("критерии")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_score__gte=1, max_score__lte=100),
                name="criterion_max_score_1_100",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Submission(TimeStampedModel):
    """A product sent for expertise. It goes round again after «на доработку»."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("получено, эксперты не назначены")
        IN_REVIEW = "in_review", _("на экспертизе")
        REVISION = "revision", _("возвращено на доработку")
        DECIDED = "decided", _("решение принято")
        WITHDRAWN = "withdrawn", _("отозвано автором")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.SUBMITTED: {Status.IN_REVIEW, Status.WITHDRAWN},
        Status.IN_REVIEW: {Status.IN_REVIEW, Status.REVISION, Status.DECIDED, Status.WITHDRAWN},
        Status.REVISION: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.DECIDED: set(),
        Status.WITHDRAWN: set(),
    }
    OPEN: ClassVar[frozenset[str]] = frozenset({Status.SUBMITTED, Status.IN_REVIEW})

    material = models.ForeignKey(
        "materials.Material",
        verbose_name=_("материал"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто подал"),
        on_delete=models.PROTECT,
        related_name="expertise_submissions",
    )
    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("от объединения"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expertise_submissions",
    )
    district = models.ForeignKey(
        "accounts.District",
        verbose_name=_("район"),
        on_delete=models.PROTECT,
        related_name="expertise_submissions",
    )
    purpose = models.CharField(_("цель экспертизы"), max_length=20, choices=Purpose.choices)
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("критерии"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("сопроводительное письмо"), blank=True, max_length=5000)
    is_blind = models.BooleanField(
        _("слепая экспертиза"),
        default=True,
        help_text=_("Эксперты не видят имя автора и его организацию."),
    )
    status = models.CharField(
        _("состояние"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    round = models.PositiveSmallIntegerField(_("круг"), default=1)
    # The ten-day term runs from the latest (re)submission.
    received_at = models.DateTimeField(_("получено"), default=timezone.now, db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(_("решение"), max_length=20, choices=Verdict.choices, blank=True)
    decision_comment = models.TextField(_("заключение"), blank=True, max_length=10000)
    decided_at = models.DateTimeField(_("решение принято"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто решил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("материал на экспертизе")
        verbose_name_plural = _("экспертиза материалов")
        indexes = [models.Index(fields=["district", "status"])]
        constraints = [
            # One open (or returned) submission of a material at a time.
            models.UniqueConstraint(
                fields=["material"],
                condition=models.Q(status__in=["submitted", "in_review", "revision"]),
                name="submission_one_open_per_material",
            )
        ]

    def __str__(self) -> str:
        return str(self.material)

    def get_absolute_url(self) -> str:
        return reverse("expertise:detail", args=[self.pk])

    @property
    def is_recommended(self) -> bool:
        return self.status == self.Status.DECIDED and self.decision in RECOMMENDED


class Round(models.Model):
    """What the experts of one round reviewed: the material as it was then, and the
    author's account of what changed since the last round."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("круг"))
    material_version = models.PositiveIntegerField(_("версия материала"))
    snapshot = models.JSONField(_("описание материала"))
    changes_note = models.TextField(_("что изменено"), blank=True, max_length=5000)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="round_unique")
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}/{self.number}"


class Assignment(TimeStampedModel):
    """An expert's task: review one round of a submission by a due date."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("назначен")
        DECLINED = "declined", _("отказался")
        DONE = "done", _("оценка выставлена")
        WITHDRAWN = "withdrawn", _("снят")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="assignments")
    round = models.PositiveSmallIntegerField(_("круг"))
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("эксперт"),
        on_delete=models.PROTECT,
        related_name="expert_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    due_on = models.DateField(_("оценить до"))
    status = models.CharField(
        _("состояние"), max_length=20, choices=Status.choices, default=Status.ASSIGNED
    )
    decline_reason = models.TextField(_("причина отказа"), blank=True, max_length=2000)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submission", "round", "pk"]
        verbose_name = _("назначение эксперта")
        verbose_name_plural = _("назначения экспертов")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "round", "expert"], name="assignment_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.submission}"

    def get_absolute_url(self) -> str:
        return reverse("expertise:review", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.ASSIGNED


class Review(models.Model):
    """An expert's score sheet: a score and a comment per criterion, a recommendation."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    recommendation = models.CharField(_("рекомендация"), max_length=20, choices=Verdict.choices)
    summary = models.TextField(_("общее заключение"), max_length=10000)
    total = models.PositiveIntegerField(_("сумма баллов"))
    max_total = models.PositiveIntegerField(_("наибольшая сумма"))
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("экспертный лист")
        verbose_name_plural = _("экспертные листы")

    def __str__(self) -> str:
        return f"{self.total}/{self.max_total}"

    @property
    def percent(self) -> float:
        return 100 * self.total / self.max_total if self.max_total else 0.0


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("балл"))
    comment = models.TextField(_("комментарий"), blank=True, max_length=3000)

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="score_once")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class Protocol(TimeStampedModel):
    """протокол заседания РМС: the products reviewed and the decisions taken (its items)."""

    district = models.ForeignKey(
        "accounts.District", on_delete=models.PROTECT, related_name="expertise_protocols"
    )
    number = models.CharField(_("номер"), max_length=40)
    held_on = models.DateField(_("дата заседания"))
    chair = models.CharField(_("председатель"), max_length=200)
    secretary = models.CharField(_("секретарь"), max_length=200)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("присутствовали"), related_name="+"
    )
    # The products and the decisions as they stood at the session: see `ProtocolItem`.
    submissions = models.ManyToManyField(
        Submission, through="ProtocolItem", related_name="protocols"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("протокол заседания РМС")
        verbose_name_plural = _("протоколы заседаний РМС")

    def __str__(self) -> str:
        return f"№ {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("expertise:protocol", args=[self.pk])


class ProtocolItem(models.Model):
    """One product of a protocol and the decision it records, written when the protocol is
    drawn up: a product returned for revision and recommended later keeps «на доработку»
    in the earlier protocol, whatever its submission says now."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="items")
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("материал на экспертизе"),
        on_delete=models.CASCADE,
        related_name="protocol_items",
    )
    position = models.PositiveSmallIntegerField(_("номер в протоколе"))
    round = models.PositiveSmallIntegerField(_("круг"))
    decision = models.CharField(_("решение"), max_length=20, choices=Verdict.choices, blank=True)
    comment = models.TextField(_("замечания"), blank=True, max_length=10000)
    # The average of the round's reviews in per cent of the maximum; null without reviews.
    average_percent = models.FloatField(_("средний балл, %"), null=True, blank=True)

    class Meta:
        ordering = ["protocol", "position"]
        verbose_name = _("решение в протоколе")
        verbose_name_plural = _("решения в протоколах")
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "submission"], name="protocol_item_once_per_protocol"
            ),
            models.UniqueConstraint(
                fields=["protocol", "position"], name="protocol_item_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol_id}/{self.position}"

    @property
    def decision_label(self) -> str:
        return str(Verdict(self.decision).label) if self.decision in Verdict.values else ""

    @property
    def purpose_label(self) -> str:
        purpose = self.submission.purpose
        return str(Purpose(purpose).label) if purpose in Purpose.values else purpose

    @property
    def average_text(self) -> str:
        # A no-break space: the number and its sign stay on one line.
        return f"{self.average_percent:.0f}\u00a0%" if self.average_percent is not None else "—"

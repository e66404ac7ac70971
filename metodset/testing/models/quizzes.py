"""A test (`Quiz`: «тест» on the pages) assembled from fixed questions and random draws.

The English name avoids pytest collecting a model called `Test…` from the test modules.
"""

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from metodset.core.models import TimeStampedModel
from metodset.testing.models.bank import NAME_LENGTH, Category, Question

# The usual Russian school scale: «5» from 85 %, «4» from 65 %, «3» from 45 %, else «2».
DEFAULT_MARK_THRESHOLDS: list[list[int]] = [[5, 85], [4, 65], [3, 45]]
LOWEST_MARK = 2


def default_mark_thresholds() -> list[list[int]]:
    return [list(row) for row in DEFAULT_MARK_THRESHOLDS]


def mark_for(percent: Decimal | float, thresholds: list[list[int]]) -> int:
    """The mark for a score in per cent: the highest mark whose threshold it reaches."""
    for mark, minimum in sorted(thresholds, key=lambda row: -row[1]):
        if percent >= minimum:
            return int(mark)
    return LOWEST_MARK


class Quiz(TimeStampedModel):
    """What students answer: the questions (fixed and drawn), the time, the scale."""

    class Review(models.TextChoices):
        SCORE_ONLY = "score", _("только балл и отметку")
        AFTER_SUBMIT = "after_submit", _("ответы и пояснения сразу после завершения")
        AFTER_CLOSE = "after_close", _("ответы и пояснения после закрытия тестирования")

    title = models.CharField(_("название"), max_length=NAME_LENGTH)
    description = models.TextField(
        _("инструкция для обучающихся"), blank=True, help_text=_("Markdown.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("автор"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("организация"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    visibility = models.CharField(
        _("кому доступен"),
        max_length=16,
        choices=Question.Visibility.choices,
        default=Question.Visibility.PRIVATE,
        help_text=_("Кто ещё может назначать этот тест своим классам."),
    )
    subject = models.ForeignKey(
        "accounts.Subject",
        verbose_name=_("предмет"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grades = models.JSONField(_("классы"), default=list, blank=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("ограничение времени, минут"),
        null=True,
        blank=True,
        help_text=_("Пусто — без ограничения (до закрытия тестирования)."),
    )
    attempts_allowed = models.PositiveSmallIntegerField(_("число попыток"), default=1)
    shuffle_items = models.BooleanField(_("перемешивать вопросы"), default=False)
    shuffle_answers = models.BooleanField(_("перемешивать варианты ответов"), default=True)
    review = models.CharField(
        _("что видит обучающийся после теста"),
        max_length=16,
        choices=Review.choices,
        default=Review.AFTER_CLOSE,
    )
    mark_thresholds = models.JSONField(
        _("шкала отметок"),
        default=default_mark_thresholds,
        help_text=_("Пары [отметка, минимальный процент]; ниже последнего порога — «2»."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("тест")
        verbose_name_plural = _("тесты")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attempts_allowed__gte=1), name="testing_quiz_attempts_1"
            ),
            models.CheckConstraint(
                condition=models.Q(review__in=["score", "after_submit", "after_close"]),
                name="testing_quiz_review",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("testing:quiz", args=[self.pk])

    def clean(self) -> None:
        validate_mark_thresholds(self.mark_thresholds)

    def mark_for(self, percent: Decimal | float) -> int:
        return mark_for(percent, self.mark_thresholds)


def validate_mark_thresholds(value: Any) -> None:
    """Marks 3–5 each once, thresholds 0–100, a higher mark needing a higher per cent."""
    message = _(
        "Шкала отметок: укажите для «3», «4» и «5» минимальный процент от 0 до 100, "
        "больший для более высокой отметки."
    )
    try:
        rows = [(int(mark), int(minimum)) for mark, minimum in value]
    except (TypeError, ValueError) as error:
        raise ValidationError(message) from error
    marks = [mark for mark, _minimum in rows]
    if sorted(marks) != sorted(set(marks)) or not set(marks) <= {3, 4, 5} or not rows:
        raise ValidationError(message)
    ordered = sorted(rows)
    minimums = [minimum for _mark, minimum in ordered]
    if any(not 0 <= minimum <= 100 for minimum in minimums) or minimums != sorted(set(minimums)):
        raise ValidationError(message)


class QuizSlot(models.Model):
    """One place of a test: a fixed question, or `count` questions drawn at random from a
    category (its subcategories too, when asked), of one difficulty if given."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveIntegerField(_("порядок"))
    question = models.ForeignKey(
        Question,
        verbose_name=_("вопрос"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("категория"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    include_subcategories = models.BooleanField(_("включая подкатегории"), default=True)
    difficulty = models.PositiveSmallIntegerField(_("сложность"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("сколько вопросов"), default=1)
    points = models.DecimalField(_("баллов за вопрос"), max_digits=6, decimal_places=2, default=1)

    REVIEW_FIELDS: ClassVar[tuple[str, ...]] = ("question", "category", "count", "points")

    class Meta:
        ordering = ["quiz", "position"]
        verbose_name = _("место в тесте")
        verbose_name_plural = _("места в тесте")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(question__isnull=False, category__isnull=True, count=1)
                    | models.Q(question__isnull=True, category__isnull=False, count__gte=1)
                ),
                name="testing_slot_fixed_or_random",
            ),
            models.CheckConstraint(
                condition=models.Q(points__gt=0), name="testing_slot_points_positive"
            ),
            models.UniqueConstraint(fields=["quiz", "position"], name="testing_slot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id} #{self.position}"

    @property
    def is_random(self) -> bool:
        return self.category_id is not None

"""The test bank's data: `bank` (categories, questions, versions, imports), `quizzes`
(tests and their slots), `sittings` (testing sessions, attempts, answers, re-grades)."""

from metodset.testing.models.bank import (
    NAME_LENGTH,
    TYPE_CHOICES,
    Category,
    ImportJob,
    Question,
    QuestionVersion,
)
from metodset.testing.models.quizzes import (
    DEFAULT_MARK_THRESHOLDS,
    LOWEST_MARK,
    Quiz,
    QuizSlot,
    mark_for,
    validate_mark_thresholds,
)
from metodset.testing.models.sittings import (
    Attempt,
    AttemptItem,
    Regrade,
    Sitting,
    SittingTarget,
    normalize_class,
)

__all__ = [
    "DEFAULT_MARK_THRESHOLDS",
    "LOWEST_MARK",
    "NAME_LENGTH",
    "TYPE_CHOICES",
    "Attempt",
    "AttemptItem",
    "Category",
    "ImportJob",
    "Question",
    "QuestionVersion",
    "Quiz",
    "QuizSlot",
    "Regrade",
    "Sitting",
    "SittingTarget",
    "mark_for",
    "normalize_class",
    "validate_mark_thresholds",
]

"""Reads behind the results pages: a sitting's summary, its schools and classes, the
network's averages, the item statistics, a student's progress month by month.

Each selector reads plain values in a fixed number of queries (`values_list`, never a
model per attempt) and computes in Python: a monthly test of 3,000 students × 16 questions
is 48,000 answers, which Django models would take seconds just to build.

A student counts once, by their best graded attempt («лучшая попытка»); an attempt whose
essay still waits for a teacher has no mark yet and is counted apart («ждут проверки»).
The item statistics take every finished attempt, as Moodle's report does.

Modules by sub-domain: `figures` (the counting they share), `sitting` (a sitting's results),
`schools` (one's schools against the network), `items` (item statistics), `progress` (a
student's progress). Grading a whole sitting at once is a change of state:
`services.finishing.finish_attempts`.
"""

from metodset.testing.reports.figures import (
    AttemptFigures,
    Comparison,
    Figures,
    MarkShare,
    attempt_figures,
    best_attempts,
    figures_of,
)
from metodset.testing.reports.items import (
    TOP_ANSWERS,
    WEAK_DISCRIMINATION,
    OptionCount,
    QuestionStatistics,
    SittingStatistics,
    sitting_statistics,
)
from metodset.testing.reports.progress import (
    MonthSummary,
    Progress,
    ProgressEntry,
    SubjectMonth,
    SubjectProgress,
    student_progress,
)
from metodset.testing.reports.schools import (
    SittingComparison,
    school_comparisons,
    sittings_taken_by,
)
from metodset.testing.reports.sitting import (
    ClassRow,
    SchoolRow,
    SittingResults,
    StudentRow,
    sitting_results,
)

__all__ = [
    "TOP_ANSWERS",
    "WEAK_DISCRIMINATION",
    "AttemptFigures",
    "ClassRow",
    "Comparison",
    "Figures",
    "MarkShare",
    "MonthSummary",
    "OptionCount",
    "Progress",
    "ProgressEntry",
    "QuestionStatistics",
    "SchoolRow",
    "SittingComparison",
    "SittingResults",
    "SittingStatistics",
    "StudentRow",
    "SubjectMonth",
    "SubjectProgress",
    "attempt_figures",
    "best_attempts",
    "figures_of",
    "school_comparisons",
    "sitting_results",
    "sitting_statistics",
    "sittings_taken_by",
    "student_progress",
]

"""The verbs of the test bank, one function each, keyword-only, `actor=` first.

Each sub-domain has its module: `imports` (files in and out of the bank), `import_jobs`
(an uploaded file's preview, confirmation and background saving), `bank` (writing, editing
and copying questions), `quizzes` (assembling a test), `sittings` (assigning it to
classes), `attempts` (taking it), `finishing` (finishing many attempts at once), `results`
(essays, the class journal, re-grading).
"""

from metodset.testing.services.attempts import (
    AttemptClosedError,
    AttemptNotFoundError,
    finish_attempt,
    finish_if_overdue,
    save_answer,
    seconds_left,
    start_attempt,
    submit_attempt,
)
from metodset.testing.services.bank import (
    archive_question,
    copy_question,
    create_category,
    create_question,
    edit_question,
    restore_question,
    update_question_details,
)
from metodset.testing.services.finishing import finish_attempts, finish_overdue_attempts
from metodset.testing.services.import_jobs import (
    cancel_import,
    confirm_import,
    run_import,
    start_import,
)
from metodset.testing.services.imports import (
    UNCATEGORIZED,
    ImportRefusedError,
    category_subtree_ids,
    export_items,
    find_category,
    import_items,
)
from metodset.testing.services.quizzes import (
    QuizData,
    add_questions,
    add_random_draw,
    create_quiz,
    move_slot,
    quiz_size,
    remove_slot,
    set_slot_points,
    update_quiz,
)
from metodset.testing.services.results import (
    decide_journal,
    grade_item,
    grading_queue,
    journal_attempts,
    regrade_question,
)
from metodset.testing.services.sittings import (
    cancel_sitting,
    create_sitting,
    describe_targets,
    students_of_sitting,
    update_sitting,
)

__all__ = [
    "UNCATEGORIZED",
    "AttemptClosedError",
    "AttemptNotFoundError",
    "ImportRefusedError",
    "QuizData",
    "add_questions",
    "add_random_draw",
    "archive_question",
    "cancel_import",
    "cancel_sitting",
    "category_subtree_ids",
    "confirm_import",
    "copy_question",
    "create_category",
    "create_question",
    "create_quiz",
    "create_sitting",
    "decide_journal",
    "describe_targets",
    "edit_question",
    "export_items",
    "find_category",
    "finish_attempt",
    "finish_attempts",
    "finish_if_overdue",
    "finish_overdue_attempts",
    "grade_item",
    "grading_queue",
    "import_items",
    "journal_attempts",
    "move_slot",
    "quiz_size",
    "regrade_question",
    "remove_slot",
    "restore_question",
    "run_import",
    "save_answer",
    "seconds_left",
    "set_slot_points",
    "start_attempt",
    "start_import",
    "students_of_sitting",
    "submit_attempt",
    "update_question_details",
    "update_quiz",
    "update_sitting",
]

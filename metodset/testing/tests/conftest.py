"""Hypothesis keeps its caches outside the working tree (it would create .hypothesis/).

The fixtures of the results world (test_finishing, test_regrade, test_reports,
test_results_views): the methodist's four questions of `builders.RESULTS_GIFT` and her
test of them given to 7Б of school №1 and 7А of school №2, open now. The exam-morning
and API tests define `questions` and `sitting` of their own."""

import tempfile
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from metodset.accounts.models import User
from metodset.conftest import World
from metodset.testing.models import Question, Sitting
from metodset.testing.tests.builders import RESULTS_GIFT, geography_quiz, import_gift, make_sitting

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "metodset-hypothesis")


@pytest.fixture
def questions(methodist: User) -> list[Question]:
    return import_gift(methodist, RESULTS_GIFT)


@pytest.fixture
def attempts_allowed() -> int:
    """How many attempts the results world's test allows (a module may allow more)."""
    return 1


@pytest.fixture
def sitting(
    methodist: User, world: World, questions: list[Question], attempts_allowed: int
) -> Sitting:
    quiz = geography_quiz(methodist, questions, attempts_allowed=attempts_allowed)
    return make_sitting(methodist, quiz, [(world.school, "7Б"), (world.other_school, "7А")])

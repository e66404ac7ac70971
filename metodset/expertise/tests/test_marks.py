"""The library's material page: «Подать на экспертизу» for its author, the state while it
is under review, and «Лучшая практика» for everyone once recommended."""

from typing import Any

import pytest

from metodset.accounts.models import User
from metodset.conftest import World
from metodset.expertise import services
from metodset.expertise.models import Verdict
from metodset.expertise.tests.factories import expert_of, material, review

pytestmark = pytest.mark.django_db


def test_material_page_offers_expertise_and_shows_the_mark(
    login: Any,
    client: Any,
    teacher: User,
    colleague: User,
    methodist: User,
    world: World,
    django_capture_on_commit_callbacks: Any,
) -> None:
    product = material(teacher, visibility="public")
    url = product.get_absolute_url()
    assert "Подать на экспертизу" in login(teacher).get(url).content.decode()
    assert "Подать на экспертизу" not in login(colleague).get(url).content.decode()
    submission = services.submit_for_expertise(
        actor=teacher, material=product, purpose="publication"
    )
    assert "На экспертизе" in login(teacher).get(url).content.decode()
    for index, org in enumerate((world.department, world.other_school)):
        expert = expert_of(org, f"e{index}@test.test")
        review(services.assign_expert(actor=methodist, submission=submission, expert=expert))
    client.logout()
    assert "Лучшая практика" not in client.get(url).content.decode()  # a kept copy now
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_submission(
            actor=methodist, submission=submission, decision=Verdict.CONFERENCE, comment="Хорошо"
        )
    # The guests' kept copy of the page is renewed by the decision.
    assert "Лучшая практика" in client.get(url).content.decode()

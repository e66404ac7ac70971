"""Submissions, experts and reviews built through the services, as the workflow makes them."""

from typing import Any

from metodset.accounts.models import Organization, Role, User
from metodset.accounts.tests.factories import person
from metodset.expertise import permissions, services
from metodset.expertise.models import Assignment, Review, Submission, Verdict
from metodset.materials.models import Material
from metodset.materials.tests.factories import published


def expert_of(organization: Organization, email: str, **fields: Any) -> User:
    """A member of the district's РМС (the expert role in the department or a school)."""
    return person(organization, Role.EXPERT, email=email, **fields)


def material(author: User, **fields: Any) -> Material:
    fields.setdefault("title", "Технологическая карта урока «Дроби»")
    return published(author, **fields)


def submitted(author: User, **fields: Any) -> Submission:
    values: dict[str, Any] = {"purpose": "publication"}
    values.update(fields)
    product = values.pop("material", None) or material(author)
    return services.submit_for_expertise(actor=author, material=product, **values)


def review(
    assignment: Assignment,
    *,
    score: int = 4,
    recommendation: str = Verdict.PUBLICATION,
    summary: str = "Продукт готов к публикации.",
) -> Review:
    criteria = services.criteria_of(assignment.submission)
    return services.submit_review(
        actor=assignment.expert,
        assignment=assignment,
        scores={c.pk: (min(score, c.max_score), f"Комментарий: {c.title}") for c in criteria},
        recommendation=recommendation,
        summary=summary,
    )


def decided(
    author: User,
    methodist: User,
    experts: list[User],
    decision: str = Verdict.PUBLICATION,
    *,
    comment: str = "Продукт целостный, задания проработаны.",
    score: int = 4,
    purpose: str = "publication",
    is_blind: bool = True,
    **fields: Any,
) -> Submission:
    """A product reviewed by two experts (free of conflicts) with the same score, decided."""
    submission = submitted(
        author, material=material(author, **fields), purpose=purpose, is_blind=is_blind
    )
    free = [e for e in experts if not permissions.conflicts_of(e, submission)]
    for expert in free[:2]:
        review(
            services.assign_expert(actor=methodist, submission=submission, expert=expert),
            score=score,
        )
    submission.refresh_from_db()
    services.decide_submission(
        actor=methodist, submission=submission, decision=decision, comment=comment
    )
    submission.refresh_from_db()
    return submission

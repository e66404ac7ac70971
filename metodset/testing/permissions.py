"""Who may see and import questions of the bank: the one source of truth.

Students and parents see no question of the bank at all: a question carries its key.
"""

from typing import Any

from django.db.models import Q, QuerySet

from metodset.accounts import permissions as people
from metodset.testing.models import Question


def can_import_questions(user: Any) -> bool:
    """Teachers, school heads, methodists and experts fill the bank."""
    return people.is_network_staff(people.roles_of(user))


def can_view_question(user: Any, question: Question) -> bool:
    """Agrees with questions_visible_to."""
    roles = people.roles_of(user)
    if not people.is_network_staff(roles):
        return False
    return (
        roles.is_superuser
        or question.author_id == user.pk
        or question.visibility == Question.Visibility.NETWORK
        or (
            question.visibility == Question.Visibility.SCHOOL
            and question.organization_id in roles.staff_org_ids
        )
    )


def questions_visible_to(user: Any) -> QuerySet[Question]:
    """One's own, those shared with one's schools, and those shared with the network."""
    roles = people.roles_of(user)
    if not people.is_network_staff(roles):
        return Question.objects.none()
    if roles.is_superuser:
        return Question.objects.all()
    return Question.objects.filter(
        Q(author=user.pk)
        | Q(visibility=Question.Visibility.NETWORK)
        | Q(visibility=Question.Visibility.SCHOOL, organization__in=roles.staff_org_ids)
    )

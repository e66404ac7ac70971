"""Who may see, write and import questions of the bank: the one source of truth.

Students and parents see no question of the bank at all: a question carries its key.
"""

from typing import Any

from django.db.models import Q, QuerySet

from metodset.accounts import permissions as people
from metodset.testing.models import Category, ImportJob, Question


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


# --- Writing the bank ------------------------------------------------------------------------


def can_create_question(user: Any) -> bool:
    """Whoever may fill the bank from a file may also write a question in the browser."""
    return can_import_questions(user)


def can_edit_question(user: Any, question: Question) -> bool:
    """Only the author changes a question (others copy it); a superuser can repair any."""
    roles = people.roles_of(user)
    if not people.is_network_staff(roles):
        return False
    return roles.is_superuser or question.author_id == user.pk


def can_archive_question(user: Any, question: Question) -> bool:
    return can_edit_question(user, question)


def can_copy_question(user: Any, question: Question) -> bool:
    """Any question one sees can become one's own private copy."""
    return can_view_question(user, question)


def can_share_with_school(user: Any) -> bool:
    """«Педагогам своей школы» needs a school to share with."""
    return bool(people.roles_of(user).staff_org_ids)


# --- Categories ------------------------------------------------------------------------------


def can_view_category(user: Any, category: Category) -> bool:
    """Agrees with categories_visible_to: the network's categories and one's district's."""
    roles = people.roles_of(user)
    if not people.is_network_staff(roles):
        return False
    return (
        roles.is_superuser
        or category.district_id is None
        or category.district_id in roles.member_district_ids
        or category.district_id in roles.district_ids
    )


def categories_visible_to(user: Any) -> QuerySet[Category]:
    roles = people.roles_of(user)
    if not people.is_network_staff(roles):
        return Category.objects.none()
    if roles.is_superuser:
        return Category.objects.all()
    return Category.objects.filter(
        Q(district__isnull=True)
        | Q(district__in=roles.member_district_ids)
        | Q(district__in=roles.district_ids)
    )


def can_create_category(user: Any, parent: Category | None) -> bool:
    """Staff add categories under any category they see (imports create them as well)."""
    if not can_import_questions(user):
        return False
    return parent is None or can_view_category(user, parent)


# --- Imports ---------------------------------------------------------------------------------


def can_view_import(user: Any, job: ImportJob) -> bool:
    """Agrees with import_jobs_visible_to: one's own uploads (a superuser sees all)."""
    roles = people.roles_of(user)
    if not people.is_network_staff(roles):
        return False
    return roles.is_superuser or job.author_id == user.pk


def import_jobs_visible_to(user: Any) -> QuerySet[ImportJob]:
    roles = people.roles_of(user)
    if not people.is_network_staff(roles):
        return ImportJob.objects.none()
    if roles.is_superuser:
        return ImportJob.objects.all()
    return ImportJob.objects.filter(author=user.pk)


def can_manage_import(user: Any, job: ImportJob) -> bool:
    """Only who uploaded the file confirms or cancels it: the questions become theirs."""
    return can_import_questions(user) and job.author_id == user.pk

"""Reads shared by the bank's pages and the API: one object for a user (404 when it is
invisible to them), the category tree with its counts, and the filtered list of questions."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404

from metodset.accounts import permissions as people
from metodset.accounts.models import name_key
from metodset.core.models import AuditEntry
from metodset.testing import permissions
from metodset.testing.models import Category, ImportJob, Question

PER_PAGE = 50


def get_question_for(user: Any, pk: int) -> Question:
    """404 both for a missing question and one the user may not see."""
    question = get_object_or_404(
        Question.objects.select_related("category", "author", "organization", "subject"), pk=pk
    )
    if not permissions.can_view_question(user, question):
        raise Http404
    return question


def get_import_for(user: Any, pk: int) -> ImportJob:
    """404 both for a missing import and someone else's."""
    job = get_object_or_404(ImportJob.objects.select_related("author"), pk=pk)
    if not permissions.can_view_import(user, job):
        raise Http404
    return job


def get_category_for(user: Any, pk: int) -> Category:
    category = get_object_or_404(Category, pk=pk)
    if not permissions.can_view_category(user, category):
        raise Http404
    return category


def version_comments(question: Question) -> dict[int, str]:
    """What the author said about each edit (the audit entry of the edit keeps it)."""
    rows = AuditEntry.objects.filter(
        action="testing.question_edited",
        target_type=ContentType.objects.get_for_model(Question),
        target_id=str(question.pk),
    ).values_list("to_state", "comment")
    return {int(number): comment for number, comment in rows if number.isdigit() and comment}


@dataclass
class CategoryNode:
    """A category of the sidebar's tree with the number of questions the user sees in it
    and below it."""

    pk: int
    name: str
    path: str
    count: int = 0
    children: list["CategoryNode"] = field(default_factory=list)


def category_tree(user: Any) -> tuple[list[CategoryNode], dict[int, CategoryNode]]:
    """The roots of the tree the user sees and every node by id (two queries)."""
    rows = list(
        permissions.categories_visible_to(user)
        .order_by("position", "name")
        .values_list("pk", "parent_id", "name")
    )
    nodes = {pk: CategoryNode(pk=pk, name=name, path=name) for pk, _parent, name in rows}
    roots: list[CategoryNode] = []
    parents = {pk: parent for pk, parent, _name in rows}
    for pk, parent, _name in rows:
        if parent in nodes:
            nodes[parent].children.append(nodes[pk])
        else:
            roots.append(nodes[pk])
    for pk in nodes:
        names = []
        cursor: int | None = pk
        while cursor is not None and cursor in nodes:
            names.append(nodes[cursor].name)
            cursor = parents[cursor]
        nodes[pk].path = " / ".join(reversed(names))
    counts = (
        permissions.questions_visible_to(user)
        .filter(is_archived=False)
        .values("category_id")
        .annotate(count=Count("pk"))
        .values_list("category_id", "count")
    )
    for category_id, count in counts:
        cursor = category_id
        while cursor is not None and cursor in nodes:
            nodes[cursor].count += count
            cursor = parents[cursor]
    return roots, nodes


def subtree_ids(node: CategoryNode) -> list[int]:
    ids = [node.pk]
    for child in node.children:
        ids.extend(subtree_ids(child))
    return ids


@dataclass(frozen=True)
class BankFilters:
    """What the bank's list is narrowed by; the empty value of each means «any»."""

    category_ids: Sequence[int] | None = None  # the chosen category and all below it
    scope: str = ""  # "mine", "school", "network"
    subject_id: int | None = None
    grade: int | None = None
    type: str = ""
    difficulty: int | None = None
    tag: str = ""
    text: str = ""
    archived: bool = False


def bank_page(user: Any, filters: BankFilters, page_number: Any) -> Page[Any]:
    """A page of the questions the user sees, narrowed by the filters (PER_PAGE a page).

    Name, grades and tags are matched in Python: SQLite's LIKE folds the case of Latin
    letters only, and neither database is asked to look inside the JSON lists the same way.
    The database narrows by everything else first, and only the page's rows are loaded.
    """
    questions = permissions.questions_visible_to(user).filter(is_archived=filters.archived)
    roles = people.roles_of(user)
    if filters.scope == "mine":
        questions = questions.filter(author=user.pk)
    elif filters.scope == "school":
        questions = questions.filter(organization__in=roles.staff_org_ids).exclude(
            visibility=Question.Visibility.PRIVATE
        )
    elif filters.scope == "network":
        questions = questions.filter(visibility=Question.Visibility.NETWORK)
    if filters.category_ids is not None:
        questions = questions.filter(category__in=list(filters.category_ids))
    if filters.subject_id is not None:
        questions = questions.filter(subject=filters.subject_id)
    if filters.type:
        questions = questions.filter(type=filters.type)
    if filters.difficulty is not None:
        questions = questions.filter(difficulty=filters.difficulty)
    # A chosen category lists in the order its questions came (a file's order); the whole
    # bank, newest first.
    questions = questions.order_by("pk" if filters.category_ids is not None else "-pk")
    words = name_key(filters.text).split()
    tag = name_key(filters.tag)
    if not (words or tag or filters.grade is not None):
        return Paginator(
            questions.select_related("category", "author", "subject"), PER_PAGE
        ).get_page(page_number)
    found: list[Any] = [
        pk
        for pk, name, grades, tags in questions.values_list("pk", "name", "grades", "tags")
        if all(word in name_key(name) for word in words)
        and (not tag or any(name_key(str(each)) == tag for each in tags or []))
        and (filters.grade is None or filters.grade in (grades or []))
    ]
    page = Paginator(found, PER_PAGE).get_page(page_number)
    rows = Question.objects.filter(pk__in=list(page.object_list)).select_related(
        "category", "author", "subject"
    )
    by_pk = {question.pk: question for question in rows}
    page.object_list = [by_pk[pk] for pk in page.object_list if pk in by_pk]
    return page

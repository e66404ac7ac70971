"""Shared by the test bank's API modules: the caller, people and schools as a payload shows
them, times in a sitting's zone, and the objects a caller may see (404 otherwise)."""

import datetime
import zoneinfo
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.accounts.models import Organization, Subject, User
from metodset.core.exceptions import DomainError
from metodset.testing import access, permissions, reports, services
from metodset.testing.api.schemas import PER_PAGE
from metodset.testing.formats.items import split_category_path
from metodset.testing.models import Attempt, Category, Quiz, Sitting

M = TypeVar("M", bound=Model)


def actor_of(request: HttpRequest) -> User:
    return cast(User, request.user)


def person_out(user: User) -> dict[str, Any]:
    return {"id": user.pk, "name": user.short_name}


def organization_out(organization: Organization | None) -> dict[str, Any] | None:
    if organization is None:
        return None
    return {"id": organization.pk, "short_name": organization.short_name}


def subject_out(subject: Subject | None) -> dict[str, Any] | None:
    return {"id": subject.pk, "name": subject.name} if subject is not None else None


def grade_out(attempt: Attempt | reports.AttemptFigures) -> dict[str, Any]:
    """An attempt's score, mark and journal decision as a payload shows them (from the row,
    or from the figures the results read)."""
    return {
        "score": attempt.score,
        "max_score": attempt.max_score,
        "percent": attempt.percent,
        "mark": attempt.mark,
        "needs_grading": attempt.needs_grading,
        "journal": attempt.journal,
    }


def local_time(moment: datetime.datetime | None, sitting: Sitting) -> datetime.datetime | None:
    """A time of a sitting on its district's clock (ISO 8601 with the offset)."""
    return timezone.localtime(moment, sitting.district.zone) if moment is not None else None


def aware(moment: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """A time without an offset is the wall clock of the district it happens in."""
    return timezone.make_aware(moment, zone) if timezone.is_naive(moment) else moment


def subject_by_id(subject_id: int | None) -> Subject | None:
    if subject_id is None:
        return None
    subject = Subject.objects.filter(pk=subject_id).first()
    if subject is None:
        raise DomainError(_("Такого предмета нет."))
    return subject


def in_given_order(rows: QuerySet[M], ids: list[int], missing: str) -> list[M]:
    """The rows of `ids`, in the order given and each once; 400 naming the ids not found
    (`missing` takes them as %(ids)s)."""
    wanted = list(dict.fromkeys(ids))
    found = rows.in_bulk(wanted)
    absent = [pk for pk in wanted if pk not in found]
    if absent:
        raise DomainError(missing % {"ids": ", ".join(str(pk) for pk in absent)})
    return [found[pk] for pk in wanted]


def page_out(
    rows: QuerySet[M], number: int, row_out: Callable[[M], dict[str, Any]]
) -> dict[str, Any]:
    """Page `number` of `rows`, PER_PAGE a page: the total, the page's number and its rows
    as `row_out` shows them."""
    total = rows.count()
    offset = (number - 1) * PER_PAGE
    return {
        "total": total,
        "page": number,
        "items": [row_out(row) for row in rows[offset : offset + PER_PAGE]],
    }


def category_for(user: Any, given: str) -> Category:
    """A category the user sees, named by id or by path («Математика/5 класс»); 400 when
    there is none (a category one does not see is not there)."""
    given = given.strip()
    category = (
        Category.objects.filter(pk=int(given)).first()
        if given.isdigit()
        else services.find_category(split_category_path(given))
    )
    if category is None or not permissions.can_view_category(user, category):
        raise DomainError(_("Категории «%(category)s» в банке нет.") % {"category": given})
    return category


def category_paths() -> dict[int, str]:
    """Every category's full path «Математика / 5 класс» in one query (the tree is small;
    a row's `path()` would ask once per level for every question of a page)."""
    rows = {
        pk: (parent, name)
        for pk, parent, name in Category.objects.values_list("pk", "parent_id", "name")
    }
    paths: dict[int, str] = {}
    for pk in rows:
        names = []
        cursor: int | None = pk
        while cursor is not None and cursor in rows:
            parent, name = rows[cursor]
            names.append(name)
            cursor = parent
        paths[pk] = " / ".join(reversed(names))
    return paths


def visible_quiz(request: HttpRequest, quiz_id: int) -> Quiz:
    """404 both for a missing test and one the caller may not see."""
    quiz = (
        Quiz.objects.select_related("author", "organization", "subject").filter(pk=quiz_id).first()
    )
    if quiz is None or not access.can_view_quiz(request.user, quiz):
        raise Http404
    return quiz


def visible_sitting(request: HttpRequest, sitting_id: int) -> Sitting:
    """404 both for a missing sitting and one the caller may not see."""
    sitting = (
        Sitting.objects.select_related("quiz", "district", "created_by")
        .filter(pk=sitting_id)
        .first()
    )
    if sitting is None or not access.can_view_sitting(request.user, sitting):
        raise Http404
    return sitting


def visible_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    """404 both for a missing attempt and someone else's the caller may not see."""
    attempt = (
        Attempt.objects.select_related(
            "sitting__quiz", "sitting__district", "student", "organization"
        )
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or not access.can_view_attempt(request.user, attempt):
        raise Http404
    return attempt

"""The verbs of the question bank: import a parsed file, export what one sees."""

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts import permissions as people
from metodset.core import audit
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.testing import permissions
from metodset.testing.formats.items import Item, ParseResult
from metodset.testing.models import NAME_LENGTH, Category, Question, QuestionVersion
from metodset.testing.serialization import from_data, to_data

audit.register_actions(
    {
        "testing.questions_imported": gettext_lazy("Вопросы импортированы в банк тестов"),
    }
)

# Items without a category in the file (and without --category) land here, as Moodle puts
# them into its "Default for …" category.
UNCATEGORIZED = "Без категории"
# How many errors a refusal lists before «и ещё N».
ERRORS_SHOWN = 5
BATCH_SIZE = 2000


class ImportRefusedError(DomainError):
    """The file has errors: the import saves nothing until they are fixed."""


def _errors_summary(result: ParseResult) -> str:
    shown = "; ".join(str(error) for error in result.errors[:ERRORS_SHOWN])
    rest = len(result.errors) - ERRORS_SHOWN
    if rest > 0:
        shown += _(" и ещё %(count)d") % {"count": rest}
    return shown


def _category_tree(paths: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], Category]:
    """The category of every path, creating the missing ones level by level."""
    nodes: dict[tuple[str, ...], Category] = {}
    for path in sorted(set(paths), key=len):
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if prefix in nodes:
                continue
            parent = nodes[prefix[:-1]] if depth > 1 else None
            nodes[prefix], _created = Category.objects.get_or_create(
                parent=parent, name=prefix[-1][:NAME_LENGTH]
            )
    return nodes


def find_category(path: list[str]) -> Category | None:
    """The category at `path` from the top, or None when there is none."""
    node: Category | None = None
    for name in path:
        node = Category.objects.filter(parent=node, name=name).first()
        if node is None:
            return None
    return node


def category_subtree_ids(category: Category) -> set[int]:
    """The category and all below it (one query a level of the tree)."""
    ids = {category.pk}
    level = {category.pk}
    while level:
        level = set(Category.objects.filter(parent__in=level).values_list("pk", flat=True))
        level -= ids
        ids |= level
    return ids


def _insert_first_versions(actor: Any, questions: list[Question], items: list[Item]) -> None:
    """Version 1 of every new question, one parameterized INSERT run for many rows.

    `bulk_create` spent 2 of the 7 s a 25,000-item import took on SQLite compiling every
    value through its field, in 200-row statements (SQLite's 999-parameter limit); an
    `executemany` of one INSERT takes a fraction of that (a hand-built multi-row INSERT
    was slower on both databases). The values are adapted as the fields adapt them (JSON
    and the time through the backend's own operations), so the rows are those
    `QuestionVersion.save` would write, on SQLite and PostgreSQL alike. The versions' ids
    are not needed, which is what `bulk_create` would be kept for.
    """
    quote = connection.ops.quote_name
    columns = ["question_id", "number", "data", "created_by_id", "created_at"]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        quote(QuestionVersion._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [
        (question.pk, 1, connection.ops.adapt_json_value(to_data(item), None), actor.pk, created_at)
        for question, item in zip(questions, items, strict=True)
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + BATCH_SIZE])


def import_items(
    *,
    actor: Any,
    result: ParseResult,
    category_path: list[str] | None = None,
    visibility: str = Question.Visibility.PRIVATE,
) -> list[Question]:
    """Save every item of a read file as a question with its first version, all or none.

    The file's categories go under `category_path` (created as needed). A file with any
    error is refused whole, so the teacher fixes it and imports once.
    """
    if not permissions.can_import_questions(actor):
        raise PermissionDeniedError(_("Импортировать вопросы в банк могут только педагоги."))
    if result.errors:
        raise ImportRefusedError(
            _("В файле есть ошибки, ничего не сохранено; исправьте ошибки: %(errors)s")
            % {"errors": _errors_summary(result)}
        )
    if visibility not in Question.Visibility.values:
        raise DomainError(_("Неизвестная видимость вопросов: «%(value)s».") % {"value": visibility})
    if not result.items:
        raise DomainError(_("В файле не найдено ни одного вопроса."))
    root = tuple(category_path or ())
    paths = [(*root, *item.category) or (UNCATEGORIZED,) for item in result.items]
    staff_orgs = people.roles_of(actor).staff_org_ids
    organization_id = min(staff_orgs) if staff_orgs else None
    with transaction.atomic():
        categories = _category_tree(paths)
        questions = Question.objects.bulk_create(
            [
                Question(
                    category=categories[path],
                    type=item.type.value,
                    name=item.name[:NAME_LENGTH],
                    author=actor,
                    organization_id=organization_id,
                    visibility=visibility,
                    tags=list(item.tags),
                    current_version=1,
                )
                for item, path in zip(result.items, paths, strict=True)
            ],
            batch_size=BATCH_SIZE,
        )
        _insert_first_versions(actor, questions, result.items)
        audit.record(
            actor=actor,
            action="testing.questions_imported",
            target=categories[root] if root else None,
            comment=_("Импортировано вопросов: %(count)d") % {"count": len(questions)},
            changes={
                "count": len(questions),
                "categories": sorted({" / ".join(path) for path in paths}),
                "visibility": visibility,
            },
        )
    return questions


def export_items(*, actor: Any, category_path: list[str] | None = None) -> list[Item]:
    """The current versions of the questions the actor sees, under `category_path` if given,
    each with its category's full path, in the bank's order."""
    questions = permissions.questions_visible_to(actor)
    if category_path:
        category = find_category(category_path)
        if category is None:
            raise DomainError(
                _("Категории «%(path)s» нет в банке.") % {"path": " / ".join(category_path)}
            )
        questions = questions.filter(category__in=category_subtree_ids(category))
    rows = list(questions.values_list("pk", "category_id"))
    if not rows:
        return []
    # Only the current versions: the join keeps earlier ones in the database.
    data_by_question = dict(
        QuestionVersion.objects.filter(
            question__in=questions, number=F("question__current_version")
        ).values_list("question_id", "data")
    )
    paths: dict[int, list[str]] = {}
    items = []
    for pk, category_id in rows:
        if category_id not in paths:
            paths[category_id] = Category.objects.get(pk=category_id).path()
        item = from_data(data_by_question[pk])
        item.category = [] if paths[category_id] == [UNCATEGORIZED] else paths[category_id]
        items.append(item)
    return items

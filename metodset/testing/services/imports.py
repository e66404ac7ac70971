"""The verbs of the question bank: import a parsed file, export what one sees."""

from collections.abc import Iterable
from typing import Any

import psycopg
from django.db import connection, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts import permissions as people
from metodset.core import audit
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.testing import permissions
from metodset.testing.formats.items import DIFFICULTY_OPTION, Item, ParseResult
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


def _insert_questions(template: Question, rows: list[tuple[Any, ...]]) -> list[Question]:
    """New questions with their ids, `rows` holding the values of `_ROW_FIELDS`.

    `bulk_create` spent some 3 of the 8 s a 25,000-item import took compiling every value
    of every row through its field. Here the fields every row shares (author, school,
    visibility, the times, the defaults of fields the import does not fill) are adapted
    once, from `template`, and only `_ROW_FIELDS` row by row — as their fields adapt them
    (JSON through the backend's own operation), so the rows are those `bulk_create` would
    write; `_insert_rows` sends them. A field added to Question whose default differs from
    row to row (a uuid) would have to join `_ROW_FIELDS`.
    """
    fields = [field for field in Question._meta.concrete_fields if not field.primary_key]
    by_name = {field.name: field for field in fields}
    row_fields = [by_name[name] for name in _ROW_FIELDS]
    shared = [field for field in fields if field not in row_fields]
    shared_values = [field.pre_save(template, add=True) for field in shared]
    shared_db = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(shared, shared_values, strict=True)
    ]
    encoder = getattr(by_name["tags"], "encoder", None)
    adapt_json = connection.ops.adapt_json_value
    ids = _insert_rows(
        Question,
        [*row_fields, *shared],
        [
            (category_id, kind, name, difficulty, adapt_json(tags, encoder), *shared_db)
            for category_id, kind, name, difficulty, tags in rows
        ],
        returning_ids=True,
    )
    # Built from the values positionally, in the fields' order, the way querysets build
    # rows (Model.__init__ with keywords cost a second on 25,000).
    order = [field.attname for field in Question._meta.concrete_fields]
    values: list[Any] = [None] * len(order)
    for field, value in zip(shared, shared_values, strict=True):
        values[order.index(field.attname)] = value
    pk_position = order.index(Question._meta.pk.attname)
    positions = [order.index(field.attname) for field in row_fields]
    questions = []
    alias = connection.alias
    for pk, row in zip(ids, rows, strict=True):
        values[pk_position] = pk
        for position, value in zip(positions, row, strict=True):
            values[position] = value
        questions.append(Question.from_db(alias, order, values.copy()))
    return questions


# What differs from question to question on import, in the order of `_insert_questions`' rows.
_ROW_FIELDS = ("category", "type", "name", "difficulty", "tags")


def _insert_first_versions(actor: Any, questions: list[Question], items: list[Item]) -> None:
    """Version 1 of every new question, its values adapted as its fields adapt them."""
    fields = [
        QuestionVersion._meta.get_field(name)
        for name in ("question", "number", "data", "created_by", "created_at")
    ]
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    adapt_json = connection.ops.adapt_json_value
    rows = [
        (question.pk, 1, adapt_json(to_data(item), None), actor.pk, created_at)
        for question, item in zip(questions, items, strict=True)
    ]
    _insert_rows(QuestionVersion, fields, rows, returning_ids=False)


def _insert_rows(
    model: type[Model], fields: list[Any], rows: list[tuple[Any, ...]], *, returning_ids: bool
) -> list[int]:
    """Insert rows of database-ready values for `fields`; their new ids, in order, if asked.

    PostgreSQL gets one `INSERT … SELECT * FROM UNNEST(%b::type[], …) RETURNING id` a
    batch, as `bulk_create` builds it since Django 5.2 (one array a column, so the server
    plans one statement, not one a row) and, like it, trusts the ids to come back in the
    rows' order. The arrays go in psycopg's binary format through a cursor of its own:
    Django's cursor binds on the client, quoting every character of every JSON text in
    Python (10 CPU seconds for 25,000 questions, against 2; an `executemany` of single
    rows cost the server 5). Being psycopg's, that cursor is not in `connection.queries`.
    SQLite takes an `executemany`, whose returned rows its driver drops; its ids come in
    insertion order under the write lock the transaction holds (AUTOINCREMENT never
    reuses or reorders them), so they are read back from the first new one.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(str(model._meta.pk.column))
    columns = ", ".join(quote(field.column) for field in fields)
    ids: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # varchar, not varchar(255): the arrays' types without their sizes, as Django.
            arrays = ", ".join(
                f"%b::{field.db_type(connection).split('(')[0]}[]" for field in fields
            )
            sql = f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({arrays})"  # noqa: S608
            if returning_ids:
                sql += f" RETURNING {pk}"
            with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as raw:
                for start in range(0, len(rows), BATCH_SIZE):
                    batch = rows[start : start + BATCH_SIZE]
                    raw.execute(sql, [list(column) for column in zip(*batch, strict=True)])
                    if returning_ids:
                        ids.extend(row[0] for row in raw.fetchall())
        elif connection.vendor == "sqlite":
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            first = 0
            if returning_ids:  # the first row alone, to learn its id
                cursor.execute(sql, rows[0])
                first = cursor.lastrowid
            for start in range(1 if returning_ids else 0, len(rows), BATCH_SIZE):
                cursor.executemany(sql, rows[start : start + BATCH_SIZE])
            if returning_ids:
                cursor.execute(
                    f"SELECT {pk} FROM {table} WHERE {pk} >= %s ORDER BY {pk}",  # noqa: S608
                    [first],
                )
                ids = [row[0] for row in cursor.fetchall()]
        else:  # pragma: no cover - Metodset runs on SQLite and PostgreSQL
            raise NotImplementedError(f"no bulk insert on {connection.vendor}")
    if returning_ids and len(ids) != len(rows):  # pragma: no cover - another writer
        raise RuntimeError(f"inserted {len(rows)} rows into {table}, found {len(ids)}")
    return ids


def _difficulty_of(item: Item) -> int | None:
    """The difficulty a file gave the item (1–5, the XLSX sheet's column), or None."""
    written = item.moodle_options.get(DIFFICULTY_OPTION, "").strip()
    return int(written) if written in {"1", "2", "3", "4", "5"} else None


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
        template = Question(
            author=actor,
            organization_id=organization_id,
            visibility=visibility,
            current_version=1,
        )
        questions = _insert_questions(
            template,
            [
                (
                    categories[path].pk,
                    item.type.value,
                    item.name[:NAME_LENGTH],
                    _difficulty_of(item),
                    list(item.tags),
                )
                for item, path in zip(result.items, paths, strict=True)
            ],
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
    each with its category's full path and the question's difficulty, in the bank's order."""
    questions = permissions.questions_visible_to(actor)
    if category_path:
        category = find_category(category_path)
        if category is None:
            raise DomainError(
                _("Категории «%(path)s» нет в банке.") % {"path": " / ".join(category_path)}
            )
        questions = questions.filter(category__in=category_subtree_ids(category))
    rows = list(questions.values_list("pk", "category_id", "difficulty"))
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
    for pk, category_id, difficulty in rows:
        if category_id not in paths:
            paths[category_id] = Category.objects.get(pk=category_id).path()
        item = from_data(data_by_question[pk])
        item.category = [] if paths[category_id] == [UNCATEGORIZED] else paths[category_id]
        # The bank's difficulty, which the teacher may have changed since the import.
        item.moodle_options.pop(DIFFICULTY_OPTION, None)
        if difficulty is not None:
            item.moodle_options[DIFFICULTY_OPTION] = str(difficulty)
        items.append(item)
    return items

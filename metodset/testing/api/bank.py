"""The question bank in the API: the filtered list, one question's content, the category
tree, importing a file (checked first, saved whole or not at all) and exporting one."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from metodset.accounts.api import ErrorOut
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.uploads import format_size
from metodset.testing import formats, permissions, selectors, services
from metodset.testing.api.common import (
    actor_of,
    category_for,
    category_paths,
    person_out,
    subject_out,
)
from metodset.testing.api.schemas import (
    ERRORS,
    TestingCategoryOut,
    TestingExportFilters,
    TestingImportForm,
    TestingImportOut,
    TestingImportRefusedOut,
    TestingQuestionDetailOut,
    TestingQuestionFilters,
    TestingQuestionPageOut,
)
from metodset.testing.formats.items import ParseError, ParseResult, split_category_path
from metodset.testing.labels import type_label
from metodset.testing.models import Question
from metodset.testing.serialization import to_data
from metodset.testing.services import bank as bank_services
from metodset.testing.services import import_jobs

router = Router(tags=["Банк тестов"])

# What an exported file is called and served as, by format.
EXPORT_FILES = {
    "gift": ("questions.gift.txt", "text/plain; charset=utf-8"),
    "aiken": ("questions.aiken.txt", "text/plain; charset=utf-8"),
    "moodlexml": ("questions.xml", "application/xml"),
    "xlsx": (
        "questions.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


def _check_bank_reader(user: Any) -> None:
    """Whoever fills the bank reads it; students and parents see no question of it (a
    question carries its key), so they are refused rather than shown an empty bank."""
    if not permissions.can_import_questions(user):
        raise PermissionDeniedError(
            _("Банк тестов доступен педагогам, руководителям и методистам.")
        )


def _question_out(question: Question, paths: dict[int, str]) -> dict[str, Any]:
    return {
        "id": question.pk,
        "name": question.name,
        "type": question.type,
        "type_label": type_label(question.type),
        "category": {"id": question.category_id, "path": paths.get(question.category_id, "")},
        "author": person_out(question.author),
        "visibility": question.visibility,
        "difficulty": question.difficulty,
        "subject": subject_out(question.subject),
        "grades": list(question.grades or []),
        "tags": [str(tag) for tag in question.tags or []],
        "current_version": question.current_version,
        "is_archived": question.is_archived,
        "created_at": question.created_at,
        "updated_at": question.updated_at,
    }


@router.get(
    "/testing/questions",
    response={200: TestingQuestionPageOut, 403: ErrorOut},
    summary="Вопросы банка",
    description="Вопросы, которые вам видны (свои, открытые вашей школе и всей сети), по "
    "50 на странице, с фильтрами. Обучающимся и родителям — 403: вопрос содержит ключ.",
)
def question_list(request: HttpRequest, filters: Query[TestingQuestionFilters]) -> dict[str, Any]:
    user = request.user
    _check_bank_reader(user)
    category_ids: list[int] | None = None
    if filters.category:
        try:
            category = category_for(user, filters.category)
        except DomainError:
            # As the pages' filters do: a category that names nothing matches nothing.
            return {
                "total": 0,
                "page": filters.page,
                "per_page": selectors.PER_PAGE,
                "items": [],
            }
        category_ids = sorted(services.category_subtree_ids(category))
    page = selectors.bank_page(
        user,
        selectors.BankFilters(
            category_ids=category_ids,
            scope="mine" if filters.mine else "",
            subject_id=filters.subject,
            type=filters.type or "",
            difficulty=filters.difficulty,
            text=filters.q or "",
            archived=filters.archived,
        ),
        filters.page,
    )
    paths = category_paths()
    return {
        "total": page.paginator.count,
        "page": page.number,
        "per_page": selectors.PER_PAGE,
        "items": [_question_out(question, paths) for question in page.object_list],
    }


@router.get(
    "/testing/questions/{question_id}",
    response={200: TestingQuestionDetailOut, 404: ErrorOut},
    summary="Вопрос банка",
    description="Вопрос с содержанием текущей версии (текст, варианты, оценки, отзывы); "
    "404, если его нет или он вам не виден.",
)
def question_detail(request: HttpRequest, question_id: int) -> dict[str, Any]:
    user = request.user
    question = selectors.get_question_for(user, question_id)
    return {
        **_question_out(question, category_paths()),
        "can_edit": permissions.can_edit_question(user, question),
        "item": to_data(bank_services.question_item(question)),
    }


@router.get(
    "/testing/categories",
    response={200: list[TestingCategoryOut], 403: ErrorOut},
    summary="Категории банка",
    description="Дерево категорий, которые вам видны, сверху вниз (каждая сразу после "
    "родительской), с числом видимых вам действующих вопросов в ней и ниже.",
)
def category_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    _check_bank_reader(user)
    roots, _nodes = selectors.category_tree(user)
    out: list[dict[str, Any]] = []

    def walk(node: selectors.CategoryNode, parent_id: int | None, depth: int) -> None:
        out.append(
            {
                "id": node.pk,
                "name": node.name,
                "path": node.path,
                "parent_id": parent_id,
                "depth": depth,
                "count": node.count,
            }
        )
        for child in node.children:
            walk(child, node.pk, depth + 1)

    for root in roots:
        walk(root, None, 0)
    return out


# --- Import and export -----------------------------------------------------------------------


def _read(upload: UploadedFile, format: str | None) -> tuple[str, ParseResult]:
    """The file read in its format (given, or told by its name), nothing saved."""
    name = upload.name or "questions"
    limit: int = settings.IMPORT_MAX_BYTES
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(
            _("Файл «%(name)s» больше %(limit)s: разделите его на части.")
            % {"name": name, "limit": format_size(limit)}
        )
    if not data.strip():
        raise DomainError(_("Файл «%(name)s» пуст.") % {"name": name})
    chosen = format or import_jobs.guess_format(name, data[:4096])
    if chosen is None:
        raise DomainError(
            _("По имени файла «%(name)s» формат не понять: укажите format.") % {"name": name}
        )
    if chosen not in formats.FORMATS:
        raise DomainError(_("Неизвестный формат файла: «%(format)s».") % {"format": chosen})
    try:
        return chosen, formats.parse(data, chosen)
    except Exception as error:
        # A reader reports what it can as errors; anything it raises means a damaged file.
        raise DomainError(
            _("Файл «%(name)s» не читается: он повреждён или сохранён не в выбранном формате.")
            % {"name": name}
        ) from error


def _error_out(error: ParseError) -> dict[str, Any]:
    return {"line": error.line, "element": error.element, "message": error.message}


@router.post(
    "/testing/imports",
    response={
        200: TestingImportOut,
        201: TestingImportOut,
        400: TestingImportRefusedOut,
        403: ErrorOut,
    },
    summary="Импорт вопросов из файла",
    description="multipart/form-data: file и поля формы. С dry_run=true файл только "
    "проверяется: найденные вопросы и ошибки (200). Без dry_run файл без ошибок "
    "сохраняется целиком (201, saved — сколько); файл с ошибками — 400 со списком ошибок, "
    "ничего не сохранено.",
)
def question_import(
    request: HttpRequest, file: File[UploadedFile], details: Form[TestingImportForm]
) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    if not permissions.can_import_questions(actor):
        raise PermissionDeniedError(_("Импортировать вопросы в банк могут только педагоги."))
    if details.visibility == "school" and not permissions.can_share_with_school(actor):
        raise DomainError(
            _(
                "Открыть вопросы педагогам своей школы может только тот, кто в ней работает; "
                "выберите «только автору» или «педагогам всей сети»."
            )
        )
    _format, result = _read(file, details.format)
    path = split_category_path(details.category_path)
    preview = [
        {
            "type": item.type.value,
            "name": item.name,
            "category": " / ".join((*path, *item.category) or (services.UNCATEGORIZED,)),
            "source": item.source,
        }
        for item in result.items
    ]
    errors = [_error_out(error) for error in result.errors]
    if details.dry_run:
        return Status(200, {"items": preview, "errors": errors, "saved": 0})
    if errors:
        return Status(
            400,
            {
                "detail": _("В файле есть ошибки, ничего не сохранено; исправьте их: %(count)d.")
                % {"count": len(errors)},
                "errors": errors,
            },
        )
    saved = services.import_items(
        actor=actor, result=result, category_path=path or None, visibility=details.visibility
    )
    return Status(201, {"items": preview, "errors": [], "saved": len(saved)})


@router.get(
    "/testing/export",
    response={200: None, **ERRORS},
    summary="Выгрузить вопросы в файл",
    description="Видимые вам вопросы банка (или категории с подкатегориями) файлом в "
    "формате gift, moodlexml или aiken. Вопросы, которые формат не передаёт, "
    "пропускаются; их число — в заголовке X-Skipped-Items.",
)
def question_export(request: HttpRequest, filters: Query[TestingExportFilters]) -> HttpResponse:
    actor = actor_of(request)
    _check_bank_reader(actor)
    if filters.format not in formats.FORMATS:
        raise DomainError(_("Неизвестный формат файла: «%(format)s».") % {"format": filters.format})
    path = category_for(actor, filters.category).path() if filters.category else None
    items = services.export_items(actor=actor, category_path=path)
    if not items:
        raise DomainError(_("Нет вопросов для выгрузки: вам не видно ни одного в этой категории."))
    problems: list[ParseError] = []
    content = formats.write(items, filters.format, problems=problems)
    name, content_type = EXPORT_FILES.get(
        filters.format, (f"questions.{filters.format}", "application/octet-stream")
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Skipped-Items"] = str(len(problems))
    return response

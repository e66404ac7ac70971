"""Pages of the test bank: the list with its category tree and filters, a question (its
item with the key, details and versions), writing and editing one, copying, archiving, a
new category. Thin: parse, call a service or a read, render.

Students and parents get 404 everywhere here: for them the bank does not exist.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from metodset.core.actions import actor_of, attempt, refusals_into, run_action
from metodset.testing import permissions, rendering, selectors
from metodset.testing.formats.items import (
    FULL_CREDIT,
    ClozeKind,
    Item,
    ItemType,
    format_number,
)
from metodset.testing.forms_bank import (
    ROWS_PREFIX,
    BankFilterForm,
    CategoryForm,
    QuestionDetailsForm,
    QuestionItemForm,
    fraction_label,
)
from metodset.testing.labels import TYPE_LABELS, type_label
from metodset.testing.models import Question, QuestionVersion
from metodset.testing.serialization import from_data
from metodset.testing.services import bank

# --- Showing an item -------------------------------------------------------------------------


def question_html(text: str, text_format: str, files: dict[str, bytes] | None = None) -> SafeString:
    """A text of an item as safe HTML, its images inlined (`rendering.item_html`)."""
    return rendering.item_html(text, text_format, files=files or {})


CLOZE_KIND_LABELS = {
    "SHORTANSWER": _("краткий ответ"),
    "NUMERICAL": _("число"),
    "MULTICHOICE": _("выбор одного"),
    "MULTIRESPONSE": _("выбор нескольких"),
}
# Marks the place of a cloze field while the text is sanitized; nh3 leaves it alone.
_FIELD_MARK = "\u27e6{}\u27e7"


def _cloze_kind_label(kind: ClozeKind) -> str:
    for prefix, label in CLOZE_KIND_LABELS.items():
        if kind.startswith(prefix):
            if kind is ClozeKind.SHORTANSWER_C:
                return _("краткий ответ, с учётом регистра")
            return str(label)
    return kind.value


def _number(value: Any) -> str:
    return format_number(value).replace(".", ",")


def render_item(item: Item) -> dict[str, Any]:
    """What the read-only item template shows: texts as safe HTML, the key marked."""

    def html(text: str) -> SafeString:
        return question_html(text, item.text_format, item.files)

    view: dict[str, Any] = {
        "type": item.type.value,
        "type_label": type_label(item.type),
        "name": item.name,
        "general_feedback": html(item.general_feedback) if item.general_feedback else "",
        "default_grade": _number(item.default_grade),
        "overall_feedback": [
            (label, html(text))
            for label, text in (
                (_("На верный ответ"), item.correct_feedback),
                (_("На частично верный"), item.partially_correct_feedback),
                (_("На неверный"), item.incorrect_feedback),
            )
            if text
        ],
    }
    text = item.text
    if item.type is ItemType.CLOZE:
        for number, part in enumerate(item.cloze_parts, 1):
            text = text.replace(part.source, _FIELD_MARK.format(number), 1)
    text_html = str(html(text))
    if item.type is ItemType.CLOZE:
        for number in range(1, len(item.cloze_parts) + 1):
            badge = f'<span class="badge text-bg-primary">{number}</span>'
            text_html = text_html.replace(_FIELD_MARK.format(number), badge, 1)
        view["cloze_parts"] = [
            {
                "number": number,
                "kind": _cloze_kind_label(part.kind),
                "weight": part.weight,
                "answers": [
                    {
                        "text": answer.text
                        + (f" ± {_number(answer.tolerance)}" if answer.tolerance else ""),
                        "fraction": fraction_label(str(answer.fraction)),
                        "is_right": answer.fraction > 0,
                        "feedback": answer.feedback,
                    }
                    for answer in part.answers
                ],
            }
            for number, part in enumerate(item.cloze_parts, 1)
        ]
    view["text"] = mark_safe(text_html)  # noqa: S308 - sanitized above; badges are ours

    def answers(text: Callable[[str], str]) -> list[dict[str, Any]]:
        """The options or accepted answers, each text shown by `text`."""
        return [
            {
                "text": text(answer.text),
                "fraction": fraction_label(str(answer.fraction)),
                "is_right": answer.fraction > 0,
                "is_full": answer.fraction == FULL_CREDIT,
                "feedback": html(answer.feedback) if answer.feedback else "",
            }
            for answer in item.answers
        ]

    if item.type in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
        view["answers"] = answers(html)
    elif item.type is ItemType.SHORT_ANSWER:
        # Accepted answers are compared as typed, so they are shown as plain text.
        view["answers"] = answers(escape)
        view["case_sensitive"] = item.case_sensitive
        view["fold_yo"] = item.fold_yo
    elif item.type is ItemType.NUMERICAL:
        view["numbers"] = [
            {
                "value": _("любое другое число")
                if answer.value is None
                else _number(answer.value)
                + (f" ± {_number(answer.tolerance)}" if answer.tolerance else ""),
                "fraction": fraction_label(str(answer.fraction)),
                "is_right": answer.fraction > 0,
                "feedback": html(answer.feedback) if answer.feedback else "",
            }
            for answer in item.numerical_answers
        ]
    elif item.type is ItemType.MATCHING:
        view["pairs"] = [
            {"question": html(pair.question) if pair.question else "", "answer": html(pair.answer)}
            for pair in item.pairs
        ]
    elif item.type is ItemType.ORDERING:
        view["steps"] = [html(answer.text) for answer in item.answers]
    elif item.type is ItemType.TRUE_FALSE:
        view["correct_answer"] = item.correct_answer
        view["feedback_true"] = html(item.feedback_true) if item.feedback_true else ""
        view["feedback_false"] = html(item.feedback_false) if item.feedback_false else ""
    elif item.type is ItemType.ESSAY:
        view["grader_info"] = html(item.grader_info) if item.grader_info else ""
        view["response_template"] = item.response_template
    return view


# --- The list --------------------------------------------------------------------------------


def _require_bank(user: Any) -> None:
    """The bank does not exist for students, parents and people without a role."""
    if not permissions.can_import_questions(user):
        raise Http404


@dataclass(frozen=True)
class QuestionRow:
    question: Question
    type_label: str
    category_path: str


@login_required
@require_GET
def bank_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require_bank(actor)
    form = BankFilterForm(request.GET)
    roots, nodes = selectors.category_tree(actor)
    category = nodes.get(form.value("category") or 0)
    subject = form.value("subject")
    filters = selectors.BankFilters(
        category_ids=selectors.subtree_ids(category) if category else None,
        scope=form.value("scope") or "",
        subject_id=subject.pk if subject else None,
        grade=form.value("grade"),
        type=form.value("type") or "",
        difficulty=form.value("difficulty"),
        tag=form.value("tag") or "",
        text=form.value("q") or "",
        archived=bool(form.value("archived")),
    )
    page = selectors.bank_page(actor, filters, request.GET.get("page"))
    rows = [
        QuestionRow(
            question=question,
            type_label=type_label(question.type),
            category_path=nodes[question.category_id].path
            if question.category_id in nodes
            else question.category.name,
        )
        for question in page.object_list
    ]
    return render(
        request,
        "testing/bank/list.html",
        {
            "form": form,
            "roots": roots,
            "current": category,
            "page_obj": page,
            "rows": rows,
            "can_create": permissions.can_create_question(actor),
            "type_labels": list(TYPE_LABELS.items()),
            "is_filtered": any(
                form.value(name) not in (None, "", False)
                for name in ("q", "scope", "subject", "grade", "type", "difficulty", "tag")
            ),
        },
    )


# --- A question ------------------------------------------------------------------------------


def _question_context(actor: Any, question: Question, item: Item) -> dict[str, Any]:
    versions = list(
        QuestionVersion.objects.filter(question=question)
        .select_related("created_by")
        .defer("data")
        .order_by("-number")
    )
    comments = selectors.version_comments(question)
    copied_from = question.copied_from
    return {
        "question": question,
        "item": render_item(item),
        "category_path": " / ".join(question.category.path()),
        "versions": [(version, comments.get(version.number, "")) for version in versions],
        "copied_from": copied_from
        if copied_from is not None and permissions.can_view_question(actor, copied_from)
        else None,
        "can_edit": permissions.can_edit_question(actor, question),
        "can_copy": permissions.can_copy_question(actor, question),
        "can_archive": permissions.can_archive_question(actor, question),
    }


@login_required
@require_GET
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    question = selectors.get_question_for(actor, pk)
    context = _question_context(actor, question, bank.question_item(question))
    return render(request, "testing/bank/question_detail.html", context)


@login_required
@require_GET
def question_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    actor = actor_of(request)
    question = selectors.get_question_for(actor, pk)
    version = (
        QuestionVersion.objects.filter(question=question, number=number)
        .select_related("created_by")
        .first()
    )
    if version is None:
        raise Http404
    context = _question_context(actor, question, from_data(version.data))
    context["version"] = version
    return render(request, "testing/bank/question_detail.html", context)


def _with_more_rows(data: Any) -> Any:
    """The posted form again with three more empty rows (the «Добавить строки» button works
    without JavaScript)."""
    data = data.copy()
    key = f"{ROWS_PREFIX}-TOTAL_FORMS"
    if key in data and str(data[key]).isdigit():
        data[key] = str(min(int(data[key]) + 3, 100))
    return data


def _item_type(value: str | None) -> ItemType | None:
    try:
        return ItemType(value or "")
    except ValueError:
        return None


def _valid_item(form: QuestionItemForm, details: QuestionDetailsForm) -> Item | None:
    """The item typed, when both forms are valid (both are checked, so both show their
    errors)."""
    item_ok = form.is_valid()
    details_ok = details.is_valid()
    return form.item if item_ok and details_ok else None


def _question_form(
    request: HttpRequest,
    form: QuestionItemForm,
    details: QuestionDetailsForm,
    question: Question | None,
    item_type: ItemType,
) -> HttpResponse:
    return render(
        request,
        "testing/bank/question_form.html",
        {"form": form, "details": details, "question": question, "item_type": item_type.value},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not permissions.can_create_question(actor):
        raise Http404
    item_type = _item_type(request.GET.get("type") or request.POST.get("type"))
    category_pk = request.GET.get("category", "")
    if item_type is None:
        return render(
            request,
            "testing/bank/question_type.html",
            {
                "types": list(TYPE_LABELS.items()),
                "category": category_pk if category_pk.isdigit() else "",
            },
        )
    _roots, nodes = selectors.category_tree(actor)
    share = permissions.can_share_with_school(actor)
    adding_rows = "add_rows" in request.POST
    if request.method == "POST":
        data = _with_more_rows(request.POST) if adding_rows else request.POST
        form = QuestionItemForm(data, item_type=item_type)
        details = QuestionDetailsForm(data, nodes=nodes, can_share_with_school=share)
        new_item = None if adding_rows else _valid_item(form, details)
        if new_item is not None:
            with refusals_into(form) as outcome:
                question = bank.create_question(actor=actor, item=new_item, **details.details())
            if outcome.ok:
                messages.success(request, _("Вопрос сохранён в банке."))
                return redirect("testing:question", pk=question.pk)
    else:
        initial = {"category": int(category_pk)} if category_pk.isdigit() else None
        form = QuestionItemForm(item_type=item_type)
        details = QuestionDetailsForm(nodes=nodes, initial=initial, can_share_with_school=share)
    return _question_form(request, form, details, None, item_type)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    question = selectors.get_question_for(actor, pk)
    if not permissions.can_edit_question(actor, question):
        raise PermissionDenied
    item = bank.question_item(question)
    item_type = ItemType(question.type)
    _roots, nodes = selectors.category_tree(actor)
    share = permissions.can_share_with_school(actor) or question.organization_id is not None
    adding_rows = "add_rows" in request.POST
    if request.method == "POST":
        data = _with_more_rows(request.POST) if adding_rows else request.POST
        form = QuestionItemForm(data, item_type=item_type, item=item, with_comment=True)
        details = QuestionDetailsForm(
            data, nodes=nodes, question=question, can_share_with_school=share
        )
        new_item = None if adding_rows else _valid_item(form, details)
        if new_item is not None:
            with refusals_into(form) as outcome, transaction.atomic():
                # Both or neither: a refused detail leaves no new version behind.
                if new_item != item:
                    bank.edit_question(
                        actor=actor,
                        question=question,
                        item=new_item,
                        comment=form.cleaned_data.get("comment", ""),
                    )
                bank.update_question_details(actor=actor, question=question, **details.details())
            if outcome.ok:
                messages.success(request, _("Изменения сохранены."))
                return redirect("testing:question", pk=question.pk)
    else:
        form = QuestionItemForm(item_type=item_type, item=item, with_comment=True)
        details = QuestionDetailsForm(nodes=nodes, question=question, can_share_with_school=share)
    return _question_form(request, form, details, question, item_type)


@login_required
@require_POST
def question_copy(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    question = selectors.get_question_for(actor, pk)
    copy = attempt(request, lambda: bank.copy_question(actor=actor, question=question))
    if copy is None:
        return redirect("testing:question", pk=question.pk)
    messages.success(request, _("Копия сохранена как ваш личный вопрос: её можно изменять."))
    return redirect("testing:question", pk=copy.pk)


def _set_archived(
    request: HttpRequest, pk: int, change: Callable[..., object], done: str
) -> HttpResponse:
    """Archive or restore (`change`, a service taking the actor and the question), say
    `done` when it went through, and go back to the question."""
    actor = actor_of(request)
    question = selectors.get_question_for(actor, pk)
    run_action(request, lambda: change(actor=actor, question=question), done)
    return redirect("testing:question", pk=question.pk)


@login_required
@require_POST
def question_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_archived(
        request,
        pk,
        bank.archive_question,
        _("Вопрос перенесён в архив: в новые тесты он не попадёт."),
    )


@login_required
@require_POST
def question_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_archived(request, pk, bank.restore_question, _("Вопрос возвращён из архива."))


@login_required
@require_http_methods(["GET", "POST"])
def category_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require_bank(actor)
    _roots, nodes = selectors.category_tree(actor)
    if request.method == "POST":
        form = CategoryForm(request.POST, nodes=nodes)
        if form.is_valid():
            parent_pk = form.cleaned_data["parent"]
            parent = selectors.get_category_for(actor, parent_pk) if parent_pk else None
            with refusals_into(form) as outcome:
                category = bank.create_category(
                    actor=actor, parent=parent, name=form.cleaned_data["name"]
                )
            if outcome.ok:
                messages.success(request, _("Категория «%(name)s» создана.") % {"name": category})
                return redirect(f"{reverse('testing:bank')}?category={category.pk}")
    else:
        parent_pk = request.GET.get("parent", "")
        form = CategoryForm(
            nodes=nodes, initial={"parent": int(parent_pk)} if parent_pk.isdigit() else None
        )
    return render(request, "testing/bank/category_form.html", {"form": form})


urlpatterns = [
    path("bank/", bank_list, name="bank"),
    path("bank/questions/new/", question_new, name="question_new"),
    path("bank/questions/<int:pk>/", question_detail, name="question"),
    path("bank/questions/<int:pk>/edit/", question_edit, name="question_edit"),
    path("bank/questions/<int:pk>/copy/", question_copy, name="question_copy"),
    path("bank/questions/<int:pk>/archive/", question_archive, name="question_archive"),
    path("bank/questions/<int:pk>/restore/", question_restore, name="question_restore"),
    path(
        "bank/questions/<int:pk>/versions/<int:number>/",
        question_version,
        name="question_version",
    ),
    path("bank/categories/new/", category_new, name="category_new"),
]

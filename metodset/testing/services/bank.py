"""Writing the bank by hand: questions and the tree of categories.

Questions: write one in the browser (version 1), edit it (a new immutable version), change
the details the bank is searched by, copy a visible question as one's own, archive it.
Categories of the tree. Uploaded files are `import_jobs`; the reads the bank's pages share
(the filtered list, the category tree) are `metodset.testing.selectors`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts import permissions as people
from metodset.accounts.models import Subject, name_key
from metodset.core import audit
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.testing import permissions
from metodset.testing.formats.cloze import parse_cloze
from metodset.testing.formats.items import Item, ItemType, default_name, validate_item
from metodset.testing.models import NAME_LENGTH, Category, Question, QuestionVersion
from metodset.testing.serialization import from_data, to_data

audit.register_actions(
    {
        "testing.question_created": gettext_lazy("Вопрос добавлен в банк тестов"),
        "testing.question_edited": gettext_lazy("Вопрос изменён: новая версия"),
        "testing.question_details_changed": gettext_lazy("Изменены сведения о вопросе"),
        "testing.question_copied": gettext_lazy("Вопрос скопирован"),
        "testing.question_archived": gettext_lazy("Вопрос перенесён в архив"),
        "testing.question_restored": gettext_lazy("Вопрос возвращён из архива"),
        "testing.category_created": gettext_lazy("Категория вопросов создана"),
    }
)

GRADES = range(1, 12)
MAX_TAGS = 20
TAG_LENGTH = 50


class QuestionInvalidError(DomainError):
    """The item cannot be asked and graded; `problems` says why, one Russian phrase each."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(_("Вопрос не сохранён: %(problems)s.") % {"problems": "; ".join(problems)})
        self.problems = list(problems)


# --- Questions -------------------------------------------------------------------------------


def create_question(
    *,
    actor: Any,
    item: Item,
    category: Category | None,
    visibility: str = Question.Visibility.PRIVATE,
    difficulty: int | None = None,
    subject: Subject | None = None,
    grades: Iterable[int] = (),
    tags: Iterable[str] = (),
) -> Question:
    """A question written in the browser: the row and its version 1."""
    if not permissions.can_create_question(actor):
        raise PermissionDeniedError(_("Писать вопросы в банк могут только педагоги."))
    organization_id = _organization_of(actor)
    details = _clean_details(
        actor,
        organization_id=organization_id,
        category=category,
        visibility=visibility,
        difficulty=difficulty,
        subject=subject,
        grades=grades,
        tags=tags,
    )
    item = _checked_item(item, tags=details["tags"])
    with transaction.atomic():
        question = Question.objects.create(
            type=item.type.value,
            name=item.name,
            author=actor,
            organization_id=organization_id,
            current_version=1,
            **details,
        )
        QuestionVersion.objects.create(
            question=question, number=1, data=to_data(item), created_by=actor
        )
        audit.record(
            actor=actor,
            action="testing.question_created",
            target=question,
            to_state="1",
            changes={
                "type": item.type.value,
                "category": str(details["category"]),
                "visibility": details["visibility"],
            },
        )
    return question


def edit_question(
    *, actor: Any, question: Question, item: Item, comment: str = ""
) -> QuestionVersion:
    """A new immutable version; the question's name and type follow it. Earlier versions
    stay as they were: finished tests keep pointing at the one their students answered."""
    if not permissions.can_edit_question(actor, question):
        raise PermissionDeniedError(
            _(
                "Изменять вопрос может только его автор; чтобы изменить чужой вопрос, "
                "скопируйте его себе."
            )
        )
    with transaction.atomic():
        # Locked: two saves at once would both write version N+1.
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.is_archived:
            raise DomainError(_("Вопрос в архиве: верните его из архива, чтобы изменить."))
        item = _checked_item(item, tags=question.tags)
        if to_data(item) == current_version_of(question).data:
            raise DomainError(_("В вопросе ничего не изменилось: новая версия не нужна."))
        number = question.current_version + 1
        version = QuestionVersion.objects.create(
            question=question, number=number, data=to_data(item), created_by=actor
        )
        before = audit.snapshot(question, ["name", "type"])
        question.current_version = number
        question.name = item.name
        question.type = item.type.value
        question.save(update_fields=["current_version", "name", "type", "updated_at"])
        audit.record(
            actor=actor,
            action="testing.question_edited",
            target=question,
            from_state=str(number - 1),
            to_state=str(number),
            comment=comment.strip(),
            changes=audit.model_changes(question, before, ["name", "type"]),
        )
    return version


DETAIL_FIELDS = ["category", "visibility", "difficulty", "subject", "grades", "tags"]


def update_question_details(
    *,
    actor: Any,
    question: Question,
    category: Category | None,
    visibility: str,
    difficulty: int | None = None,
    subject: Subject | None = None,
    grades: Iterable[int] = (),
    tags: Iterable[str] = (),
) -> Question:
    """What the bank is searched and shared by; the item's versions are not touched."""
    if not permissions.can_edit_question(actor, question):
        raise PermissionDeniedError(_("Изменять сведения о вопросе может только его автор."))
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        details = _clean_details(
            actor,
            organization_id=question.organization_id,
            category=category,
            visibility=visibility,
            difficulty=difficulty,
            subject=subject,
            grades=grades,
            tags=tags,
        )
        before = audit.snapshot(question, DETAIL_FIELDS)
        for name, value in details.items():
            setattr(question, name, value)
        changes = audit.model_changes(question, before, DETAIL_FIELDS)
        if not changes:
            return question
        question.save(update_fields=[*DETAIL_FIELDS, "updated_at"])
        audit.record(
            actor=actor,
            action="testing.question_details_changed",
            target=question,
            from_state=str(before["visibility"]),
            to_state=question.visibility,
            changes=changes,
        )
    return question


def copy_question(*, actor: Any, question: Question) -> Question:
    """The actor's own private copy, version 1 being the source's current one; the copy
    remembers its source, and the source's author keeps theirs unchanged."""
    if not permissions.can_copy_question(actor, question):
        raise PermissionDeniedError(_("Копировать можно только вопросы, которые вам видны."))
    question = Question.objects.get(pk=question.pk)  # its current version as of now
    source = current_version_of(question)
    with transaction.atomic():
        copy = Question.objects.create(
            category=question.category,
            type=question.type,
            name=question.name,
            author=actor,
            organization_id=_organization_of(actor),
            visibility=Question.Visibility.PRIVATE,
            difficulty=question.difficulty,
            subject=question.subject,
            grades=list(question.grades),
            tags=list(question.tags),
            current_version=1,
            copied_from=question,
        )
        QuestionVersion.objects.create(question=copy, number=1, data=source.data, created_by=actor)
        audit.record(
            actor=actor,
            action="testing.question_copied",
            target=copy,
            to_state="1",
            comment=_("Копия вопроса №%(pk)d (версия %(number)d).")
            % {"pk": question.pk, "number": source.number},
            changes={"source": question.pk, "source_version": source.number},
        )
    return copy


def archive_question(*, actor: Any, question: Question) -> Question:
    """Out of the bank's list and of new tests; finished tests keep it."""
    return _set_archived(actor, question, archived=True)


def restore_question(*, actor: Any, question: Question) -> Question:
    return _set_archived(actor, question, archived=False)


def _set_archived(actor: Any, question: Question, *, archived: bool) -> Question:
    if not permissions.can_archive_question(actor, question):
        raise PermissionDeniedError(_("Убрать вопрос в архив или вернуть его может только автор."))
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.is_archived == archived:
            raise DomainError(
                _("Вопрос уже в архиве.") if archived else _("Вопрос и так не в архиве.")
            )
        question.is_archived = archived
        question.save(update_fields=["is_archived", "updated_at"])
        audit.record(
            actor=actor,
            action="testing.question_archived" if archived else "testing.question_restored",
            target=question,
            from_state="active" if archived else "archived",
            to_state="archived" if archived else "active",
        )
    return question


def current_version_of(question: Question) -> QuestionVersion:
    return QuestionVersion.objects.get(question=question, number=question.current_version)


def question_item(question: Question, number: int | None = None) -> Item:
    """The item of a version (the current one by default)."""
    if number is None:
        return from_data(current_version_of(question).data)
    return from_data(QuestionVersion.objects.get(question=question, number=number).data)


def _organization_of(actor: Any) -> int | None:
    """The school a question is shared with, as import_items decides it."""
    staff_orgs = people.roles_of(actor).staff_org_ids
    return min(staff_orgs) if staff_orgs else None


def _checked_item(item: Item, *, tags: list[str]) -> Item:
    """The item as it is stored: a name (from the text when none is given), the row's tags,
    no category of its own (the row has it), and no problem that stops grading."""
    name = " ".join(item.name.split()) or default_name(item.text)
    item = replace(item, name=name[:NAME_LENGTH], category=[], tags=list(tags))
    problems: list[str] = []
    if item.type is ItemType.CLOZE:
        # The fields are read from the text here, so what is stored always agrees with it.
        parts, unreadable = parse_cloze(item.text)
        item.cloze_parts = parts
        problems.extend(unreadable)
    problems.extend(validate_item(item))
    if problems:
        raise QuestionInvalidError(problems)
    return item


def _clean_details(
    actor: Any,
    *,
    organization_id: int | None,
    category: Category | None,
    visibility: str,
    difficulty: int | None,
    subject: Subject | None,
    grades: Iterable[int],
    tags: Iterable[str],
) -> dict[str, Any]:
    if category is None or not permissions.can_view_category(actor, category):
        raise DomainError(_("Выберите категорию банка, в которой будет вопрос."))
    if visibility not in Question.Visibility.values:
        raise DomainError(_("Неизвестная видимость вопроса: «%(value)s».") % {"value": visibility})
    if visibility == Question.Visibility.SCHOOL and organization_id is None:
        raise DomainError(
            _(
                "Открыть вопрос педагогам своей школы может только тот, кто в ней работает; "
                "выберите «только автору» или «педагогам всей сети»."
            )
        )
    if difficulty is not None and not 1 <= difficulty <= 5:
        raise DomainError(_("Сложность — число от 1 (легко) до 5 (трудно)."))
    clean_grades = sorted(set(grades))
    if any(grade not in GRADES for grade in clean_grades):
        raise DomainError(_("Классы — числа от 1 до 11."))
    return {
        "category": category,
        "visibility": visibility,
        "difficulty": difficulty,
        "subject": subject,
        "grades": clean_grades,
        "tags": _clean_tags(tags),
    }


def _clean_tags(tags: Iterable[str]) -> list[str]:
    """Stripped, without repeats (up to case and ё), in the order given."""
    seen: set[str] = set()
    clean: list[str] = []
    for tag in tags:
        text = " ".join(tag.split())
        if not text or name_key(text) in seen:
            continue
        if len(text) > TAG_LENGTH:
            raise DomainError(
                _("Метка «%(tag)s» длиннее %(limit)d знаков.") % {"tag": text, "limit": TAG_LENGTH}
            )
        seen.add(name_key(text))
        clean.append(text)
    if len(clean) > MAX_TAGS:
        raise DomainError(
            _("У вопроса может быть не больше %(limit)d меток.") % {"limit": MAX_TAGS}
        )
    return clean


# --- Categories ------------------------------------------------------------------------------


def create_category(*, actor: Any, parent: Category | None, name: str) -> Category:
    """A node of the tree, shared like its parent (a top one with the whole network)."""
    if not permissions.can_create_category(actor, parent):
        raise PermissionDeniedError(_("Создавать категории банка могут только педагоги."))
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Укажите название категории."))
    if len(name) > NAME_LENGTH:
        raise DomainError(
            _("Название категории длиннее %(limit)d знаков.") % {"limit": NAME_LENGTH}
        )
    siblings = Category.objects.filter(parent=parent).values_list("name", flat=True)
    if any(name_key(sibling) == name_key(name) for sibling in siblings):
        raise DomainError(_("Категория «%(name)s» здесь уже есть.") % {"name": name})
    try:
        with transaction.atomic():
            category = Category.objects.create(
                parent=parent, name=name, district_id=parent.district_id if parent else None
            )
            audit.record(
                actor=actor,
                action="testing.category_created",
                target=category,
                changes={"parent": str(parent) if parent else None, "name": name},
            )
    except IntegrityError as error:  # the same name added a moment ago by someone else
        raise DomainError(_("Категория «%(name)s» здесь уже есть.") % {"name": name}) from error
    return category

"""Forms of the question bank: a question written in the browser (one form per type, its
answers as rows), the details the bank is searched by, a category, the list's filters, the
import and the export. A failed form keeps everything typed; what `validate_item` finds
wrong with the item is shown as the form's errors."""

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts.models import Subject
from metodset.core.forms import StyledForm
from metodset.testing import formats, rendering
from metodset.testing.formats.cloze import parse_cloze
from metodset.testing.formats.items import (
    FULL_CREDIT,
    TEXT_FORMATS,
    Answer,
    Item,
    ItemType,
    MatchPair,
    NumericalAnswer,
    default_name,
    format_number,
    parse_number,
    split_category_path,
    validate_item,
)
from metodset.testing.labels import FORMAT_LABELS, TEXT_FORMAT_LABELS, TYPE_LABELS
from metodset.testing.models import Category, Question
from metodset.testing.selectors import CategoryNode
from metodset.testing.services.import_jobs import guess_format

# --- Sanitizing ------------------------------------------------------------------------------


def sanitize_html(text: str) -> str:
    """A question's HTML as it is saved: harmless tags only (`rendering.sanitize`); formulas
    are text to it, images keep Moodle's `@@PLUGINFILE@@/…` addresses."""
    return rendering.sanitize(text)


# --- Rows of answers -------------------------------------------------------------------------

# Moodle's grades of an answer, per cent; an imported item's other value is offered too.
FRACTIONS = [
    "100",
    "90",
    "83.33333",
    "80",
    "75",
    "70",
    "66.66667",
    "60",
    "50",
    "40",
    "33.33333",
    "30",
    "25",
    "20",
    "16.66667",
    "14.28571",
    "12.5",
    "11.11111",
    "10",
    "5",
    "0",
]
FRACTIONS += ["-" + value for value in reversed(FRACTIONS[:-1])]


def fraction_label(value: str) -> str:
    """«100 %», «33,3 %», «−50 %»: rounded to a tenth for the eye; the value stays exact."""
    number = Decimal(value).quantize(Decimal("0.1"))
    text = format_number(number).replace(".", ",").replace("-", "−")
    return f"{text} %"


FRACTION_CHOICES = [(value, fraction_label(value)) for value in FRACTIONS]


class FractionField(forms.ChoiceField):
    """A grade from the list; any per cent from −100 to 100 an imported item had is kept."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=FRACTION_CHOICES, initial="0", **kwargs)

    def valid_value(self, value: Any) -> bool:
        number = parse_number(str(value))
        return number is not None and -FULL_CREDIT <= number <= FULL_CREDIT


def _offer(field: forms.Field, value: Any) -> None:
    """Add an unlisted grade to the field's choices so the select shows it."""
    if value in (None, ""):
        return
    choice_field = cast(forms.ChoiceField, field)
    choices: list[tuple[str, str]] = list(cast(Any, choice_field.choices))
    text = str(value)
    if text not in {key for key, _label in choices}:
        number = parse_number(text)
        if number is not None and -FULL_CREDIT <= number <= FULL_CREDIT:
            choice_field.choices = [*choices, (text, fraction_label(text))]


def _fraction(value: str) -> Decimal:
    return parse_number(value or "0") or Decimal(0)


class RowForm(StyledForm):
    """One row; a row whose texts are all empty is skipped."""

    TEXT_FIELDS: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "fraction" in self.fields:
            _offer(self.fields["fraction"], self.initial.get("fraction"))
            if self.is_bound:
                _offer(self.fields["fraction"], self.data.get(self.add_prefix("fraction")))

    def is_blank(self) -> bool:
        return not any(str(self.cleaned_data.get(name) or "").strip() for name in self.TEXT_FIELDS)


class AnswerRowForm(RowForm):
    TEXT_FIELDS = ("text", "feedback")

    text = forms.CharField(label=gettext_lazy("Вариант ответа"), required=False, max_length=5000)
    fraction = FractionField(label=gettext_lazy("Оценка"), required=False)
    feedback = forms.CharField(label=gettext_lazy("Отзыв"), required=False, max_length=5000)

    def answer(self) -> Answer:
        data = self.cleaned_data
        return Answer(
            text=data["text"].strip(),
            fraction=_fraction(data["fraction"]),
            feedback=data["feedback"].strip(),
        )


class NumericalRowForm(RowForm):
    TEXT_FIELDS = ("value", "tolerance", "feedback")

    value = forms.CharField(label=gettext_lazy("Число"), required=False, max_length=50)
    tolerance = forms.CharField(label=gettext_lazy("Погрешность"), required=False, max_length=50)
    fraction = FractionField(label=gettext_lazy("Оценка"), required=False)
    feedback = forms.CharField(label=gettext_lazy("Отзыв"), required=False, max_length=5000)

    def clean_value(self) -> str:
        value = str(self.cleaned_data["value"]).strip()
        if value and value != "*" and parse_number(value) is None:
            raise forms.ValidationError(_("Введите число, например 3,14, или «*»."))
        return value

    def clean_tolerance(self) -> str:
        value = str(self.cleaned_data["tolerance"]).strip()
        if value and parse_number(value) is None:
            raise forms.ValidationError(_("Введите число, например 0,01."))
        return value

    def answer(self) -> NumericalAnswer:
        data = self.cleaned_data
        return NumericalAnswer(
            value=None if data["value"] == "*" else parse_number(data["value"]),
            tolerance=parse_number(data["tolerance"] or "0") or Decimal(0),
            fraction=_fraction(data["fraction"]),
            feedback=data["feedback"].strip(),
        )


class PairRowForm(RowForm):
    TEXT_FIELDS = ("question", "answer")

    question = forms.CharField(label=gettext_lazy("Левая часть"), required=False, max_length=5000)
    answer = forms.CharField(label=gettext_lazy("Правая часть"), required=False, max_length=5000)

    def pair(self) -> MatchPair:
        return MatchPair(
            question=self.cleaned_data["question"].strip(),
            answer=self.cleaned_data["answer"].strip(),
        )


class OrderingRowForm(RowForm):
    TEXT_FIELDS = ("text",)

    text = forms.CharField(label=gettext_lazy("Элемент"), required=False, max_length=5000)

    def answer(self) -> Answer:
        return Answer(text=self.cleaned_data["text"].strip())


ROW_FORMS: dict[ItemType, type[RowForm]] = {
    ItemType.SINGLE_CHOICE: AnswerRowForm,
    ItemType.MULTIPLE_CHOICE: AnswerRowForm,
    ItemType.SHORT_ANSWER: AnswerRowForm,
    ItemType.NUMERICAL: NumericalRowForm,
    ItemType.MATCHING: PairRowForm,
    ItemType.ORDERING: OrderingRowForm,
}
ROWS_PREFIX = "rows"
EXTRA_ROWS = 3
MIN_ROWS = 4
MAX_ROWS = 100


def _rows_initial(item: Item) -> list[dict[str, Any]]:
    if item.type is ItemType.NUMERICAL:
        return [
            {
                "value": "*" if answer.value is None else format_number(answer.value),
                "tolerance": format_number(answer.tolerance) if answer.tolerance else "",
                "fraction": format_number(answer.fraction),
                "feedback": answer.feedback,
            }
            for answer in item.numerical_answers
        ]
    if item.type is ItemType.MATCHING:
        return [{"question": pair.question, "answer": pair.answer} for pair in item.pairs]
    if item.type is ItemType.ORDERING:
        return [{"text": answer.text} for answer in item.answers]
    return [
        {
            "text": answer.text,
            "fraction": format_number(answer.fraction),
            "feedback": answer.feedback,
        }
        for answer in item.answers
    ]


def _new_rows(item_type: ItemType) -> list[dict[str, Any]]:
    """What a new question starts with: the first answer right, for the teacher to see how."""
    if item_type in (ItemType.SINGLE_CHOICE, ItemType.SHORT_ANSWER):
        return [{"fraction": "100"}]
    if item_type is ItemType.NUMERICAL:
        return [{"fraction": "100"}]
    return []


# --- The question ----------------------------------------------------------------------------

NUMBERING_CHOICES = [
    ("abc", gettext_lazy("a, b, c")),
    ("ABCD", gettext_lazy("A, B, C")),
    ("123", gettext_lazy("1, 2, 3")),
    ("iii", gettext_lazy("i, ii, iii")),
    ("IIII", gettext_lazy("I, II, III")),
    ("none", gettext_lazy("без нумерации")),
]
CHOICE_TYPES = (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE)
OVERALL_FEEDBACK_TYPES = (*CHOICE_TYPES, ItemType.MATCHING, ItemType.ORDERING)
SHUFFLE_TYPES = (*CHOICE_TYPES, ItemType.MATCHING)
CLOZE_HELP = gettext_lazy(
    "Поля для ответа пишутся прямо в тексте: {1:SHORTANSWER:=Москва} — краткий ответ, "
    "{1:MULTICHOICE:=верно~неверно} — выбор из списка, {2:NUMERICAL:=3,14:0,01} — число с "
    "погрешностью; перед номером — вес поля в баллах."
)


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class QuestionItemForm(StyledForm):
    """The item of one type; `item` holds it once `is_valid()` says so.

    Built over the item being edited, so what the page does not show (images, hints,
    penalty, Moodle's other settings) stays as it was.
    """

    name = forms.CharField(
        label=gettext_lazy("Название"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("Для списка банка; пусто — начало текста вопроса."),
    )
    text = forms.CharField(
        label=gettext_lazy("Текст вопроса"),
        widget=_textarea(6),
        max_length=100_000,
        help_text=gettext_lazy(
            "Можно HTML: <b>, <i>, <sub>, <sup>, списки, таблицы. Формулы — в $$…$$ или \\(…\\)."
        ),
    )
    text_format = forms.ChoiceField(label=gettext_lazy("Формат текста"), initial="html")
    general_feedback = forms.CharField(
        label=gettext_lazy("Общий отзыв"),
        required=False,
        widget=_textarea(2),
        max_length=20_000,
        help_text=gettext_lazy("Виден после ответа, каким бы он ни был: решение, пояснение."),
    )
    default_grade = forms.DecimalField(
        label=gettext_lazy("Балл по умолчанию"),
        min_value=Decimal(0),
        max_value=Decimal(1000),
        decimal_places=7,
        initial=Decimal(1),
        localize=True,
    )
    comment = forms.CharField(
        label=gettext_lazy("Что изменено"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Для истории версий, необязательно."),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        item_type: ItemType,
        item: Item | None = None,
        with_comment: bool = False,
    ) -> None:
        self.item_type = item_type
        self.base_item = item or Item(type=item_type, name="", text="")
        super().__init__(data, initial=self._initial(self.base_item) if item else None)
        self._add_type_fields()
        text_format = cast(forms.ChoiceField, self.fields["text_format"])
        text_format.choices = [
            (value, TEXT_FORMAT_LABELS[value])
            for value in TEXT_FORMATS
            if value != "moodle" or self.base_item.text_format == "moodle"
        ]
        if item_type is ItemType.CLOZE:
            self.fields["text"].help_text = CLOZE_HELP
        if item_type is ItemType.DESCRIPTION:
            del self.fields["default_grade"]
        if not with_comment:
            del self.fields["comment"]
        self.rows = self._rows(data)
        self.item: Item | None = None

    @property
    def type_label(self) -> str:
        return str(TYPE_LABELS[self.item_type])

    def _initial(self, item: Item) -> dict[str, Any]:
        initial = {
            name: getattr(item, name)
            for name in (
                "name",
                "text",
                "text_format",
                "general_feedback",
                "default_grade",
                "shuffle_answers",
                "answer_numbering",
                "correct_feedback",
                "partially_correct_feedback",
                "incorrect_feedback",
                "case_sensitive",
                "fold_yo",
                "feedback_true",
                "feedback_false",
                "grader_info",
                "response_template",
            )
        }
        initial["correct_answer"] = "true" if item.correct_answer else "false"
        return initial

    def _add_type_fields(self) -> None:
        item_type = self.item_type
        fields = self.fields
        if item_type in SHUFFLE_TYPES:
            fields["shuffle_answers"] = forms.BooleanField(
                label=_("Перемешивать варианты"), required=False, initial=True
            )
        if item_type in CHOICE_TYPES:
            fields["answer_numbering"] = forms.ChoiceField(
                label=_("Нумерация вариантов"), choices=NUMBERING_CHOICES, initial="abc"
            )
        if item_type in OVERALL_FEEDBACK_TYPES:
            for name, label in (
                ("correct_feedback", _("Отзыв на верный ответ")),
                ("partially_correct_feedback", _("Отзыв на частично верный ответ")),
                ("incorrect_feedback", _("Отзыв на неверный ответ")),
            ):
                fields[name] = forms.CharField(
                    label=label, required=False, widget=_textarea(2), max_length=20_000
                )
        if item_type is ItemType.SHORT_ANSWER:
            fields["case_sensitive"] = forms.BooleanField(
                label=_("Различать прописные и строчные буквы"), required=False
            )
            fields["fold_yo"] = forms.BooleanField(
                label=_("Считать «ё» и «е» одной буквой"), required=False
            )
        if item_type is ItemType.TRUE_FALSE:
            fields["correct_answer"] = forms.ChoiceField(
                label=_("Утверждение"),
                choices=[("true", _("верно")), ("false", _("неверно"))],
                widget=forms.RadioSelect,
                initial="true",
            )
            fields["feedback_true"] = forms.CharField(
                label=_("Отзыв тому, кто ответил «верно»"),
                required=False,
                widget=_textarea(2),
                max_length=20_000,
            )
            fields["feedback_false"] = forms.CharField(
                label=_("Отзыв тому, кто ответил «неверно»"),
                required=False,
                widget=_textarea(2),
                max_length=20_000,
            )
        if item_type is ItemType.ESSAY:
            fields["grader_info"] = forms.CharField(
                label=_("Подсказка проверяющему"),
                required=False,
                widget=_textarea(3),
                max_length=20_000,
                help_text=_("Критерии оценки; обучающийся её не видит."),
            )
            fields["response_template"] = forms.CharField(
                label=_("Шаблон ответа"),
                required=False,
                widget=_textarea(3),
                max_length=20_000,
                help_text=_("С этого текста начнётся поле ответа."),
            )
        # StyledFormMixin styled the class's fields before these were added.
        for name in fields:
            widget = fields[name].widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-control")

    def _rows(self, data: Any) -> Any:
        row_form = ROW_FORMS.get(self.item_type)
        if row_form is None:
            return None
        formset_class = forms.formset_factory(
            row_form, extra=EXTRA_ROWS, max_num=MAX_ROWS, absolute_max=MAX_ROWS
        )
        if data is not None:
            return formset_class(data=data, prefix=ROWS_PREFIX)
        initial = (
            _rows_initial(self.base_item) if self.base_item.text else _new_rows(self.item_type)
        )
        formset = formset_class(initial=initial, prefix=ROWS_PREFIX)
        formset.extra = max(EXTRA_ROWS, MIN_ROWS - len(initial))
        return formset

    def is_valid(self) -> bool:
        valid = super().is_valid()
        rows_valid = self.rows is None or self.rows.is_valid()
        if not (valid and rows_valid):
            return False
        item = self._build_item()
        problems: list[str] = []
        if item.type is ItemType.CLOZE:
            item.cloze_parts, unreadable = parse_cloze(item.text)
            problems.extend(unreadable)
        problems.extend(validate_item(item))
        for problem in problems:
            self.add_error(None, problem[:1].upper() + problem[1:] + ".")
        if problems:
            return False
        self.item = item
        return True

    def _build_item(self) -> Item:
        data = self.cleaned_data
        item = replace(self.base_item, type=self.item_type)
        item.text_format = data["text_format"]
        # A cloze text is not sanitized: its fields may hold «<» and «>» as answers.
        item.text = (
            data["text"].strip()
            if self.item_type is ItemType.CLOZE
            else self._html(data["text"], self.base_item.text)
        )
        item.name = " ".join(data["name"].split()) or default_name(item.text)
        item.general_feedback = self._html(data["general_feedback"], item.general_feedback)
        if "default_grade" in self.fields:
            item.default_grade = data["default_grade"]
        for name in (
            "shuffle_answers",
            "answer_numbering",
            "case_sensitive",
            "fold_yo",
            "grader_info",
            "response_template",
        ):
            if name in self.fields:
                setattr(item, name, data[name])
        for name in (
            "correct_feedback",
            "partially_correct_feedback",
            "incorrect_feedback",
            "feedback_true",
            "feedback_false",
        ):
            if name in self.fields:
                setattr(item, name, self._html(data[name], getattr(item, name)))
        if "correct_answer" in self.fields:
            item.correct_answer = data["correct_answer"] == "true"
        if self.rows is not None:
            rows = [row for row in self.rows.forms if row.cleaned_data and not row.is_blank()]
            if self.item_type is ItemType.NUMERICAL:
                item.numerical_answers = [row.answer() for row in rows]
            elif self.item_type is ItemType.MATCHING:
                item.pairs = [row.pair() for row in rows]
            else:
                item.answers = [row.answer() for row in rows]
        return item

    def _html(self, value: str, before: str) -> str:
        """HTML the teacher typed, sanitized; an untouched text stays byte for byte (pages
        sanitize it when they show it), so saving without changes makes no new version."""
        value = value.strip()
        if value == before or self.cleaned_data.get("text_format", "html") != "html":
            return value
        return sanitize_html(value)


# --- Details, categories, filters ------------------------------------------------------------


def category_choices(nodes: dict[int, CategoryNode]) -> list[tuple[int, str]]:
    return sorted(
        ((pk, node.path) for pk, node in nodes.items()), key=lambda row: row[1].casefold()
    )


DIFFICULTY_CHOICES = [
    ("", gettext_lazy("не указана")),
    (1, gettext_lazy("1 — легко")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, gettext_lazy("5 — трудно")),
]
GRADE_CHOICES = [(grade, str(grade)) for grade in range(1, 12)]


def split_tags(value: str) -> list[str]:
    return [tag.strip() for tag in re.split(r"[,;]", value) if tag.strip()]


def offer_no_school(form: forms.Form) -> None:
    """Who has no school to share with is not offered «школа» in `visibility`."""
    visibility = cast(forms.ChoiceField, form.fields["visibility"])
    visibility.choices = [
        (value, label)
        for value, label in Question.Visibility.choices
        if value != Question.Visibility.SCHOOL
    ]


class QuestionDetailsForm(StyledForm):
    """Where the question lies in the bank and who sees it."""

    category = forms.TypedChoiceField(label=gettext_lazy("Категория"), coerce=int)
    visibility = forms.ChoiceField(
        label=gettext_lazy("Кому виден"),
        choices=Question.Visibility.choices,
        initial=Question.Visibility.PRIVATE,
    )
    difficulty = forms.TypedChoiceField(
        label=gettext_lazy("Сложность"),
        choices=DIFFICULTY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    subject = forms.ModelChoiceField(
        label=gettext_lazy("Предмет"), queryset=Subject.objects.all(), required=False
    )
    grades = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Классы"),
        choices=GRADE_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(
        label=gettext_lazy("Метки"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Через запятую: дроби, ОГЭ, задание 5."),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        nodes: dict[int, CategoryNode],
        question: Question | None = None,
        initial: dict[str, Any] | None = None,
        can_share_with_school: bool = True,
    ) -> None:
        if question is not None:
            initial = {
                "category": question.category_id,
                "visibility": question.visibility,
                "difficulty": question.difficulty,
                "subject": question.subject_id,
                "grades": list(question.grades),
                "tags": ", ".join(question.tags),
            }
        super().__init__(data, initial=initial, prefix="details")
        self.nodes = nodes
        category = cast(forms.TypedChoiceField, self.fields["category"])
        category.choices = [("", _("— выберите —")), *category_choices(nodes)]
        if not can_share_with_school:
            offer_no_school(self)

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data["tags"])

    def details(self) -> dict[str, Any]:
        """The keyword arguments of create_question and update_question_details."""
        data = self.cleaned_data
        return {
            "category": Category.objects.filter(pk=data["category"]).first(),
            "visibility": data["visibility"],
            "difficulty": data["difficulty"],
            "subject": data["subject"],
            "grades": data["grades"],
            "tags": data["tags"],
        }


class CategoryForm(StyledForm):
    parent = forms.TypedChoiceField(
        label=gettext_lazy("Внутри категории"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    name = forms.CharField(label=gettext_lazy("Название"), max_length=255)

    def __init__(
        self, data: Any = None, *, nodes: dict[int, CategoryNode], initial: Any = None
    ) -> None:
        super().__init__(data, initial=initial)
        parent = cast(forms.TypedChoiceField, self.fields["parent"])
        parent.choices = [("", _("— верхний уровень —")), *category_choices(nodes)]


SCOPE_CHOICES = [
    ("", gettext_lazy("все доступные")),
    ("mine", gettext_lazy("мои")),
    ("school", gettext_lazy("моей школы")),
    ("network", gettext_lazy("сети")),
]


class BankFilterForm(StyledForm):
    """The list's filters, read from the query string; a wrong value is dropped."""

    q = forms.CharField(label=gettext_lazy("Название содержит"), required=False, max_length=200)
    category = forms.IntegerField(required=False, widget=forms.HiddenInput)
    scope = forms.ChoiceField(label=gettext_lazy("Чьи"), choices=SCOPE_CHOICES, required=False)
    subject = forms.ModelChoiceField(
        label=gettext_lazy("Предмет"),
        queryset=Subject.objects.all(),
        required=False,
        empty_label=gettext_lazy("любой"),
    )
    grade = forms.TypedChoiceField(
        label=gettext_lazy("Класс"),
        choices=[("", gettext_lazy("любой")), *GRADE_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Тип"),
        choices=[("", gettext_lazy("любой")), *TYPE_LABELS.items()],
        required=False,
    )
    difficulty = forms.TypedChoiceField(
        label=gettext_lazy("Сложность"),
        choices=[("", gettext_lazy("любая")), *DIFFICULTY_CHOICES[1:]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    tag = forms.CharField(label=gettext_lazy("Метка"), required=False, max_length=50)
    archived = forms.BooleanField(label=gettext_lazy("Архив"), required=False)

    def value(self, name: str) -> Any:
        """The cleaned value, or None for a missing or wrong one."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name)


# --- Import and export -----------------------------------------------------------------------


def _format_choices() -> list[tuple[str, str]]:
    return [(value, str(FORMAT_LABELS.get(value, value))) for value in formats.FORMATS]


class ImportForm(StyledForm):
    file = forms.FileField(label=gettext_lazy("Файл с вопросами"))
    format = forms.ChoiceField(
        label=gettext_lazy("Формат"),
        required=False,
        help_text=gettext_lazy(
            "По расширению: .gift — GIFT, .xml — Moodle XML, .xlsx — таблица; "
            "у .txt формат (GIFT или Aiken) определяется по содержимому."
        ),
    )
    category_path = forms.CharField(
        label=gettext_lazy("В категорию банка"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy(
            "Например, «Математика/5 класс». Категории из файла окажутся внутри неё; пусто — "
            "как в файле."
        ),
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Кому видны вопросы"),
        choices=Question.Visibility.choices,
        initial=Question.Visibility.PRIVATE,
    )

    def __init__(self, *args: Any, can_share_with_school: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        format_field = cast(forms.ChoiceField, self.fields["format"])
        format_field.choices = [("", _("Определить по расширению")), *_format_choices()]
        self.fields["file"].widget.attrs["accept"] = ".gift,.txt,.xml,.xlsx"
        self.fields["category_path"].widget.attrs["list"] = "bank-category-paths"
        if not can_share_with_school:
            offer_no_school(self)

    def clean_category_path(self) -> list[str]:
        return split_category_path(self.cleaned_data["category_path"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None and not data.get("format"):
            head = upload.read(4096)
            upload.seek(0)
            guessed = guess_format(upload.name or "", head)
            if guessed is None:
                self.add_error(
                    "format", _("По имени файла формат не понять: выберите его из списка.")
                )
            else:
                data["format"] = guessed
        return data


class ExportForm(StyledForm):
    format = forms.ChoiceField(label=gettext_lazy("Формат"))
    category = forms.TypedChoiceField(
        label=gettext_lazy("Категория"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, data: Any = None, *, nodes: dict[int, CategoryNode]) -> None:
        super().__init__(data)
        format_field = cast(forms.ChoiceField, self.fields["format"])
        format_field.choices = _format_choices()
        category = cast(forms.TypedChoiceField, self.fields["category"])
        category.choices = [("", _("все вопросы, которые мне видны")), *category_choices(nodes)]
        self.nodes = nodes

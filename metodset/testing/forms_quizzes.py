"""Forms of the test pages: the test's settings, the bank picker, a random draw, points.
A failed form keeps everything typed."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from metodset.accounts.models import Subject
from metodset.core.forms import StyledForm
from metodset.testing.labels import TYPE_LABELS
from metodset.testing.models import Category, Question, Quiz
from metodset.testing.selectors import BankFilters
from metodset.testing.services import QuizData, category_subtree_ids

GRADE_CHOICES = [(grade, str(grade)) for grade in range(1, 12)]
DIFFICULTY_CHOICES = [("", _("любая"))] + [(str(level), str(level)) for level in range(1, 6)]
# The three marks the scale sets, highest first, with the usual school thresholds.
MARK_FIELDS = (("mark_5", 5, 85), ("mark_4", 4, 65), ("mark_3", 3, 45))


def category_choices(categories: QuerySet[Category]) -> list[tuple[str, str]]:
    """The tree as options of a select, each level indented under its parent («Математика»,
    «  5 класс», «    Дроби»). One query; a category whose parent is not shown is a root."""
    rows = list(categories.values_list("pk", "parent_id", "name", "position"))
    shown = {pk for pk, _parent, _name, _position in rows}
    children: dict[int | None, list[tuple[int, int | None, str, int]]] = {}
    for row in rows:
        parent = row[1] if row[1] in shown else None
        children.setdefault(parent, []).append(row)
    choices: list[tuple[str, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for pk, _parent, name, _position in sorted(
            children.get(parent, []), key=lambda row: (row[3], row[2])
        ):
            choices.append((str(pk), "\u00a0\u00a0\u00a0" * depth + name))
            walk(pk, depth + 1)

    walk(None, 0)
    return choices


def points_field(label: StrOrPromise, initial: int | None = None) -> forms.DecimalField:
    """The points of a place in a test: more than nothing, at most 100."""
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        decimal_places=2,
        initial=initial,
    )


class QuizForm(StyledForm):
    title = forms.CharField(label=_("Название"), max_length=255)
    description = forms.CharField(
        label=_("Инструкция для обучающихся"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
        help_text=_("Её увидят перед началом теста. Можно использовать Markdown."),
    )
    subject = forms.ModelChoiceField(
        label=_("Предмет"), queryset=Subject.objects.all(), required=False
    )
    grades = forms.TypedMultipleChoiceField(
        label=_("Классы"),
        choices=GRADE_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    visibility = forms.ChoiceField(
        label=_("Кому доступен"),
        choices=Question.Visibility.choices,
        initial=Question.Visibility.PRIVATE,
        help_text=_("Кто ещё может назначать этот тест своим классам."),
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Ограничение времени, минут"),
        min_value=1,
        max_value=600,
        required=False,
        help_text=_("Пусто — без ограничения (до закрытия тестирования)."),
    )
    attempts_allowed = forms.IntegerField(
        label=_("Число попыток"), min_value=1, max_value=10, initial=1
    )
    shuffle_items = forms.BooleanField(label=_("Перемешивать вопросы"), required=False)
    shuffle_answers = forms.BooleanField(
        label=_("Перемешивать варианты ответов"), required=False, initial=True
    )
    review = forms.ChoiceField(
        label=_("Что видит обучающийся после теста"),
        choices=Quiz.Review.choices,
        initial=Quiz.Review.AFTER_CLOSE,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    mark_5 = forms.IntegerField(label=_("«5» — от, %"), min_value=0, max_value=100, initial=85)
    mark_4 = forms.IntegerField(label=_("«4» — от, %"), min_value=0, max_value=100, initial=65)
    mark_3 = forms.IntegerField(label=_("«3» — от, %"), min_value=0, max_value=100, initial=45)

    @classmethod
    def initial_for(cls, quiz: Quiz) -> dict[str, Any]:
        thresholds = {int(mark): int(minimum) for mark, minimum in quiz.mark_thresholds}
        initial: dict[str, Any] = {
            "title": quiz.title,
            "description": quiz.description,
            "subject": quiz.subject_id,
            "grades": list(quiz.grades),
            "visibility": quiz.visibility,
            "time_limit_minutes": quiz.time_limit_minutes,
            "attempts_allowed": quiz.attempts_allowed,
            "shuffle_items": quiz.shuffle_items,
            "shuffle_answers": quiz.shuffle_answers,
            "review": quiz.review,
        }
        for name, mark, _default in MARK_FIELDS:
            initial[name] = thresholds.get(mark)
        return initial

    def quiz_data(self) -> QuizData:
        data = self.cleaned_data
        subject = data["subject"]
        return QuizData(
            title=data["title"],
            description=data["description"],
            visibility=data["visibility"],
            subject_id=subject.pk if subject is not None else None,
            grades=list(data["grades"]),
            time_limit_minutes=data["time_limit_minutes"],
            attempts_allowed=data["attempts_allowed"],
            shuffle_items=data["shuffle_items"],
            shuffle_answers=data["shuffle_answers"],
            review=data["review"],
            # The service checks the scale (a higher mark needs a higher per cent).
            mark_thresholds=[[mark, data[name]] for name, mark, _default in MARK_FIELDS],
        )


class QuestionSearchForm(StyledForm):
    """The bank picker's filters (GET): every one may be empty."""

    q = forms.CharField(label=_("Название содержит"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Категория"), required=False)
    type = forms.ChoiceField(label=_("Тип"), required=False)
    difficulty = forms.ChoiceField(label=_("Сложность"), choices=DIFFICULTY_CHOICES, required=False)

    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = categories
        self.fields["category"].choices = [("", _("все категории")), *category_choices(categories)]  # type: ignore[attr-defined]
        self.fields["type"].choices = [  # type: ignore[attr-defined]
            ("", _("все типы")),
            *((str(code), str(label)) for code, label in TYPE_LABELS.items()),
        ]

    def filters(self) -> BankFilters:
        """The bank list's filters (its name search folds case and «ё» on any database)."""
        if not self.is_bound or not self.is_valid():
            return BankFilters()
        data = self.cleaned_data
        category = None
        if data["category"]:
            category = self.categories.filter(pk=int(data["category"])).first()
        return BankFilters(
            category_ids=sorted(category_subtree_ids(category)) if category else None,
            type=data["type"],
            difficulty=int(data["difficulty"]) if data["difficulty"] else None,
            text=data["q"],
        )


class AddQuestionsForm(StyledForm):
    points = points_field(_("Баллов за каждый"), initial=1)


class RandomDrawForm(StyledForm):
    category = forms.ChoiceField(label=_("Из категории"))
    count = forms.IntegerField(label=_("Сколько вопросов"), min_value=1, max_value=100, initial=5)
    difficulty = forms.ChoiceField(label=_("Сложность"), choices=DIFFICULTY_CHOICES, required=False)
    include_subcategories = forms.BooleanField(
        label=_("Включая подкатегории"), required=False, initial=True
    )
    points = points_field(_("Баллов за вопрос"), initial=1)

    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = categories
        self.fields["category"].choices = [("", "—"), *category_choices(categories)]  # type: ignore[attr-defined]

    def chosen_category(self) -> Category:
        return self.categories.get(pk=int(self.cleaned_data["category"]))

    def chosen_difficulty(self) -> int | None:
        value = self.cleaned_data["difficulty"]
        return int(value) if value else None


class SlotPointsForm(StyledForm):
    points = points_field(_("Баллов"))

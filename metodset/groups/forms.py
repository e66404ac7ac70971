"""Forms of groups and applications; the rules live in the services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from metodset.accounts.models import Subject, User
from metodset.core.forms import StyledForm
from metodset.groups.models import Group, GroupKind
from metodset.materials.models import Material

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GroupFilterForm(forms.Form):
    q = forms.CharField(label=_("Поиск"), required=False)
    kind = forms.ModelChoiceField(
        label=_("Вид"),
        queryset=GroupKind.objects.all(),
        required=False,
        empty_label=_("все виды"),
        to_field_name="code",
    )
    subject = forms.ModelChoiceField(
        label=_("Предмет"), queryset=Subject.objects.all(), required=False, empty_label=_("все")
    )
    status = forms.ChoiceField(
        label=_("Состояние"),
        choices=[("", _("все")), *Group.Status.choices],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} {css}-sm"


class ApplicationForm(StyledForm):
    """The application of §3.1. Participants are picked by the search beside the form and
    arrive as ids; the field checks they may take part in the district's groups."""

    title = forms.CharField(label=_("Название группы"), max_length=300)
    subject = forms.ModelChoiceField(
        label=_("Предмет"),
        queryset=Subject.objects.all(),
        required=False,
        empty_label=_("— несколько предметов или общая педагогическая тема —"),
    )
    problem = forms.CharField(
        label=_("Проблема, над которой будет работать группа"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    goals = forms.CharField(
        label=_("Цели и задачи"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    expected_result = forms.CharField(
        label=_("Предполагаемый результат (продукт)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Например: сборник методических разработок, программа элективного курса."),
    )
    starts_on = forms.DateField(label=_("Срок работы: с"), widget=DATE)
    ends_on = forms.DateField(label=_("по"), widget=DATE)
    applicant_takes_part = forms.BooleanField(
        label=_("Я участвую в группе"), required=False, initial=True
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Участники"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    proposed_leader = forms.ModelChoiceField(
        label=_("Предлагаемый руководитель"),
        queryset=User.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Выберите руководителя группы среди участников.")},
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["participants"].queryset = people  # type: ignore[attr-defined]
            self.fields["proposed_leader"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("Срок работы должен кончаться позже, чем начинается."))
        return data


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Решение"),
        choices=[("approve", _("Создать РПГ приказом")), ("reject", _("Отклонить"))],
        widget=forms.RadioSelect,
    )
    order_number = forms.CharField(label=_("Номер приказа"), max_length=60, required=False)
    order_date = forms.DateField(label=_("Дата приказа"), required=False, widget=DATE)
    reasons = forms.CharField(
        label=_("Причины отказа"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=_("Заявитель увидит их и сможет исправить заявление."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "approve":
            if not data.get("order_number", "").strip():
                self.add_error("order_number", _("Укажите номер приказа."))
            if not data.get("order_date"):
                self.add_error("order_date", _("Укажите дату приказа."))
        elif data.get("decision") == "reject" and not data.get("reasons", "").strip():
            self.add_error("reasons", _("Укажите причины отказа: заявитель должен их знать."))
        return data


class ConsentForm(StyledForm):
    comment = forms.CharField(
        label=_("Комментарий"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class GroupForm(StyledForm):
    title = forms.CharField(label=_("Название"), max_length=300)
    subject = forms.ModelChoiceField(
        label=_("Предмет"),
        queryset=Subject.objects.all(),
        required=False,
        empty_label=_("— не относится к одному предмету —"),
    )
    description = forms.CharField(
        label=_("Описание"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    problem = forms.CharField(
        label=_("Проблема (тема)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    goals = forms.CharField(
        label=_("Цели и задачи"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    starts_on = forms.DateField(label=_("Начало работы"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Окончание работы"), required=False, widget=DATE)
    joining = forms.ChoiceField(
        label=_("Вступление"), choices=Group.Joining.choices, initial=Group.Joining.REQUEST
    )
    visibility = forms.ChoiceField(
        label=_("Кто видит группу"), choices=Group.Visibility.choices, initial=""
    )
    students_may_join = forms.BooleanField(
        label=_("Могут вступать обучающиеся (для сетевых сообществ)"), required=False
    )


class FoundGroupForm(GroupForm):
    kind = forms.ModelChoiceField(
        label=_("Вид объединения"), queryset=GroupKind.objects.none(), empty_label=None
    )
    field_order = ["kind", "title"]

    def __init__(self, *args: Any, kinds: list[GroupKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = GroupKind.objects.filter(pk__in=[k.pk for k in kinds])  # type: ignore[attr-defined]
        self.fields["visibility"].required = False
        self.fields["visibility"].choices = [  # type: ignore[attr-defined]
            ("", _("как принято для вида (ПТГ — своей организации, остальные — всем)")),
            *Group.Visibility.choices,
        ]


class StageForm(StyledForm):
    title = forms.CharField(label=_("Этап"), max_length=300)
    starts_on = forms.DateField(label=_("С"), widget=DATE)
    ends_on = forms.DateField(label=_("По"), widget=DATE)
    description = forms.CharField(
        label=_("Содержание работы"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    responsible = forms.CharField(label=_("Ответственные"), max_length=300, required=False)
    is_done = forms.BooleanField(label=_("Выполнен"), required=False)


class ReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("Причина"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class MessageForm(StyledForm):
    message = forms.CharField(
        label=_("Сообщение руководителю"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class ThreadForm(StyledForm):
    title = forms.CharField(label=_("Тема"), max_length=300)
    body = forms.CharField(
        label=_("Сообщение"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        help_text=_("Можно использовать Markdown."),
    )


class PostForm(StyledForm):
    body = forms.CharField(
        label=_("Ответ"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        help_text=_("Можно использовать Markdown."),
    )


class AddMaterialForm(StyledForm):
    material: forms.ModelChoiceField[Material] = forms.ModelChoiceField(
        label=_("Мой материал"), queryset=Material.objects.none(), empty_label=_("— выберите —")
    )

    def __init__(self, *args: Any, materials: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["material"].queryset = materials  # type: ignore[attr-defined]


class CloseForm(StyledForm):
    product: forms.ModelChoiceField[Material] = forms.ModelChoiceField(
        label=_("Продукт группы"),
        queryset=Material.objects.none(),
        required=False,
        empty_label=_("— выберите материал, опубликованный в группе —"),
    )
    report = forms.CharField(
        label=_("Краткий отчёт о работе"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
    )

    def __init__(self, *args: Any, materials: Any, needs_product: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = materials  # type: ignore[attr-defined]
        if not needs_product:
            del self.fields["product"]


class OrderScanForm(StyledForm):
    scan = forms.FileField(
        label=_("Подписанный приказ (PDF, JPEG или PNG)"),
    )

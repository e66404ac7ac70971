"""Forms of the expertise's pages; the rules live in the services, which speak for
themselves when they refuse (a missing comment, a conflict of interest)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from metodset.accounts.models import User
from metodset.core.forms import StyledForm
from metodset.expertise.models import Purpose, Verdict
from metodset.groups.models import Group
from metodset.materials.models import Material

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MaterialChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.type.name})"


class SubmissionForm(StyledForm):
    """«Подать на экспертизу». The materials and the groups to choose from come from the
    view (the author's published materials; the groups the person leads)."""

    material = MaterialChoiceField(
        label=_("Материал"),
        queryset=Material.objects.none(),
        empty_label=_("— выберите опубликованный материал —"),
        error_messages={"invalid_choice": _("Выберите один из своих опубликованных материалов.")},
    )
    purpose = forms.ChoiceField(
        label=_("Цель экспертизы"), choices=Purpose.choices, widget=forms.RadioSelect
    )
    is_blind = forms.BooleanField(
        label=_("Слепая экспертиза"),
        required=False,
        initial=True,
        help_text=_(
            "Эксперты не увидят ваше имя и вашу организацию — только сам материал. Методист "
            "района видит автора всегда: он назначает экспертов без конфликта интересов."
        ),
    )
    group = forms.ModelChoiceField(
        label=_("От имени объединения"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("— от своего имени —"),
        help_text=_("Руководитель объединения подаёт продукт группы от её имени."),
    )
    note = forms.CharField(
        label=_("Сопроводительное письмо"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=_(
            "Для методиста: что это за продукт, где он применялся, на что обратить внимание."
        ),
    )

    def __init__(
        self,
        *args: Any,
        materials: QuerySet[Material],
        groups: list[Group],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["material"].queryset = materials.select_related("type")  # type: ignore[attr-defined]
        if groups:
            self.fields["group"].queryset = Group.objects.filter(  # type: ignore[attr-defined]
                pk__in=[g.pk for g in groups]
            )
        else:
            del self.fields["group"]


class AssignForm(StyledForm):
    """The department appoints an expert of the district's РМС. The template draws the
    experts as a list with their subjects and conflicts; the service refuses a conflict."""

    expert = forms.ModelChoiceField(
        label=_("Эксперт"),
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Выберите эксперта."),
            "invalid_choice": _("Выберите эксперта из экспертного совета района."),
        },
    )
    due_on = forms.DateField(label=_("Оценить до"), required=False, widget=DATE)

    def __init__(self, *args: Any, pool: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = pool  # type: ignore[attr-defined]


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Решение"),
        choices=Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Выберите решение.")},
    )
    comment = forms.CharField(
        label=_("Заключение"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
        help_text=_(
            "Его прочтёт автор. Для «на доработку» — замечания экспертов, для «отклонено» — "
            "причины: без них решение не сохранится."
        ),
    )


class ResubmitForm(StyledForm):
    changes_note = forms.CharField(
        label=_("Что изменено по замечаниям экспертов"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": _("Опишите, что изменено по замечаниям экспертов.")},
        help_text=_("Эксперты увидят этот текст и список изменений в описании и файлах материала."),
    )

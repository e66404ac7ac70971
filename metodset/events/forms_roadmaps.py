"""Forms of road maps (сетевые графики) and their lines; the rules live in the services."""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from metodset.accounts.models import Organization, User
from metodset.core.forms import StyledForm
from metodset.core.models import AcademicYear
from metodset.events.models import EventKind, RoadMapLine
from metodset.events.services import roadmaps
from metodset.groups.models import Group

CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class OrganizationChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.short_name)


class RoadMapFilterForm(forms.Form):
    year = forms.ModelChoiceField(
        label=_("Учебный год"),
        queryset=AcademicYear.objects.all(),
        required=False,
        empty_label=_("все годы"),
        to_field_name="start_year",
    )
    organization = forms.ModelChoiceField(
        label=_("Организация"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("все организации"),
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        for name in self.fields:
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"


class RoadMapForm(StyledForm):
    """Editing a road map: its name, goal and participating organizations."""

    title = forms.CharField(
        label=_("Название"),
        max_length=300,
        initial=_("Сетевой график совместных мероприятий"),
    )
    organizations = OrganizationChoiceField(
        label=_("Организации-участники"),
        queryset=Organization.objects.none(),
        required=False,
        widget=CHECKBOXES,
        help_text=_("Две и более организации района."),
    )
    goal = forms.CharField(
        label=_("Цель"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text=_("Например: повышение качества образования через сетевое взаимодействие."),
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = organizations  # type: ignore[attr-defined]


class NewRoadMapForm(RoadMapForm):
    """A new road map: for the current or the next academic year, of organizations or of a
    group."""

    academic_year = forms.ModelChoiceField(
        label=_("Учебный год"), queryset=AcademicYear.objects.none(), empty_label=None
    )
    group = forms.ModelChoiceField(
        label=_("…или объединение"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("— не объединение, а организации —"),
        help_text=_("Сетевой график РМО, РПГ или другого объединения, которое вы ведёте."),
    )
    field_order = ["title", "academic_year", "organizations", "group", "goal"]

    def __init__(
        self,
        *args: Any,
        years: list[AcademicYear],
        groups: QuerySet[Group],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].queryset = AcademicYear.objects.filter(  # type: ignore[attr-defined]
            pk__in=[year.pk for year in years]
        ).order_by("start_year")
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        if not groups.exists():
            del self.fields["group"]


class LineForm(StyledForm):
    """One planned joint event. Responsible people are picked by the search beside the form
    and arrive as ids."""

    month = forms.TypedChoiceField(
        label=_("Срок (месяц)"), coerce=datetime.date.fromisoformat, choices=()
    )
    title = forms.CharField(label=_("Мероприятие"), max_length=300)
    kind = forms.ModelChoiceField(
        label=_("Форма"),
        queryset=EventKind.objects.all(),
        required=False,
        empty_label=_("— другая —"),
    )
    audience = forms.CharField(
        label=_("Участники"),
        max_length=300,
        required=False,
        help_text=_("Например: учителя начальных классов; обучающиеся 5–7 классов; родители."),
    )
    responsible_organizations = OrganizationChoiceField(
        label=_("Ответственные организации"),
        queryset=Organization.objects.none(),
        required=False,
        widget=CHECKBOXES,
    )
    responsible_people = forms.ModelMultipleChoiceField(
        label=_("Ответственные"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
    )

    def __init__(
        self,
        *args: Any,
        months: list[datetime.date],
        organizations: QuerySet[Organization],
        people: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [  # type: ignore[attr-defined]
            (month.isoformat(), roadmaps.month_title(month)) for month in months
        ]
        self.fields["responsible_organizations"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["responsible_people"].queryset = people  # type: ignore[attr-defined]


class LineStatusForm(StyledForm):
    """Held, moved (with the new month and a reason), cancelled (with a reason) or planned
    again: the choices are the moves the line's status allows."""

    status = forms.ChoiceField(
        label=_("Состояние"),
        choices=(),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    moved_to = forms.TypedChoiceField(
        label=_("Перенести на месяц"),
        coerce=datetime.date.fromisoformat,
        choices=(),
        required=False,
        empty_value=None,
    )
    reason = forms.CharField(
        label=_("Причина"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Обязательна при переносе и отмене."),
    )

    def __init__(
        self, *args: Any, line: RoadMapLine, months: list[datetime.date], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        allowed = RoadMapLine.TRANSITIONS.get(line.status, set())
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in RoadMapLine.Status.choices if value in allowed
        ]
        self.fields["moved_to"].choices = [  # type: ignore[attr-defined]
            ("", _("— выберите месяц —")),
            *[
                (month.isoformat(), roadmaps.month_title(month))
                for month in months
                if month != line.month
            ],
        ]

"""Forms of the sitting pages. Times are typed in the district's time zone; a failed form
keeps everything typed, and «Ещё школа» adds a row of classes without JavaScript."""

import datetime
import re
import zoneinfo
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metodset.accounts.models import Organization
from metodset.core.forms import StyledForm
from metodset.groups.models import Group
from metodset.testing.models import Quiz, Sitting

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
PREFIX = "classes"
EXTRA_ROWS = 2
MAX_ROWS = 50


def _aware(day: datetime.date, moment: datetime.time, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, moment), zone)


def split_classes(text: str) -> list[str]:
    """«5А, 5Б; 6» → ["5А", "5Б", "6"]."""
    return [part.strip() for part in re.split(r"[,;\n]+", text) if part.strip()]


class SittingForm(StyledForm):
    quiz = forms.ModelChoiceField(label=_("Тест"), queryset=Quiz.objects.none())
    title = forms.CharField(
        label=_("Название тестирования"),
        max_length=255,
        required=False,
        help_text=_("Пусто — как у теста. Например: «Ежемесячный тест, октябрь»."),
    )
    day = forms.DateField(label=_("Дата"), widget=DATE)
    opens = forms.TimeField(label=_("С"), widget=TIME)
    closes = forms.TimeField(label=_("До"), widget=TIME)
    closes_day = forms.DateField(
        label=_("Закрывается в другой день"),
        widget=DATE,
        required=False,
        help_text=_("Если тестирование идёт несколько дней: дата закрытия."),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Объединения, которыми вы руководите"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(
        self, *args: Any, quizzes: QuerySet[Quiz], groups: QuerySet[Group], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = quizzes  # type: ignore[attr-defined]
        self.fields["groups"].queryset = groups  # type: ignore[attr-defined]

    def keep_quiz(self, sitting: Sitting) -> None:
        """A sitting keeps its test (attempts were drawn from it): shown, not changeable."""
        field = self.fields["quiz"]
        field.disabled = True
        field.help_text = _("Тест назначенного тестирования не меняется.")
        self.initial["quiz"] = sitting.quiz_id

    @classmethod
    def initial_for(cls, sitting: Sitting) -> dict[str, Any]:
        zone = sitting.district.zone
        opens = timezone.localtime(sitting.opens_at, zone)
        closes = timezone.localtime(sitting.closes_at, zone)
        return {
            "quiz": sitting.quiz_id,
            "title": sitting.title,
            "day": opens.date(),
            "opens": opens.time(),
            "closes": closes.time(),
            "closes_day": closes.date() if closes.date() != opens.date() else None,
            "groups": [
                target.group_id for target in sitting.targets.all() if target.group_id is not None
            ],
        }

    def window(
        self, zone: zoneinfo.ZoneInfo, keep_opening: datetime.datetime | None = None
    ) -> tuple[datetime.datetime, datetime.datetime]:
        """The opening and closing typed, as aware times in `zone`. `keep_opening` is the
        stored opening: typed to the minute it stands for, it is kept to the second (the
        service refuses to move the opening of a started sitting)."""
        data = self.cleaned_data
        opens_at = _aware(data["day"], data["opens"], zone)
        closes_at = _aware(data["closes_day"] or data["day"], data["closes"], zone)
        if keep_opening is not None and opens_at == keep_opening.replace(second=0, microsecond=0):
            opens_at = keep_opening
        return opens_at, closes_at


class ClassRowForm(StyledForm):
    """One school and its classes: «5А, 5Б», or «5» for the whole parallel."""

    organization = forms.ModelChoiceField(
        label=_("Школа"), queryset=Organization.objects.none(), required=False
    )
    classes = forms.CharField(
        label=_("Классы"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("5А, 5Б или 5 — вся параллель")}),
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("organization") and not split_classes(data.get("classes", "")):
            self.add_error("classes", _("Укажите классы: «5А, 5Б» или «5» — вся параллель."))
        if (
            data.get("classes")
            and not data.get("organization")
            and "organization" not in self.errors
        ):
            self.add_error("organization", _("Выберите школу этих классов."))
        return data

    def pairs(self) -> list[tuple[Organization, str]]:
        data = getattr(self, "cleaned_data", None) or {}
        organization = data.get("organization")
        if organization is None:
            return []
        return [(organization, name) for name in split_classes(data.get("classes", ""))]


def class_formset(
    *,
    organizations: QuerySet[Organization],
    data: Any = None,
    initial: list[dict[str, Any]] | None = None,
    extra: int = EXTRA_ROWS,
) -> Any:
    formset_class = forms.formset_factory(
        ClassRowForm, extra=extra, max_num=MAX_ROWS, absolute_max=MAX_ROWS
    )
    return formset_class(
        data=data,
        initial=initial or [],
        prefix=PREFIX,
        form_kwargs={"organizations": organizations},
    )


def rows_of(sitting: Sitting) -> list[dict[str, Any]]:
    """The sitting's classes, one row a school («5А, 5Б» of СОШ №28)."""
    by_school: dict[int, list[str]] = {}
    for target in sitting.targets.all():
        if target.organization_id is not None:
            by_school.setdefault(target.organization_id, []).append(target.student_class)
    return [
        {"organization": org_id, "classes": ", ".join(classes)}
        for org_id, classes in by_school.items()
    ]


def typed_rows(data: QueryDict) -> list[dict[str, Any]]:
    """The rows of classes as typed (for «Ещё школа»: shown again, not checked yet)."""
    try:
        total = min(int(data.get(f"{PREFIX}-TOTAL_FORMS", "0")), MAX_ROWS)
    except ValueError:
        total = 0
    rows = []
    for index in range(total):
        organization = data.get(f"{PREFIX}-{index}-organization", "")
        classes = data.get(f"{PREFIX}-{index}-classes", "")
        if organization or classes:
            rows.append({"organization": organization, "classes": classes})
    return rows


def typed_values(data: QueryDict) -> dict[str, Any]:
    """The sitting form's fields as typed, to show again unchecked."""
    values: dict[str, Any] = {
        name: data.get(name, "")
        for name in ("quiz", "title", "day", "opens", "closes", "closes_day")
    }
    values["groups"] = data.getlist("groups")
    return values


class CancelForm(StyledForm):
    reason = forms.CharField(
        label=_("Причина отмены"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Её увидят обучающиеся."),
    )

"""The expert's forms: the score sheet built from the submission's rubric, and a refusal.

Completeness (a score for every criterion, a recommendation, a conclusion) is the service's
rule: the sheet's fields are optional here, so a half-filled sheet reaches `submit_review`,
which names everything missing in one sentence, and the page shows it with what was typed.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.core.forms import StyledForm
from metodset.expertise.models import Criterion, Verdict

# A scale this long or shorter is a row of radio buttons; a longer one is a drop-down.
RADIO_SCALE_MAX = 10


def score_field_name(criterion: Criterion) -> str:
    return f"score_{criterion.pk}"


def comment_field_name(criterion: Criterion) -> str:
    return f"comment_{criterion.pk}"


@dataclass(frozen=True)
class CriterionRow:
    """One line of the sheet as the template draws it."""

    criterion: Criterion
    score: forms.BoundField
    comment: forms.BoundField

    @property
    def is_radio(self) -> bool:
        return self.criterion.max_score <= RADIO_SCALE_MAX


class ReviewForm(StyledForm):
    """`score_<criterion id>` and `comment_<criterion id>` per criterion of the rubric,
    then `recommendation` and `summary`."""

    recommendation = forms.ChoiceField(
        label=gettext_lazy("Рекомендация"),
        choices=Verdict.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    summary = forms.CharField(
        label=gettext_lazy("Общее заключение"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        required=False,
        help_text=gettext_lazy(
            "Сильные стороны продукта, что стоит доработать и почему вы рекомендуете "
            "именно это решение. Автор прочтёт заключение без вашего имени."
        ),
    )

    def __init__(self, *args: Any, criteria: Sequence[Criterion], **kwargs: Any) -> None:
        self.criteria = list(criteria)
        super().__init__(*args, **kwargs)
        for criterion in self.criteria:
            scale = [(str(n), str(n)) for n in range(criterion.max_score + 1)]
            radio = criterion.max_score <= RADIO_SCALE_MAX
            self.fields[score_field_name(criterion)] = forms.TypedChoiceField(
                label=_("Балл по критерию «%(c)s»") % {"c": criterion.title},
                choices=scale if radio else [("", _("— балл —")), *scale],
                coerce=int,
                empty_value=None,
                required=False,
                # Added after the mixin styled the declared fields: classes set here.
                widget=(
                    forms.RadioSelect(attrs={"class": "form-check-input"})
                    if radio
                    else forms.Select(attrs={"class": "form-select w-auto"})
                ),
            )
            self.fields[comment_field_name(criterion)] = forms.CharField(
                label=_("Комментарий к критерию «%(c)s»") % {"c": criterion.title},
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                max_length=3000,
                required=False,
            )
        self.fields["recommendation"].widget.attrs["class"] = "form-check-input"

    def rows(self) -> Iterator[CriterionRow]:
        for criterion in self.criteria:
            yield CriterionRow(
                criterion=criterion,
                score=self[score_field_name(criterion)],
                comment=self[comment_field_name(criterion)],
            )

    def scores(self) -> dict[int, tuple[int, str]]:
        """{criterion id: (score, comment)} for the criteria that got a score, as
        `submit_review` takes them."""
        data = self.cleaned_data
        return {
            criterion.pk: (data[score_field_name(criterion)], data[comment_field_name(criterion)])
            for criterion in self.criteria
            if data.get(score_field_name(criterion)) is not None
        }

    def mark_empty(self) -> None:
        """After the service refused the sheet: point at the fields left empty, so the
        person finds what its message names."""
        data = self.cleaned_data
        empty = [
            (score_field_name(criterion), _("Балл не выставлен."))
            for criterion in self.criteria
            if data.get(score_field_name(criterion)) is None
        ]
        if not data.get("recommendation"):
            empty.append(("recommendation", _("Рекомендация не выбрана.")))
        if not data.get("summary", "").strip():
            empty.append(("summary", _("Заключение не написано.")))
        for name, message in empty:
            self.add_error(name, message)
            widget = self.fields[name].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            widget.attrs["aria-invalid"] = "true"


class DeclineForm(StyledForm):
    """The reason is required by the service (which says so); the browser asks first."""

    reason = forms.CharField(
        label=gettext_lazy("Причина отказа"),
        widget=forms.Textarea(attrs={"rows": 4, "required": True}),
        max_length=2000,
        required=False,
        help_text=gettext_lazy(
            "Например: конфликт интересов, болезнь, материал не по вашему предмету. "
            "Причину прочтёт методист и назначит другого эксперта."
        ),
    )

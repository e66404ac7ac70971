"""«Лучшие практики»: the products the РМС recommended, with the experts' summary, open to
guests for public materials. Filters in the address, so a filtered list can be shared."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Max, Min, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from metodset.accounts.models import Subject, name_key
from metodset.core.models import academic_year_start
from metodset.expertise import selectors, services
from metodset.expertise.models import RECOMMENDED, Purpose, Review, Submission, Verdict
from metodset.materials.models import MaterialType

PER_PAGE = 12


class ShowcaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Название"), max_length=200, required=False)
    subject = forms.ModelChoiceField(
        label=_("Предмет"),
        queryset=Subject.objects.all(),
        required=False,
        empty_label=_("все предметы"),
    )
    type = forms.ModelChoiceField(
        label=_("Вид материала"),
        queryset=MaterialType.objects.all(),
        required=False,
        empty_label=_("все виды"),
        to_field_name="code",
    )
    purpose = forms.ChoiceField(
        label=_("Цель экспертизы"),
        choices=[("", _("все цели")), *Purpose.choices],
        required=False,
    )
    decision = forms.ChoiceField(
        label=_("Решение"),
        choices=[("", _("все решения"))]
        + [(value, label) for value, label in Verdict.choices if value in RECOMMENDED],
        required=False,
    )
    year = forms.TypedChoiceField(
        label=_("Учебный год решения"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            ("", _("все годы")),
            *((str(y), f"{y}/{y + 1}") for y in years),
        ]
        for name, field in self.fields.items():
            css = "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            field.widget.attrs["class"] = css
        self.fields["q"].widget.attrs["type"] = "search"


@dataclass(frozen=True)
class Card:
    submission: Submission
    # The mean of the final round's reviews in per cent of the maximum (Spread.average).
    average: float | None

    @property
    def decided_on(self) -> datetime.date | None:
        decided = self.submission.decided_at
        return timezone.localdate(decided) if decided else None


def _years(products: QuerySet[Submission]) -> list[int]:
    """The academic years in which the products shown were decided, the latest first."""
    bounds = products.aggregate(first=Min("decided_at"), last=Max("decided_at"))
    if bounds["first"] is None:
        return []
    first = academic_year_start(timezone.localdate(bounds["first"]))
    last = academic_year_start(timezone.localdate(bounds["last"]))
    return list(range(last, first - 1, -1))


def _year_bounds(start_year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """1 September to 1 September at midnight in the installation's time zone, as
    `academic_year_start` counts."""
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime(start_year, 9, 1, tzinfo=zone),
        datetime.datetime(start_year + 1, 9, 1, tzinfo=zone),
    )


def _titled(products: QuerySet[Submission], text: str) -> QuerySet[Submission]:
    """Titles containing every word of the text, in any order, up to case, ё and quotes.
    Folded in Python: SQLite's LIKE ignores the case of Latin letters only, and the
    showcase (recommended products only) stays small enough to read its titles at once."""
    words = name_key(text).split()
    if not words:
        return products
    found = [
        pk
        for pk, title in products.values_list("pk", "material__title")
        if all(word in name_key(title) for word in words)
    ]
    return products.filter(pk__in=found)


def filtered(products: QuerySet[Submission], data: dict[str, Any]) -> QuerySet[Submission]:
    if data.get("subject") is not None:
        products = products.filter(material__subject=data["subject"])
    if data.get("type") is not None:
        products = products.filter(material__type=data["type"])
    if data.get("purpose"):
        products = products.filter(purpose=data["purpose"])
    if data.get("decision"):
        products = products.filter(decision=data["decision"])
    if data.get("year") is not None:
        start, end = _year_bounds(data["year"])
        products = products.filter(decided_at__gte=start, decided_at__lt=end)
    if data.get("q"):
        products = _titled(products, data["q"])
    return products


def cards_of(submissions: list[Submission]) -> list[Card]:
    """The cards of one page with the average score of each product's final round, read
    in one query for the page (`services.spread_of` per card would be three each)."""
    final = {s.pk: s.round for s in submissions}
    reviews: dict[int, list[Review]] = defaultdict(list)
    for review in Review.objects.filter(assignment__submission__in=list(final)).select_related(
        "assignment"
    ):
        assignment = review.assignment
        if assignment.round == final[assignment.submission_id]:
            reviews[assignment.submission_id].append(review)
    cards = []
    for submission in submissions:
        found = reviews.get(submission.pk, [])
        percents = [r.percent for r in found] or [0.0]
        spread = services.Spread(reviews=found, low=min(percents), high=max(percents))
        cards.append(Card(submission=submission, average=spread.average if found else None))
    return cards


@require_http_methods(["GET"])
def showcase(request: HttpRequest) -> HttpResponse:
    products = selectors.showcase(request.user)
    form = ShowcaseFilterForm(request.GET or None, years=_years(products))
    if form.is_valid():
        products = filtered(products, form.cleaned_data)
    page = Paginator(products.select_related("material__organization"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "expertise/showcase.html",
        {"form": form, "page_obj": page, "cards": cards_of(list(page.object_list))},
    )


urlpatterns: list[URLPattern] = [
    path("best/", showcase, name="showcase"),
]

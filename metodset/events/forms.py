"""Forms of the event pages. Times are typed in the district's time zone; a failed form
keeps everything typed."""

import datetime
import zoneinfo
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metodset.accounts.models import Organization, Subject
from metodset.core.forms import StyledForm
from metodset.events.models import Event, EventKind
from metodset.events.services import EventData, SessionData
from metodset.groups.models import Group

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _aware(day: datetime.date, moment: datetime.time, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, moment), zone)


class SessionForm(StyledForm):
    day = forms.DateField(label=_("Дата"), widget=DATE)
    starts = forms.TimeField(label=_("Начало"), widget=TIME)
    ends = forms.TimeField(label=_("Окончание"), widget=TIME)
    title = forms.CharField(label=_("Часть программы"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", _("Окончание должно быть позже начала."))
        return data


class BaseSessionFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not filled:
            raise forms.ValidationError(_("Укажите дату и время мероприятия."))


def session_formset(
    *, data: Any = None, event: Event | None = None, initial_start: Any = None, zone: Any = None
) -> Any:
    """Sessions of an event (a multi-day event has several); two empty rows to add more."""
    initial: list[dict[str, Any]] = []
    if event is not None:
        for session in event.sessions.all():
            start = timezone.localtime(session.starts_at, zone)
            end = timezone.localtime(session.ends_at, zone)
            initial.append(
                {
                    "day": start.date(),
                    "starts": start.time(),
                    "ends": end.time(),
                    "title": session.title,
                }
            )
    elif initial_start is not None:
        start = timezone.localtime(initial_start, zone)
        initial.append(
            {
                "day": start.date(),
                "starts": start.time(),
                "ends": (start + datetime.timedelta(hours=2)).time(),
            }
        )
    formset_class = forms.formset_factory(
        SessionForm,
        formset=BaseSessionFormSet,
        extra=2,
        min_num=1,
        max_num=10,
        validate_min=True,
    )
    return formset_class(data=data, initial=initial, prefix="sessions")


class EventForm(StyledForm):
    kind = forms.ModelChoiceField(label=_("Вид мероприятия"), queryset=EventKind.objects.all())
    title = forms.CharField(label=_("Название"), max_length=300)
    description = forms.CharField(
        label=_("Описание и программа"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20000,
        help_text=_("Можно использовать Markdown: **жирный**, списки, ссылки."),
    )
    subject = forms.ModelChoiceField(
        label=_("Предмет"), queryset=Subject.objects.all(), required=False
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Организаторы"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.ModelChoiceField(
        label=_("Объединение-организатор"), queryset=Group.objects.none(), required=False
    )
    for_teachers = forms.BooleanField(label=_("педагоги"), required=False, initial=True)
    for_heads = forms.BooleanField(label=_("руководители ОО"), required=False)
    for_students = forms.BooleanField(label=_("обучающиеся"), required=False)
    for_parents = forms.BooleanField(label=_("родители"), required=False)
    format = forms.ChoiceField(
        label=_("Формат"),
        choices=Event.Format.choices,
        initial=Event.Format.OFFLINE,
        widget=forms.RadioSelect,
    )
    address = forms.CharField(label=_("Адрес"), max_length=300, required=False)
    room = forms.CharField(label=_("Аудитория, кабинет"), max_length=150, required=False)
    online_url = forms.URLField(
        label=_("Ссылка на трансляцию"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Её увидят только зарегистрированные участники."),
    )
    hours = forms.IntegerField(
        label=_("Объём, академических часов"),
        min_value=1,
        max_value=500,
        required=False,
        help_text=_("Пишется в сертификате участника."),
    )
    registration_enabled = forms.BooleanField(
        label=_("Нужна регистрация"), required=False, initial=True
    )
    capacity = forms.IntegerField(
        label=_("Мест"), min_value=1, required=False, help_text=_("Пусто — без ограничения.")
    )
    deadline_day = forms.DateField(label=_("Регистрация до (дата)"), required=False, widget=DATE)
    deadline_time = forms.TimeField(label=_("время"), required=False, widget=TIME)
    needs_approval = forms.BooleanField(label=_("Участие подтверждает организатор"), required=False)
    visibility = forms.ChoiceField(
        label=_("Кто видит"), choices=Event.Visibility.choices, initial=Event.Visibility.NETWORK
    )

    def __init__(
        self,
        *args: Any,
        organizations: Any,
        groups: Any,
        zone: zoneinfo.ZoneInfo,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["organizations"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        for name in ("organizations", "format"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    @classmethod
    def initial_for(cls, event: Event) -> dict[str, Any]:
        zone = event.zone
        deadline = (
            timezone.localtime(event.registration_deadline, zone)
            if event.registration_deadline
            else None
        )
        return {
            "kind": event.kind_id,
            "title": event.title,
            "description": event.description,
            "subject": event.subject_id,
            "organizations": list(event.organizations.values_list("pk", flat=True)),
            "group": event.group_id,
            "for_teachers": event.for_teachers,
            "for_heads": event.for_heads,
            "for_students": event.for_students,
            "for_parents": event.for_parents,
            "format": event.format,
            "address": event.address,
            "room": event.room,
            "online_url": event.online_url,
            "hours": event.hours,
            "registration_enabled": event.registration_enabled,
            "capacity": event.capacity,
            "deadline_day": deadline.date() if deadline else None,
            "deadline_time": deadline.time() if deadline else None,
            "needs_approval": event.needs_approval,
            "visibility": event.visibility,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("deadline_time") and not data.get("deadline_day"):
            self.add_error("deadline_day", _("Укажите дату окончания регистрации."))
        return data

    def event_data(self, sessions: Any, *, publish: bool) -> EventData:
        data = self.cleaned_data
        deadline = None
        if data.get("deadline_day"):
            deadline = _aware(
                data["deadline_day"], data.get("deadline_time") or datetime.time(23, 59), self.zone
            )
        rows = [
            SessionData(
                starts_at=_aware(f.cleaned_data["day"], f.cleaned_data["starts"], self.zone),
                ends_at=_aware(f.cleaned_data["day"], f.cleaned_data["ends"], self.zone),
                title=f.cleaned_data.get("title", ""),
            )
            for f in sessions.forms
            if f.cleaned_data
        ]
        return EventData(
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            subject=data["subject"],
            organizations=list(data["organizations"]),
            group=data["group"],
            for_teachers=data["for_teachers"],
            for_heads=data["for_heads"],
            for_students=data["for_students"],
            for_parents=data["for_parents"],
            format=data["format"],
            address=data["address"],
            room=data["room"],
            online_url=data["online_url"],
            hours=data["hours"],
            registration_enabled=data["registration_enabled"],
            capacity=data["capacity"],
            registration_deadline=deadline,
            needs_approval=data["needs_approval"],
            visibility=data["visibility"],
            sessions=rows,
            publish=publish,
        )


class ReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("Причина"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class DecisionForm(StyledForm):
    comment = forms.CharField(
        label=_("Комментарий (обязателен при отказе)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class ReportForm(StyledForm):
    report = forms.CharField(
        label=_("Краткий отчёт"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        help_text=_("Что прошло, сколько было участников, итоги. Можно использовать Markdown."),
    )


class FeedbackForm(StyledForm):
    rating = forms.TypedChoiceField(
        label=_("Оценка"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Отзыв"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=3000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"].widget.attrs["class"] = "form-check-input"


class AttachMaterialForm(StyledForm):
    material = forms.CharField(
        label=_("Материал библиотеки"),
        max_length=500,
        help_text=_("Выберите свой материал из списка или вставьте адрес страницы материала."),
    )

    def material_id(self) -> int | None:
        value = self.cleaned_data["material"].strip().rstrip("/")
        tail = value.rsplit("/", 1)[-1]
        return int(tail) if tail.isdigit() else None

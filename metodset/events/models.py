"""Events of the network (seminars, master classes, councils, open days, contests…), who
registered and came, and the road maps (сетевые графики) that plan them for a year."""

import secrets
import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metodset.accounts.models import name_key
from metodset.core.models import TimeStampedModel


class EventKind(models.Model):
    """A kind of event (семинар, мастер-класс, день открытых дверей…): rows, so a district
    adds its own in the admin."""

    code = models.SlugField(_("код"), max_length=40, unique=True)
    name = models.CharField(_("название"), max_length=150)
    for_students = models.BooleanField(
        _("обычно для обучающихся"),
        default=False,
        help_text=_("Форма предлагает аудиторию «обучающиеся» по умолчанию."),
    )
    ordering = models.PositiveSmallIntegerField(_("порядок"), default=100)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("вид мероприятия")
        verbose_name_plural = _("виды мероприятий")

    def __str__(self) -> str:
        return self.name


class EventQuerySet(models.QuerySet["Event"]):
    def announced(self) -> "EventQuerySet":
        """Published or cancelled: what calendars and feeds show (a cancellation too)."""
        return self.exclude(status=Event.Status.DRAFT)

    def upcoming(self, now: Any = None) -> "EventQuerySet":
        return self.filter(ends_at__gte=now or timezone.now())


class Event(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("черновик")
        PUBLISHED = "published", _("объявлено")
        CANCELLED = "cancelled", _("отменено")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("всем, и гостям (афиша)")
        NETWORK = "network", _("участникам сети")
        ORGANIZERS = "organizers", _("только организаторам и приглашённым")

    class Format(models.TextChoices):
        OFFLINE = "offline", _("очно")
        ONLINE = "online", _("онлайн")
        MIXED = "mixed", _("смешанный")

    kind = models.ForeignKey(
        EventKind, verbose_name=_("вид"), on_delete=models.PROTECT, related_name="events"
    )
    district = models.ForeignKey(
        "accounts.District",
        verbose_name=_("район"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    title = models.CharField(_("название"), max_length=300)
    description = models.TextField(_("описание"), blank=True, max_length=20000)
    subject = models.ForeignKey(
        "accounts.Subject",
        verbose_name=_("предмет"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organizations = models.ManyToManyField(
        "accounts.Organization",
        verbose_name=_("организаторы"),
        related_name="organized_events",
        blank=True,
    )
    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("объединение"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    # Audience: any mix.
    for_teachers = models.BooleanField(_("педагоги"), default=True)
    for_heads = models.BooleanField(_("руководители ОО"), default=False)
    for_students = models.BooleanField(_("обучающиеся"), default=False)
    for_parents = models.BooleanField(_("родители"), default=False)
    format = models.CharField(
        _("формат"), max_length=10, choices=Format.choices, default=Format.OFFLINE
    )
    address = models.CharField(_("адрес"), max_length=300, blank=True)
    room = models.CharField(_("аудитория, кабинет"), max_length=150, blank=True)
    online_url = models.URLField(
        _("ссылка на трансляцию"),
        max_length=500,
        blank=True,
        help_text=_("Видна только зарегистрированным участникам и организаторам."),
    )
    # The first session's start and the last one's end, kept by the services.
    starts_at = models.DateTimeField(_("начало"), db_index=True)
    ends_at = models.DateTimeField(_("окончание"))
    hours = models.PositiveSmallIntegerField(_("объём, академических часов"), null=True, blank=True)
    registration_enabled = models.BooleanField(_("нужна регистрация"), default=True)
    capacity = models.PositiveIntegerField(
        _("мест"), null=True, blank=True, help_text=_("Пусто — без ограничения.")
    )
    registration_deadline = models.DateTimeField(_("регистрация до"), null=True, blank=True)
    needs_approval = models.BooleanField(_("участие подтверждает организатор"), default=False)
    visibility = models.CharField(
        _("кто видит"), max_length=20, choices=Visibility.choices, default=Visibility.NETWORK
    )
    status = models.CharField(
        _("состояние"), max_length=20, choices=Status.choices, default=Status.PUBLISHED
    )
    cancel_reason = models.TextField(_("причина отмены"), blank=True)
    # RFC 5545 SEQUENCE: goes up with every change calendars must notice.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    report = models.TextField(_("отчёт о мероприятии"), blank=True, max_length=20000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто создал"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Title and description folded (case, ё) for the list's text filter.
    search_key = models.TextField(editable=False, blank=True)

    objects: ClassVar[EventQuerySet] = EventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("мероприятие")
        verbose_name_plural = _("мероприятия")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gt=0),
                name="event_capacity_positive",
            ),
        ]
        indexes = [models.Index(fields=["district", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = name_key(f"{self.title} {self.description}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return self.district.zone

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def has_ended(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_online(self) -> bool:
        return self.format in {self.Format.ONLINE, self.Format.MIXED}

    @property
    def is_offline(self) -> bool:
        return self.format in {self.Format.OFFLINE, self.Format.MIXED}

    def audience_labels(self) -> list[str]:
        return [
            str(label)
            for name, label in (
                ("for_teachers", _("педагоги")),
                ("for_heads", _("руководители ОО")),
                ("for_students", _("обучающиеся")),
                ("for_parents", _("родители")),
            )
            if getattr(self, name)
        ]


class EventSession(models.Model):
    """One sitting of an event: a multi-day event has several."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("начало"))
    ends_at = models.DateTimeField(_("окончание"))
    title = models.CharField(_("часть программы"), max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("часть мероприятия")
        verbose_name_plural = _("расписание мероприятия")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="event_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title or str(self.starts_at)


class Registration(TimeStampedModel):
    """A person's place at an event: asked for, confirmed, on the waiting list, or gone."""

    class Status(models.TextChoices):
        PENDING = "pending", _("ждёт подтверждения организатора")
        CONFIRMED = "confirmed", _("зарегистрирован")
        WAITING = "waiting", _("в листе ожидания")
        CANCELLED = "cancelled", _("отменил участие")
        REJECTED = "rejected", _("отклонена организатором")

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("участник")
        SPEAKER = "speaker", _("выступающий")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PENDING: {Status.CONFIRMED, Status.WAITING, Status.REJECTED, Status.CANCELLED},
        Status.WAITING: {Status.CONFIRMED, Status.CANCELLED, Status.REJECTED},
        Status.CONFIRMED: {Status.CANCELLED, Status.REJECTED},
        Status.CANCELLED: {Status.PENDING, Status.CONFIRMED, Status.WAITING},
        Status.REJECTED: {Status.PENDING, Status.CONFIRMED, Status.WAITING},
    }
    # Holding a place (or waiting for one): counts against a second registration.
    LIVE: ClassVar[frozenset[str]] = frozenset({Status.PENDING, Status.CONFIRMED, Status.WAITING})

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("участник"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("организация"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_student = models.BooleanField(_("обучающийся"), default=False)
    status = models.CharField(_("состояние"), max_length=20, choices=Status.choices)
    role = models.CharField(
        _("роль"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто зарегистрировал"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The place in the waiting list: the time the person asked (again).
    queued_at = models.DateTimeField(_("подана"), default=timezone.now)
    decided_at = models.DateTimeField(_("решение"), null=True, blank=True)
    decision_comment = models.TextField(_("комментарий организатора"), blank=True)
    attended = models.BooleanField(_("присутствовал"), null=True, blank=True)
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    reminded_day_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["queued_at", "pk"]
        verbose_name = _("регистрация")
        verbose_name_plural = _("регистрации")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="registration_once")
        ]
        indexes = [models.Index(fields=["event", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.person} — {self.event}"

    @property
    def holds_place(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE


class Feedback(models.Model):
    """A participant's rating (1–5) and comment after the event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(_("оценка"))
    comment = models.TextField(_("отзыв"), blank=True, max_length=3000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("отзыв")
        verbose_name_plural = _("отзывы")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="feedback_once"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating} — {self.event}"


class EventMaterial(models.Model):
    """A library material attached to an event (a presentation, the recording)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="material_links")
    material = models.ForeignKey(
        "materials.Material", on_delete=models.CASCADE, related_name="event_links"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "material"], name="event_material_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.material_id}"


class CalendarFeed(models.Model):
    """A person's private iCalendar address: the token is the only key, so it can be
    changed (and the old address stops working)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("личный календарь")
        verbose_name_plural = _("личные календари")

    def __str__(self) -> str:
        return str(self.user)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)


class RoadMap(TimeStampedModel):
    """сетевой график (дорожная карта): the joint events of two or more organizations, a
    group or the district, planned by month for an academic year."""

    title = models.CharField(_("название"), max_length=300)
    district = models.ForeignKey(
        "accounts.District",
        verbose_name=_("район"),
        on_delete=models.PROTECT,
        related_name="road_maps",
    )
    academic_year = models.ForeignKey(
        "core.AcademicYear",
        verbose_name=_("учебный год"),
        on_delete=models.PROTECT,
        related_name="road_maps",
    )
    organizations = models.ManyToManyField(
        "accounts.Organization",
        verbose_name=_("организации-участники"),
        related_name="road_maps",
        blank=True,
    )
    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("объединение"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="road_maps",
    )
    goal = models.TextField(_("цель"), blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто создал"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-academic_year__start_year", "title"]
        verbose_name = _("сетевой график")
        verbose_name_plural = _("сетевые графики")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:roadmap", args=[self.pk])


class RoadMapLine(models.Model):
    """One planned joint event of a road map."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("запланировано")
        HELD = "held", _("проведено")
        MOVED = "moved", _("перенесено")
        CANCELLED = "cancelled", _("отменено")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PLANNED: {Status.HELD, Status.MOVED, Status.CANCELLED},
        Status.MOVED: {Status.PLANNED, Status.HELD, Status.CANCELLED},
        Status.HELD: {Status.PLANNED},
        Status.CANCELLED: {Status.PLANNED},
    }
    # A move or a cancellation is explained.
    NEEDS_REASON: ClassVar[frozenset[str]] = frozenset({Status.MOVED, Status.CANCELLED})

    road_map = models.ForeignKey(RoadMap, on_delete=models.CASCADE, related_name="lines")
    month = models.DateField(_("месяц"), help_text=_("Первое число месяца."))
    title = models.CharField(_("мероприятие"), max_length=300)
    kind = models.ForeignKey(
        EventKind,
        verbose_name=_("форма"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    audience = models.CharField(_("участники"), max_length=300, blank=True)
    responsible_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("ответственные"), related_name="+", blank=True
    )
    responsible_organizations = models.ManyToManyField(
        "accounts.Organization",
        verbose_name=_("ответственные организации"),
        related_name="+",
        blank=True,
    )
    status = models.CharField(
        _("состояние"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    status_reason = models.TextField(_("причина"), blank=True, max_length=2000)
    moved_to = models.DateField(_("перенесено на месяц"), null=True, blank=True)
    moved_from = models.DateField(
        _("перенесено с месяца"),
        null=True,
        blank=True,
        help_text=_("Месяц, на который строка была запланирована до последнего переноса."),
    )
    event = models.OneToOneField(
        Event,
        verbose_name=_("мероприятие в календаре"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="road_map_line",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month", "position", "pk"]
        verbose_name = _("строка сетевого графика")
        verbose_name_plural = _("строки сетевого графика")

    def __str__(self) -> str:
        return self.title

"""People, organizations, districts and the roles people hold in organizations."""

import os
import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metodset.core.models import TimeStampedModel


class PrivateStorage(FileSystemStorage):
    """Files never served by URL (imports with personal data), under settings.PRIVATE_ROOT,
    read at each use so tests and deployments can move it."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL.")


def private_storage() -> Storage:
    return PrivateStorage()


class Region(models.Model):
    """субъект РФ: an installation may serve the districts of one or more regions."""

    name = models.CharField(_("название"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("регион")
        verbose_name_plural = _("регионы")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """муниципальный район (округ): the unit whose staff run the network."""

    region = models.ForeignKey(
        Region, verbose_name=_("регион"), on_delete=models.PROTECT, related_name="districts"
    )
    name = models.CharField(_("название"), max_length=200)
    slug = models.SlugField(_("код в адресе"), max_length=60, unique=True)
    time_zone = models.CharField(
        _("часовой пояс"),
        max_length=60,
        default=settings.TIME_ZONE,
        help_text=_(
            "Имя часового пояса IANA, например Asia/Tomsk. В нём показываются и вводятся "
            "время мероприятий района и сроки."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("муниципальный район")
        verbose_name_plural = _("муниципальные районы")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="district_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.time_zone not in zoneinfo.available_timezones():
            raise ValidationError(
                {"time_zone": _("Неизвестный часовой пояс. Пример: Asia/Tomsk, Europe/Moscow.")}
            )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The district's time zone; the installation's when the name is unknown."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class OrganizationKind(models.Model):
    """A kind of organization (школа, гимназия, РМЦ…): rows, so a district can add its own."""

    code = models.SlugField(_("код"), max_length=40, unique=True)
    name = models.CharField(_("название"), max_length=120)
    name_plural = models.CharField(_("во множественном числе"), max_length=120)
    is_education_authority = models.BooleanField(
        _("орган управления образованием"),
        default=False,
        help_text=_("Его сотрудники — методисты района (или региона)."),
    )
    has_students = models.BooleanField(_("есть обучающиеся"), default=True)
    ordering = models.PositiveSmallIntegerField(_("порядок"), default=100)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("тип организации")
        verbose_name_plural = _("типы организаций")

    def __str__(self) -> str:
        return self.name


def name_key(name: str) -> str:
    """A name folded for comparison: case (Cyrillic too, which SQLite's LIKE ignores),
    ё = е, quotes and runs of spaces do not matter."""
    folded = name.casefold().replace("ё", "е")
    for quote in "«»\"'„“”":
        folded = folded.replace(quote, "")
    return " ".join(folded.split())


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def active(self) -> "OrganizationQuerySet":
        return self.filter(is_active=True)

    def named(self, name: str) -> "OrganizationQuerySet":
        """Organizations whose short or full name equals `name` up to case, ё and quotes."""
        key = name_key(name)
        return self.filter(models.Q(short_name_key=key) | models.Q(name_key=key))


class Organization(TimeStampedModel):
    """An educational organization (ОО), the district's education department, a resource
    centre or a regional institute. Regional ones have no district."""

    region = models.ForeignKey(
        Region, verbose_name=_("регион"), on_delete=models.PROTECT, related_name="organizations"
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("район"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        help_text=_("Пусто у региональных организаций (ИРО, ТОИПКРО)."),
    )
    kind = models.ForeignKey(
        OrganizationKind, verbose_name=_("тип"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("полное название"), max_length=400)
    short_name = models.CharField(_("краткое название"), max_length=150)
    address = models.CharField(_("адрес"), max_length=300, blank=True)
    phone = models.CharField(_("телефон"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("сайт"), blank=True)
    director_name = models.CharField(_("руководитель"), max_length=200, blank=True)
    is_active = models.BooleanField(_("действует"), default=True)
    # Folded copies of the names (name_key()) for case-insensitive lookups and uniqueness.
    short_name_key = models.CharField(max_length=150, editable=False, db_index=True)
    name_key = models.CharField(max_length=400, editable=False)

    objects: ClassVar[OrganizationQuerySet] = OrganizationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("организация")
        verbose_name_plural = _("организации")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "short_name_key"], name="organization_unique_short_name"
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.short_name_key = name_key(self.short_name)
        self.name_key = name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "short_name_key", "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("accounts:organization", args=[self.pk])


class Subject(models.Model):
    """A school subject of the federal list (русский язык, математика…)."""

    name = models.CharField(_("название"), max_length=120, unique=True)
    ordering = models.PositiveSmallIntegerField(_("порядок"), default=100)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("предмет")
        verbose_name_plural = _("предметы")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("E-mail is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("last_name", "Администратор")
        fields.setdefault("first_name", "Системный")
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: teacher, head, methodist, expert, student or parent (roles are memberships)."""

    class Category(models.TextChoices):
        NONE = "", _("без категории")
        COMPLIANCE = "compliance", _("соответствие занимаемой должности")
        FIRST = "first", _("первая")
        HIGHEST = "highest", _("высшая")

    email = models.EmailField(_("e-mail"), max_length=254)
    last_name = models.CharField(_("фамилия"), max_length=100)
    first_name = models.CharField(_("имя"), max_length=100)
    patronymic = models.CharField(_("отчество"), max_length=100, blank=True)
    position = models.CharField(_("должность"), max_length=200, blank=True)
    subjects = models.ManyToManyField(
        Subject, verbose_name=_("предметы"), blank=True, related_name="teachers"
    )
    qualification_category = models.CharField(
        _("квалификационная категория"), max_length=20, choices=Category.choices, blank=True
    )
    about = models.TextField(_("о себе"), blank=True, max_length=3000)
    photo = models.ImageField(_("фотография"), upload_to="photos/%Y/%m/", blank=True)
    is_active = models.BooleanField(_("активна"), default=True)
    is_staff = models.BooleanField(_("доступ к администрированию"), default=False)
    date_joined = models.DateTimeField(_("зарегистрирован"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("отключена"), null=True, blank=True)
    # The version for the visually impaired (ГОСТ Р 52872-2019), remembered per user.
    accessibility = models.JSONField(_("версия для слабовидящих"), default=dict, blank=True)
    # ФИО folded by name_key(): SQLite's LIKE ignores the case of Latin letters only, so name
    # search goes through this column on both databases.
    search_name = models.CharField(max_length=310, editable=False, db_index=True, default="")
    invitation_sent_at = models.DateTimeField(_("приглашение отправлено"), null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["last_name", "first_name"]

    class Meta:
        ordering = ["last_name", "first_name", "patronymic"]
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        self.search_name = self.compute_search_name()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "email", "search_name"}
        super().save(*args, **kwargs)

    def compute_search_name(self) -> str:
        """Set it explicitly before bulk_create, which does not call save()."""
        return name_key(self.full_name)

    def get_absolute_url(self) -> str:
        return reverse("accounts:person", args=[self.pk])

    @property
    def full_name(self) -> str:
        """ФИО: Фамилия Имя Отчество."""
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def short_name(self) -> str:
        """Фамилия И. О."""
        initials = "".join(f"{p[0]}." for p in (self.first_name, self.patronymic) if p)
        return f"{self.last_name} {initials}".strip()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.short_name


class Role(models.TextChoices):
    """What a person does in an organization; a person may hold several."""

    REGION_METHODIST = "region_methodist", _("методист региона")
    DISTRICT_METHODIST = "district_methodist", _("методист управления образования")
    EXPERT = "expert", _("эксперт (член РМС)")
    SCHOOL_ADMIN = "school_admin", _("администрация ОО")
    TEACHER = "teacher", _("педагог")
    STUDENT = "student", _("обучающийся")
    PARENT = "parent", _("родитель")


STAFF_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.TEACHER})
DISTRICT_ROLES = frozenset({Role.DISTRICT_METHODIST, Role.EXPERT})


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(status=Membership.Status.ACTIVE, organization__is_active=True)


class Membership(TimeStampedModel):
    """A person's role in one organization: a teacher of school №3, a methodist of the
    education department, a student of 7 «Б»."""

    class Status(models.TextChoices):
        PENDING = "pending", _("ожидает подтверждения")
        ACTIVE = "active", _("действует")
        REJECTED = "rejected", _("отклонено")
        ENDED = "ended", _("прекращено")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PENDING: {Status.ACTIVE, Status.REJECTED},
        Status.ACTIVE: {Status.ENDED},
        Status.ENDED: {Status.ACTIVE},
        Status.REJECTED: set(),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("человек"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("организация"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("роль"), max_length=32, choices=Role.choices)
    status = models.CharField(
        _("состояние"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    position = models.CharField(_("должность"), max_length=200, blank=True)
    student_class = models.CharField(
        _("класс"), max_length=10, blank=True, help_text=_("Для обучающихся: «7Б», «11А».")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("решение принял"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("когда решено"), null=True, blank=True)
    decision_comment = models.TextField(_("причина"), blank=True)

    objects: ClassVar[MembershipQuerySet] = MembershipQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["organization__short_name", "role"]
        verbose_name = _("роль в организации")
        verbose_name_plural = _("роли в организациях")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=models.Q(role="student") | models.Q(student_class=""),
                name="membership_class_only_for_students",
            ),
        ]
        indexes = [models.Index(fields=["organization", "role", "status"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organization}"


class ParentLink(models.Model):
    """A parent (законный представитель) linked to their child."""

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("родитель"),
        on_delete=models.CASCADE,
        related_name="children_links",
    )
    child = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ребёнок"),
        on_delete=models.CASCADE,
        related_name="parent_links",
    )

    class Meta:
        verbose_name = _("связь родителя и ребёнка")
        verbose_name_plural = _("связи родителей и детей")
        constraints = [
            models.UniqueConstraint(fields=["parent", "child"], name="parent_link_unique"),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("child")), name="parent_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent} → {self.child}"


class ApiToken(models.Model):
    """A personal token for the REST API; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("название"), max_length=100)
    key_prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("создан"), default=timezone.now)
    last_used_at = models.DateTimeField(_("последнее использование"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("отозван"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("токен API")
        verbose_name_plural = _("токены API")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class ImportBatch(TimeStampedModel):
    """A bulk import of accounts from CSV or XLSX: validated in full, then committed whole."""

    class Status(models.TextChoices):
        VALIDATING = "validating", _("проверяется")
        INVALID = "invalid", _("есть ошибки")
        READY = "ready", _("готов к импорту")
        IMPORTING = "importing", _("импортируется")
        DONE = "done", _("импортирован")
        FAILED = "failed", _("сбой")
        CANCELLED = "cancelled", _("отменён")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.VALIDATING: {Status.INVALID, Status.READY, Status.FAILED},
        Status.READY: {Status.IMPORTING, Status.CANCELLED},
        Status.INVALID: {Status.CANCELLED},
        Status.IMPORTING: {Status.DONE, Status.FAILED},
        Status.DONE: set(),
        Status.FAILED: set(),
        Status.CANCELLED: set(),
    }

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    # Set when a school head imports: every row must belong to this organization.
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Files hold minors' personal data: kept outside MEDIA_ROOT and deleted when the batch
    # ends.
    file = models.FileField(upload_to="imports/%Y/%m/", storage=private_storage)
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.VALIDATING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    send_invitations = models.BooleanField(default=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("импорт учётных записей")
        verbose_name_plural = _("импорты учётных записей")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("accounts:import_detail", args=[self.pk])

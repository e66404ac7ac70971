"""The library: materials (products of network interaction), their files and versions."""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metodset.core.models import TimeStampedModel


class MaterialType(models.Model):
    """A kind of product (конспект урока, презентация, КИМ…): rows, so a district can add its own."""

    code = models.SlugField(_("код"), max_length=40, unique=True)
    name = models.CharField(_("название"), max_length=120)
    ordering = models.PositiveSmallIntegerField(_("порядок"), default=100)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("вид материала")
        verbose_name_plural = _("виды материалов")

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    """Уровень образования (ФЗ «Об образовании», ст. 10) plus additional education."""

    PRESCHOOL = "do", _("дошкольное (ДО)")
    PRIMARY = "noo", _("начальное общее (НОО)")
    BASIC = "ooo", _("основное общее (ООО)")
    SECONDARY = "soo", _("среднее общее (СОО)")
    VOCATIONAL = "spo", _("среднее профессиональное (СПО)")
    ADDITIONAL = "dop", _("дополнительное образование")


class Licence(models.TextChoices):
    CC_BY = "cc-by", _("Creative Commons «С указанием авторства» (CC BY 4.0)")
    CC_BY_SA = "cc-by-sa", _("CC BY-SA 4.0: с указанием авторства, на тех же условиях")
    CC_BY_NC = "cc-by-nc", _("CC BY-NC 4.0: с указанием авторства, некоммерческая")
    CC_BY_NC_SA = "cc-by-nc-sa", _("CC BY-NC-SA 4.0: некоммерческая, на тех же условиях")
    CC_BY_ND = "cc-by-nd", _("CC BY-ND 4.0: без производных")
    CC_BY_NC_ND = "cc-by-nc-nd", _("CC BY-NC-ND 4.0: некоммерческая, без производных")
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("Все права защищены")


class MaterialQuerySet(models.QuerySet["Material"]):
    def published(self) -> "MaterialQuerySet":
        return self.filter(status=Material.Status.PUBLISHED)


class Material(TimeStampedModel):
    """A methodical product a teacher publishes for the network (002_… §1.5)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("черновик")
        PUBLISHED = "published", _("опубликован")
        HIDDEN = "hidden", _("скрыт модератором")

    # Hiding is moderation; returning a hidden material to the library is too.
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.PUBLISHED},
        Status.PUBLISHED: {Status.HIDDEN, Status.DRAFT},
        Status.HIDDEN: {Status.PUBLISHED},
    }

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("всем, и гостям")
        NETWORK = "network", _("только участникам сети (после входа)")

    title = models.CharField(_("название"), max_length=300)
    annotation = models.TextField(_("аннотация"), max_length=5000)
    type = models.ForeignKey(
        MaterialType, verbose_name=_("вид"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        "accounts.Subject",
        verbose_name=_("предмет"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Пусто, если материал не относится к одному предмету."),
    )
    grades = models.JSONField(
        _("классы"), default=list, blank=True, help_text=_("Номера классов 1–11.")
    )
    level = models.CharField(_("уровень образования"), max_length=8, choices=Level.choices)
    topic = models.CharField(_("тема"), max_length=300, blank=True)
    keywords = models.CharField(_("ключевые слова"), max_length=500, blank=True)
    licence = models.CharField(
        _("лицензия"), max_length=32, choices=Licence.choices, default=Licence.CC_BY
    )
    video_url = models.URLField(_("ссылка на видео"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("автор"),
        on_delete=models.PROTECT,
        related_name="materials",
    )
    coauthors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("соавторы"),
        blank=True,
        related_name="coauthored_materials",
    )
    # The author's organization when the material was published: lists and facets by school
    # must not move when the author changes school later.
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("организация"),
        on_delete=models.PROTECT,
        related_name="materials",
    )
    visibility = models.CharField(
        _("кому виден"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(
        _("состояние"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("опубликован"), null=True, blank=True, db_index=True)
    hidden_reason = models.TextField(_("причина скрытия"), blank=True)
    version = models.PositiveIntegerField(_("версия"), default=1)
    views_count = models.PositiveIntegerField(_("просмотров"), default=0)
    downloads_count = models.PositiveIntegerField(_("скачиваний"), default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(_("оценок"), default=0)

    objects: ClassVar[MaterialQuerySet] = MaterialQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("материал")
        verbose_name_plural = _("материалы")
        indexes = [
            # The catalogue: its order, and for guests also its count (covering index).
            models.Index(fields=["status", "-published_at", "-id"], name="material_newest"),
            models.Index(
                fields=["status", "visibility", "-published_at", "-id"],
                name="material_newest_public",
            ),
            models.Index(fields=["author", "status"], name="material_author"),
            models.Index(fields=["organization", "status"], name="material_organization"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="material_published_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(rating_sum__lte=models.F("rating_count") * 5),
                name="material_rating_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("materials:detail", args=[self.pk])

    @property
    def rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None


# Kinds a browser shows itself: served with ?view=1 inline instead of as an attachment.
INLINE_KINDS = frozenset({"pdf", "jpeg", "png", "gif", "webp", "mp4", "webm"})


def material_upload_to(instance: "MaterialFile", filename: str) -> str:
    now = timezone.now()
    return f"materials/{now:%Y/%m}/{instance.material_id}/{filename}"


class MaterialFile(models.Model):
    """One file of a material; a file replaced in a later version is kept for that version."""

    class Extraction(models.TextChoices):
        PENDING = "pending", _("ожидает извлечения текста")
        DONE = "done", _("текст извлечён")
        EMPTY = "empty", _("текста нет")
        FAILED = "failed", _("не удалось извлечь текст")

    class Conversion(models.TextChoices):
        NOT_NEEDED = "", _("не нужен")
        PENDING = "pending", _("готовится")
        DONE = "done", _("готов")
        UNAVAILABLE = "unavailable", _("на сервере нет LibreOffice")
        FAILED = "failed", _("не удалось подготовить")

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("файл"), upload_to=material_upload_to, max_length=400)
    original_name = models.CharField(_("имя файла"), max_length=255)
    kind = models.CharField(_("тип по содержимому"), max_length=16)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("размер, байт"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    first_version = models.PositiveIntegerField(_("с версии"))
    last_version = models.PositiveIntegerField(
        _("по версию"), null=True, blank=True, help_text=_("Пусто — файл в текущей версии.")
    )
    extraction = models.CharField(
        max_length=16, choices=Extraction.choices, default=Extraction.PENDING
    )
    extracted_text = models.TextField(blank=True)
    extraction_note = models.CharField(max_length=300, blank=True)
    # Sanitized HTML of a DOCX/ODT for reading on the page, made with the text.
    preview_html = models.TextField(blank=True)
    # A presentation or DOC file turned into PDF for reading on the page (conversion.py).
    conversion = models.CharField(
        _("просмотр в PDF"), max_length=16, choices=Conversion.choices, blank=True
    )
    viewer_pdf = models.FileField(max_length=400, blank=True)

    class Meta:
        ordering = ["material", "uploaded_at", "id"]
        verbose_name = _("файл материала")
        verbose_name_plural = _("файлы материалов")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        """The download (counted)."""
        return reverse("materials:file", args=[self.material_id, self.pk])

    @property
    def is_current(self) -> bool:
        return self.last_version is None

    @property
    def shown_inline(self) -> bool:
        """A browser shows this kind of file itself (PDF, images, video)."""
        return self.kind in INLINE_KINDS

    def viewer_url(self) -> str:
        """Where the file is read in the page without downloading, or "" when it is not."""
        if self.shown_inline:
            return f"{self.get_absolute_url()}?view=1"
        if self.conversion == self.Conversion.DONE:
            return f"{self.get_absolute_url()}?view=pdf"
        return ""


class MaterialVersion(models.Model):
    """A snapshot of a material's description as it was before an edit."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("номер"))
    snapshot = models.JSONField(_("описание"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    comment = models.CharField(_("что изменено"), max_length=300, blank=True)

    class Meta:
        ordering = ["material", "-number"]
        verbose_name = _("версия материала")
        verbose_name_plural = _("версии материалов")
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="material_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.material_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Versions are immutable.")
        super().save(*args, **kwargs)


class Comment(models.Model):
    """A comment or a reply (one level of threads is shown as a tree of any depth)."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    text = models.TextField(
        _("текст"), max_length=10000, help_text=_("Можно использовать Markdown.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_removed = models.BooleanField(_("удалён"), default=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("комментарий")
        verbose_name_plural = _("комментарии")
        indexes = [models.Index(fields=["material", "created_at"], name="comment_material")]

    def __str__(self) -> str:
        return self.text[:60]


class Rating(models.Model):
    """One person's mark of a material, 1–5; changing it replaces the earlier one."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(_("оценка"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("оценка")
        verbose_name_plural = _("оценки")
        constraints = [
            models.UniqueConstraint(fields=["material", "user"], name="rating_once_per_person"),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=5), name="rating_from_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material_id}: {self.value}"


class Fingerprint(models.Model):
    """The MinHash signature of a material's text (similarity.py), for near-duplicates."""

    material = models.OneToOneField(Material, on_delete=models.CASCADE, related_name="fingerprint")
    signature = models.BinaryField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("отпечаток текста")
        verbose_name_plural = _("отпечатки текстов")

    def __str__(self) -> str:
        return f"{self.material_id}"


class FingerprintBand(models.Model):
    """One LSH band key of a fingerprint: materials sharing a key are candidates."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["key"], name="fingerprint_band_key")]

    def __str__(self) -> str:
        return self.key


class Report(models.Model):
    """A signal to moderators: a reader's complaint, or a near copy the platform found."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("жалоба читателя")
        NEAR_COPY = "near_copy", _("почти копия другого материала")

    class Resolution(models.TextChoices):
        OPEN = "", _("не рассмотрено")
        HIDDEN = "hidden", _("материал скрыт")
        DISMISSED = "dismissed", _("оставлено без последствий")

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("вид"), max_length=16, choices=Kind.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("суть"), max_length=3000)
    original = models.ForeignKey(
        Material,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("оригинал"),
    )
    similarity = models.FloatField(_("сходство"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolution = models.CharField(
        _("решение"), max_length=16, choices=Resolution.choices, blank=True, default=""
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("сигнал модератору")
        verbose_name_plural = _("сигналы модераторам")
        indexes = [models.Index(fields=["resolution", "created_at"], name="report_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "original"],
                condition=models.Q(kind="near_copy"),
                name="report_near_copy_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.material_id}"


class Collection(models.Model):
    """A person's own list of materials («Избранное» and the ones they name)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collections"
    )
    name = models.CharField(_("название"), max_length=120)
    materials = models.ManyToManyField(Material, through="Bookmark", related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("подборка")
        verbose_name_plural = _("подборки")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="collection_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Bookmark(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="bookmarks")
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "material"], name="bookmark_once")
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}: {self.material_id}"

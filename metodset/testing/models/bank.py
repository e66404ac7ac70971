"""The question bank: a tree of categories, questions, and their immutable versions.

A question's row holds what the bank is searched and shared by (type, name, author,
school, visibility, difficulty, subject, grades, tags); the item itself — text, answers,
feedback, images — lives in its versions as `serialization.to_data` writes it, so a
finished test can keep pointing at the version its students answered.
"""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metodset.accounts.models import private_storage
from metodset.core.models import TimeStampedModel
from metodset.testing.formats.items import ItemType

NAME_LENGTH = 255
# The formats' names of the types; the pages will give them Russian labels.
TYPE_CHOICES = [(item_type.value, item_type.value) for item_type in ItemType]


class Category(models.Model):
    """A node of the bank's tree: «Математика / 5 класс / Дроби»."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("родительская категория"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("название"), max_length=NAME_LENGTH)
    district = models.ForeignKey(
        "accounts.District",
        verbose_name=_("район"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Пусто — категория общая для всей сети."),
    )
    position = models.PositiveIntegerField(_("порядок"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("категория вопросов")
        verbose_name_plural = _("категории вопросов")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="testing_category_unique"),
            # NULL parents are distinct to a unique index: the top level needs its own.
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="testing_category_unique_top",
            ),
        ]

    def __str__(self) -> str:
        return " / ".join(self.path())

    def path(self) -> list[str]:
        """The names from the top of the tree down to this category (one query a level)."""
        names = [self.name]
        node = self
        while node.parent_id is not None:
            node = Category.objects.only("name", "parent").get(pk=node.parent_id)
            names.append(node.name)
        return names[::-1]


class Question(TimeStampedModel):
    """A question of the bank; its content is the current version's."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("только автору")
        SCHOOL = "school", _("педагогам своей школы")
        NETWORK = "network", _("педагогам всей сети")

    category = models.ForeignKey(
        Category, verbose_name=_("категория"), on_delete=models.PROTECT, related_name="questions"
    )
    type = models.CharField(_("тип"), max_length=32, choices=TYPE_CHOICES)
    name = models.CharField(_("название"), max_length=NAME_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("автор"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("школа"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    visibility = models.CharField(
        _("кому виден"), max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    difficulty = models.PositiveSmallIntegerField(
        _("сложность"), null=True, blank=True, help_text=_("От 1 (легко) до 5 (трудно).")
    )
    subject = models.ForeignKey(
        "accounts.Subject",
        verbose_name=_("предмет"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grades = models.JSONField(
        _("классы"), default=list, blank=True, help_text=_("Номера классов 1–11.")
    )
    tags = models.JSONField(_("метки"), default=list, blank=True)
    current_version = models.PositiveIntegerField(_("текущая версия"), default=1)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("скопирован из"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    is_archived = models.BooleanField(
        _("в архиве"),
        default=False,
        help_text=_("Вопрос из архива не попадает в новые тесты; прошедшие тесты его хранят."),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("вопрос")
        verbose_name_plural = _("вопросы")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(difficulty__isnull=True)
                | models.Q(difficulty__gte=1, difficulty__lte=5),
                name="testing_question_difficulty_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=["private", "school", "network"]),
                name="testing_question_visibility",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "id"], name="testing_question_category"),
            models.Index(fields=["visibility", "organization"], name="testing_question_shared"),
            models.Index(fields=["author", "-id"], name="testing_question_author"),
        ]

    def __str__(self) -> str:
        return self.name


class QuestionVersion(models.Model):
    """The whole item as it was at one version (`serialization.to_data`); never changed."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("номер"))
    data = models.JSONField(_("содержание"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question", "-number"]
        verbose_name = _("версия вопроса")
        verbose_name_plural = _("версии вопросов")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="testing_question_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Versions are immutable.")
        super().save(*args, **kwargs)


def import_upload_to(instance: "ImportJob", filename: str) -> str:
    return timezone.now().strftime("testing/imports/%Y/%m/") + filename


class ImportJob(TimeStampedModel):
    """One file a teacher imports: read for the preview, saved in the background on
    confirmation, with the progress the page polls."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("проверен, ждёт подтверждения")
        QUEUED = "queued", _("в очереди")
        RUNNING = "running", _("сохраняется")
        DONE = "done", _("сохранён")
        FAILED = "failed", _("не удался")
        CANCELLED = "cancelled", _("отменён")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PREVIEW: {Status.QUEUED, Status.CANCELLED},
        Status.QUEUED: {Status.RUNNING, Status.FAILED},
        Status.RUNNING: {Status.DONE, Status.FAILED},
        Status.DONE: set(),
        Status.FAILED: set(),
        Status.CANCELLED: set(),
    }

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто импортирует"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file = models.FileField(
        _("файл"), upload_to=import_upload_to, storage=private_storage, max_length=300
    )
    original_name = models.CharField(_("имя файла"), max_length=255)
    format = models.CharField(_("формат"), max_length=16)
    category_path = models.JSONField(_("в категорию"), default=list, blank=True)
    visibility = models.CharField(
        _("кому видны вопросы"),
        max_length=16,
        choices=Question.Visibility.choices,
        default=Question.Visibility.PRIVATE,
    )
    status = models.CharField(
        _("состояние"), max_length=16, choices=Status.choices, default=Status.PREVIEW
    )
    total = models.PositiveIntegerField(_("найдено вопросов"), default=0)
    saved = models.PositiveIntegerField(_("сохранено вопросов"), default=0)
    errors = models.JSONField(
        _("ошибки"),
        default=list,
        blank=True,
        help_text=_("Каждая: строка, элемент, причина."),
    )
    failure = models.TextField(_("причина сбоя"), blank=True)
    finished_at = models.DateTimeField(_("завершён"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("импорт вопросов")
        verbose_name_plural = _("импорты вопросов")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["preview", "queued", "running", "done", "failed", "cancelled"]
                ),
                name="testing_import_status",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

"""The test bank in the admin: categories and questions to repair, imports, tests and
testing sessions to look into. Versions, imports and attempts are records: read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from metodset.testing.models import (
    Attempt,
    Category,
    ImportJob,
    Question,
    QuestionVersion,
    Quiz,
    QuizSlot,
    Sitting,
    SittingTarget,
)


class ReadOnlyMixin:
    """Rows the services write and history relies on: shown, never changed here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["name", "parent", "district", "position"]
    list_filter = ["district"]
    search_fields = ["name"]
    raw_id_fields = ["parent"]


class QuestionVersionInline(ReadOnlyMixin, admin.TabularInline[QuestionVersion, Question]):
    model = QuestionVersion
    extra = 0
    fields = ["number", "created_by", "created_at", "data"]
    readonly_fields = ["number", "created_by", "created_at", "data"]
    ordering = ["-number"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin[Question]):
    list_display = [
        "name",
        "type",
        "category",
        "author",
        "visibility",
        "current_version",
        "is_archived",
    ]
    list_filter = ["type", "visibility", "is_archived", "difficulty"]
    search_fields = ["name", "author__email", "author__last_name"]
    raw_id_fields = ["category", "author", "organization", "copied_from"]
    readonly_fields = ["type", "current_version", "created_at", "updated_at"]
    list_select_related = ["category", "author"]
    inlines = [QuestionVersionInline]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyMixin, admin.ModelAdmin[ImportJob]):
    list_display = ["original_name", "author", "format", "status", "total", "saved", "created_at"]
    list_filter = ["status", "format"]
    search_fields = ["original_name", "author__email"]
    list_select_related = ["author"]


class QuizSlotInline(admin.TabularInline[QuizSlot, Quiz]):
    model = QuizSlot
    extra = 0
    raw_id_fields = ["question", "category"]
    ordering = ["position"]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin[Quiz]):
    list_display = ["title", "author", "visibility", "created_at"]
    list_filter = ["visibility", "review"]
    search_fields = ["title", "author__email", "author__last_name"]
    raw_id_fields = ["author", "organization"]
    list_select_related = ["author"]
    inlines = [QuizSlotInline]


class SittingTargetInline(admin.TabularInline[SittingTarget, Sitting]):
    model = SittingTarget
    extra = 0
    raw_id_fields = ["organization", "group"]


@admin.register(Sitting)
class SittingAdmin(admin.ModelAdmin[Sitting]):
    list_display = ["title", "quiz", "district", "opens_at", "closes_at", "is_cancelled"]
    list_filter = ["is_cancelled", "district"]
    search_fields = ["title"]
    raw_id_fields = ["quiz", "created_by"]
    list_select_related = ["quiz", "district"]
    inlines = [SittingTargetInline]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyMixin, admin.ModelAdmin[Attempt]):
    list_display = [
        "sitting",
        "student",
        "number",
        "organization",
        "student_class",
        "status",
        "percent",
        "mark",
        "needs_grading",
    ]
    list_filter = ["status", "finish", "needs_grading", "journal"]
    search_fields = ["student__email", "student__last_name", "sitting__title"]
    list_select_related = ["sitting", "student", "organization"]

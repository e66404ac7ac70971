"""Rubrics (наборы критериев) are kept in the admin: a district's methodists add and edit
their district's sets and see the shared ones; the platform's shared sets are changed by
a superuser. Submissions are read here only, for support: the workflow runs on the pages."""

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from metodset.expertise import permissions
from metodset.expertise.models import Assignment, CriteriaSet, Criterion, Submission


def _may_change(request: HttpRequest, criteria_set: CriteriaSet | None) -> bool:
    """A shared set (no district) only by a superuser; a district's by its methodists."""
    if criteria_set is None or request.user.is_superuser:
        return True
    district = criteria_set.district
    return district is not None and permissions.manages_district(request.user, district)


class CriterionInline(admin.TabularInline[Criterion, CriteriaSet]):
    model = Criterion
    fields = ["position", "title", "description", "max_score"]
    extra = 1
    ordering = ["position", "pk"]

    # `obj` is the criteria set: its criteria change with it.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and _may_change(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and _may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and _may_change(request, obj)


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin[CriteriaSet]):
    list_display = ["title", "purpose", "district", "is_active"]
    list_filter = ["purpose", "is_active", "district"]
    search_fields = ["title"]
    inlines = [CriterionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CriteriaSet]:
        """The shared sets and those of the districts the person manages."""
        queryset = super().get_queryset(request).select_related("district")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            Q(district__isnull=True)
            | Q(district__in=permissions.protocol_districts_for(request.user))
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "district":
            kwargs["queryset"] = permissions.protocol_districts_for(request.user)
            if not request.user.is_superuser:
                kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and _may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and _may_change(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["material", "district", "purpose", "status", "decision", "received_at"]
    list_filter = ["status", "decision", "purpose", "district"]
    search_fields = ["material__title"]
    list_select_related = ["material", "district"]
    date_hierarchy = "received_at"


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["submission", "round", "expert", "status", "due_on"]
    list_filter = ["status"]
    list_select_related = ["submission__material", "expert"]

from django.contrib import admin

from metodset.core.models import AcademicYear, AuditEntry


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin[AcademicYear]):
    list_display = ["__str__", "starts_on", "ends_on"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["created_at", "actor", "action", "target_repr", "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["target_repr", "comment"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

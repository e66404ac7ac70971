from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from metodset.accounts.models import (
    ApiToken,
    District,
    ImportBatch,
    Membership,
    Organization,
    OrganizationKind,
    ParentLink,
    Region,
    Subject,
    User,
)


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organization"]
    readonly_fields = ["decided_by", "decided_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "last_name", "first_name", "patronymic", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "memberships__role", "qualification_category"]
    search_fields = ["email", "last_name", "first_name", "patronymic"]
    filter_horizontal = ["subjects", "groups", "user_permissions"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("ФИО и работа"),
            {
                "fields": (
                    "last_name",
                    "first_name",
                    "patronymic",
                    "position",
                    "subjects",
                    "qualification_category",
                    "about",
                    "photo",
                )
            },
        ),
        (
            _("Права"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Даты"), {"fields": ("last_login", "date_joined", "deactivated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "last_name", "first_name", "password1", "password2"),
            },
        ),
    )


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    search_fields = ["name"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin[District]):
    list_display = ["name", "region", "slug", "time_zone"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(OrganizationKind)
class OrganizationKindAdmin(admin.ModelAdmin[OrganizationKind]):
    list_display = ["name", "code", "is_education_authority", "has_students", "ordering"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ["short_name", "kind", "district", "is_active"]
    list_filter = ["is_active", "kind", "district"]
    search_fields = ["name", "short_name"]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin[Subject]):
    list_display = ["name", "ordering"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "organization", "role", "status", "student_class"]
    list_filter = ["role", "status"]
    search_fields = ["user__last_name", "user__email", "organization__short_name"]
    autocomplete_fields = ["user", "organization"]
    raw_id_fields = ["decided_by"]


@admin.register(ParentLink)
class ParentLinkAdmin(admin.ModelAdmin[ParentLink]):
    autocomplete_fields = ["parent", "child"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_prefix", "key_hash"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    list_display = [
        "original_name",
        "uploaded_by",
        "status",
        "total_rows",
        "created_count",
        "created_at",
    ]
    list_filter = ["status"]

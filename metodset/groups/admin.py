from django.contrib import admin

from metodset.groups.models import GroupKind


@admin.register(GroupKind)
class GroupKindAdmin(admin.ModelAdmin[GroupKind]):
    """A district adds its own kinds of groups."""

    list_display = ["name", "abbreviation", "code", "founding", "ordering"]
    list_editable = ["ordering"]
    search_fields = ["name", "code"]

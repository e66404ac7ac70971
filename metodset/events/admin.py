from django.contrib import admin

from metodset.events.models import EventKind


@admin.register(EventKind)
class EventKindAdmin(admin.ModelAdmin[EventKind]):
    """A district adds its own kinds of events."""

    list_display = ["name", "code", "for_students", "ordering"]
    list_editable = ["ordering"]
    search_fields = ["name", "code"]

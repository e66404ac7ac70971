from django.contrib import admin

from metodset.notifications.models import EmailPreference, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient"]


@admin.register(EmailPreference)
class EmailPreferenceAdmin(admin.ModelAdmin[EmailPreference]):
    list_display = ["user", "kind", "send_email"]
    raw_id_fields = ["user"]

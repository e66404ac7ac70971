from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Workflows: a teacher, a school head, a group leader or a methodist organizes an event
    (kind, organizers, audience, format, sessions, places, registration deadline, approval)
    and announces it; participants register or are registered by their school head, wait in
    a list that moves up by itself, cancel, are reminded a day and an hour before; the
    organizer approves requests, exports the list, marks attendance, issues participation
    and speaker certificates, attaches materials and a report; participants leave feedback.
    Road maps (сетевые графики) plan joint events of schools by month for an academic year;
    a line becomes an event and is held, moved or cancelled. Calendars: list, month, «мои»,
    the district's public афиша and iCalendar feeds (personal, organization, group)."""

    name = "metodset.events"
    label = "events"
    verbose_name = _("Мероприятия")

    def ready(self) -> None:
        # Notification kinds and audit labels, sections of other pages, the library's
        # publication places and the periodic reminders.
        from metodset.core import periodic
        from metodset.events import places, sections, services  # noqa: F401

        periodic.register("events.remind_participants")(services.remind_participants)

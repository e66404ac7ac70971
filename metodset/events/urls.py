"""Events, calendars and feeds, road maps: /events/…"""

from metodset.events.views import calendar, event_pages, feeds, participants, roadmaps

app_name = "events"
urlpatterns = [
    *calendar.urlpatterns,
    *feeds.urlpatterns,
    *roadmaps.urlpatterns,
    *event_pages.urlpatterns,
    *participants.urlpatterns,
]

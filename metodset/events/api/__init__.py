"""Events, registration and road maps in the REST API: the calendar and one event, create,
change, announce and cancel it; register (oneself or others), the waiting list, the
organizer's decision, attendance, certificates, feedback; road maps with their lines —
with the pages' permissions (`events.permissions`) and the pages' services.

Times go out in the event's district's zone (ISO 8601 with the offset). Times coming in
may carry an offset; a time without one is read in the district's zone of the event (of
its organizers, for a new one), as the pages read what people type.

The OpenAPI texts are plain Russian strings rather than gettext, as in accounts.api: the
schema is built once at import, before any request chooses a language.

Each module brings its own `Router()` and this one gathers them under one tag. The
operation ids are spelled out in each endpoint: ninja would derive them from the module
(`metodset_events_api_events_…`), and clients generated from the schema keep the ids
they had when the API was one module, `metodset_events_api_<function>`."""

from ninja import Router

from metodset.events.api import events, registration, roadmaps

router = Router(tags=["Мероприятия"])
router.add_router("", events.router)
router.add_router("", registration.router)
router.add_router("", roadmaps.router)

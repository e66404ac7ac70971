"""The expertise in the REST API: submit a material, follow it, withdraw or resubmit it;
the department's queue with the ten-day term, experts assigned (conflicts of interest
refused with their reasons), the decision with its certificates; an expert's assignments,
score sheets, declining and scoring; the «Лучшие практики» showcase — with the pages'
permissions (`expertise.permissions`) and the pages' services.

The blind review holds here as on the pages: whatever names the author (name, school,
submitting group, who handed the product in) is null for a viewer
`permissions.sees_author` does not allow, and reviews reach the author anonymized
(«Эксперт 1»…) unless `permissions.sees_experts`.

The OpenAPI texts are plain Russian strings rather than gettext, as in accounts.api: the
schema is built once at import, before any request chooses a language. Operation ids are
spelled out in each endpoint, as in events.api, so that they do not follow the modules."""

from ninja import Router

from metodset.expertise.api import reviews, submissions

router = Router(tags=["Экспертиза"])
router.add_router("", submissions.router)
router.add_router("", reviews.router)

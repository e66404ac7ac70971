"""The test bank in the REST API: the bank's questions and categories, importing and
exporting files, tests and their places, sittings, attempts and results — with the pages'
permissions (`permissions` for the bank, `access` for the rest) and the pages' services.

Times go out in the sitting's district's zone (ISO 8601 with the offset); a time coming
in without an offset is read in the district's zone of the first school it is for.

The OpenAPI texts are plain Russian strings rather than gettext, as in accounts.api: the
schema is built once at import, before any request chooses a language. Each module brings
its own `Router()` with its tag; this one gathers them.
"""

from ninja import Router

from metodset.testing.api import attempts, bank, quizzes, sittings

router = Router()
router.add_router("", bank.router)
router.add_router("", quizzes.router)
router.add_router("", sittings.router)
router.add_router("", attempts.router)

__all__ = ["router"]

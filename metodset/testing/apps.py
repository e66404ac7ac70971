from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingConfig(AppConfig):
    """Workflows: a teacher imports a GIFT, Moodle XML or Aiken file into the question bank
    (a preview of every item and error first, nothing saved while errors remain) and exports
    the questions they see back to a file (`services.import_items`, `services.export_items`,
    the `import_questions` and `export_questions` commands). Questions live in a tree of
    categories, are private, shared with the school or with the network, and keep immutable
    versions. Tests, testing sessions, attempts and results will build on these."""

    name = "metodset.testing"
    label = "testing"
    verbose_name = _("Банк тестов")

    def ready(self) -> None:
        # Register the audit actions' Russian names.
        from metodset.testing import services  # noqa: F401

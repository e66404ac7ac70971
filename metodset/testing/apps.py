from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingConfig(AppConfig):
    """Workflows: a teacher imports a GIFT, Moodle XML or Aiken file into the question bank
    (a preview of every item and error first, nothing saved while errors remain) and exports
    the questions they see back to a file (`services.import_items`, `services.export_items`,
    the `import_questions` and `export_questions` commands). Questions live in a tree of
    categories, are private, shared with the school or with the network, and keep immutable
    versions. A teacher assembles a test from fixed questions and random draws
    (`services.quizzes`), gives it to classes of one or several schools for a window of time
    (`services.sittings.create_sitting`); a student takes it with every answer saved on the
    server (`services.attempts`: `start_attempt`, `save_answer`, `submit_attempt`); a teacher
    grades essays, the student decides whether the mark goes to the class journal, a wrong
    key is corrected and re-graded (`services.results`)."""

    name = "metodset.testing"
    label = "testing"
    verbose_name = _("Банк тестов")

    def ready(self) -> None:
        # Register the audit actions' Russian names and the sweep that finishes attempts
        # whose time ran out while nobody looked.
        from metodset.core import memory, periodic
        from metodset.testing import services
        from metodset.testing.services.attempts import item_of_version

        memory.register(item_of_version.cache_clear)
        periodic.register("testing.finish_overdue_attempts")(services.finish_overdue_attempts)

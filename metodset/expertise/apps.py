from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertiseConfig(AppConfig):
    """Workflows: an author (or an РПГ's leader for its product) submits a material for
    expertise with a purpose; the department sees the queue with the ten-day term
    (`002_…` §3.3), assigns at least two experts of the РМС (conflicts of interest are
    refused), reassigns when one declines; experts fill score sheets by a rubric, blind if
    chosen; the department compares the reviews (a large spread asks for a third expert)
    and decides — recommended (publication, conference, dissemination), back for revision
    (the author resubmits, the reviewers see what changed) or rejected with reasons;
    certificates for the author and the experts; the «Лучшие практики» showcase; the
    protocol of an РМС session (DOCX); each expert's page."""

    name = "metodset.expertise"
    label = "expertise"
    verbose_name = _("Экспертиза")

    def ready(self) -> None:
        from metodset.core import periodic
        from metodset.expertise import marks, services  # noqa: F401

        periodic.register("expertise.remind")(services.remind_of_terms)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    """Workflows: a teacher, a school or the department applies for an РПГ (district problem
    group); the participants agree; the department decides within seven days — approves by
    an order (приказ, DOCX with the composition) and the group is created, or rejects with
    reasons and the applicant resubmits. The district founds РМО and other groups and
    appoints leaders; leaders manage membership (requests, invitations, removal), the plan
    of work and the discussion; members publish materials into the group; at the end of its
    term an РПГ submits its product and report and is closed, read-only."""

    name = "metodset.groups"
    label = "groups"
    verbose_name = _("Объединения педагогов")

    def ready(self) -> None:
        # Notification kinds, the audit's labels, people's and organizations' sections,
        # the library's publication places and the periodic reminders.
        from metodset.core import periodic
        from metodset.groups import places, sections, services  # noqa: F401

        periodic.register("groups.remind_of_decisions")(services.remind_of_decisions)

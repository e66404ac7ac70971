from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Workflows: people and organizations of a district and region — create, edit and
    deactivate organizations and accounts; bulk import of accounts from CSV/XLSX with
    invitations; a teacher's self-registration and its confirmation by the school head or
    the district; log in, reset a password, edit one's profile; public pages of teachers and
    organizations; roles and who may see what (permissions.py); personal API tokens."""

    name = "metodset.accounts"
    label = "accounts"
    verbose_name = _("Люди и организации")

    def ready(self) -> None:
        # Registers this app's notification kinds for the preferences page.
        from metodset.accounts import services  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    """Workflows: a teacher creates a material (draft), attaches files checked by content,
    publishes it; edits keep earlier versions; the author withdraws it; a moderator (the
    district's methodist, or the school head for their school) hides it with a reason and
    returns it. Viewing online, comments, ratings, search and near-duplicates build on these."""

    name = "metodset.materials"
    label = "materials"
    verbose_name = _("Библиотека материалов")

    def ready(self) -> None:
        # Register notification kinds and the sections of people's and organizations' pages.
        from metodset.core import guestcache
        from metodset.materials import pagecache, sections, services  # noqa: F401

        # Guests' kept pages follow the library's generation; a kept material page still
        # counts its view.
        guestcache.register_prefix("/materials/")
        guestcache.register_part(pagecache.generation, forget=pagecache.forget_local)
        guestcache.register_hit("materials.view", services.count_view)

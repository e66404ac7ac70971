from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Workflows: index a material (add, replace, remove) as plain values, rebuild the
    whole index (`reindex`), and search it in Russian — morphology, phrases, minus words,
    typos and the other keyboard layout, facets, sorting and permission filtering inside
    the engine query. The index lives in `settings.SEARCH_INDEX_DIR`."""

    name = "metodset.search"
    label = "search"
    verbose_name = _("Поиск")

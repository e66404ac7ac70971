"""The site's URL map: each app brings its own urls module."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from metodset.api import api
from metodset.core.views import healthz

admin.site.site_header = _("Методсеть: администрирование")
admin.site.site_title = _("Методсеть")
admin.site.index_title = _("Управление платформой")

urlpatterns = [
    path("", include("metodset.core.urls")),
    path("", include("metodset.accounts.urls")),
    path("notifications/", include("metodset.notifications.urls")),
    path("materials/", include("metodset.materials.urls")),
    path("groups/", include("metodset.groups.urls")),
    path("certificates/", include("metodset.certificates.urls")),
    path("events/", include("metodset.events.urls")),
    path("expertise/", include("metodset.expertise.urls")),
    path("testing/", include("metodset.testing.urls")),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

from django.urls import path

from metodset.core import views

app_name = "core"

urlpatterns = [
    path("accessibility/", views.accessibility_update, name="accessibility"),
]

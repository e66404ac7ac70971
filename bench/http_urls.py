"""Metodset's URLs plus /bench/hello/: the same middleware, no work, for the baseline."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Привет")


urlpatterns = [
    path("bench/hello/", hello),
    path("", include("metodset.urls")),
]

"""Settings of the site under `library_http.py`: Metodset's own, plus a bare view."""

from metodset.settings import *  # noqa: F403

ROOT_URLCONF = "http_urls"

"""Expertise: /expertise/…"""

from metodset.expertise.views import experts, protocols, showcase, submissions

app_name = "expertise"
urlpatterns = [
    *submissions.urlpatterns,
    *experts.urlpatterns,
    *showcase.urlpatterns,
    *protocols.urlpatterns,
]

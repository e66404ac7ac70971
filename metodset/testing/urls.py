"""The test bank, tests, testing sessions, attempts and results: /testing/…"""

from metodset.testing.views import attempts, bank, files, imports, quizzes, results, sittings

app_name = "testing"
urlpatterns = [
    *bank.urlpatterns,
    *imports.urlpatterns,
    *quizzes.urlpatterns,
    *sittings.urlpatterns,
    *attempts.urlpatterns,
    *results.urlpatterns,
    *files.urlpatterns,
]

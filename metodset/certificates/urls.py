from django.urls import path

from metodset.certificates import views

app_name = "certificates"

# A verification code is secrets.token_urlsafe(): letters, digits, "-" and "_" — a slug.
urlpatterns = [
    path("", views.my_certificates, name="mine"),
    path("<slug:code>/", views.verify, name="verify"),
    path("<slug:code>/pdf", views.download_pdf, name="pdf"),
    path("<slug:code>/revoke", views.revoke, name="revoke"),
]

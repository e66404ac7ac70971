"""Certificates in the admin: listed and read, never added, edited or deleted there."""

from typing import Any

import pytest

from metodset.accounts.models import User
from metodset.certificates.models import Certificate

pytestmark = pytest.mark.django_db


def test_admin_lists_and_shows_but_does_not_change(client: Any, certificate: Certificate) -> None:
    superuser = User.objects.create_superuser("root@metodset.test", "x", last_name="Корнев")
    client.force_login(superuser, backend="metodset.accounts.backends.EmailBackend")

    listing = client.get("/admin/certificates/certificate/")
    detail = client.get(f"/admin/certificates/certificate/{certificate.pk}/change/")

    assert listing.status_code == 200
    assert certificate.number in listing.content.decode()
    assert "Учителева Анна Павловна" in listing.content.decode()
    assert detail.status_code == 200
    assert certificate.statement in detail.content.decode()
    assert client.get("/admin/certificates/certificate/add/").status_code == 403
    assert (
        client.post(f"/admin/certificates/certificate/{certificate.pk}/delete/").status_code == 403
    )
    assert Certificate.objects.filter(pk=certificate.pk).exists()

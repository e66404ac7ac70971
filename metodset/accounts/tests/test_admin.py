"""The Django admin: reached by methodists through their role, with Russian labels."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_django_admin_is_for_methodists_only(methodist: Any, teacher: Any, world: Any) -> None:
    from metodset.accounts import services

    services.sync_admin_access(methodist)
    staff = Client()
    staff.force_login(methodist, backend="metodset.accounts.backends.EmailBackend")
    page = staff.get("/admin/")
    assert page.status_code == 200
    assert "Предметы" in page.content.decode()
    assert staff.get("/admin/accounts/subject/add/").status_code == 200
    assert staff.get("/admin/accounts/user/").status_code == 403
    other = Client()
    other.force_login(teacher, backend="metodset.accounts.backends.EmailBackend")
    assert other.get("/admin/").status_code == 302

"""How pages call services: a refusal of rights is 403, another refusal an error of the
form, anything else goes up untouched."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied

from metodset.core.actions import refusals_into
from metodset.core.exceptions import DomainError, PermissionDeniedError


class NoteForm(forms.Form):
    note = forms.CharField()


def test_a_domain_refusal_becomes_an_error_of_the_form() -> None:
    form = NoteForm({"note": "текст"})
    assert form.is_valid()
    with refusals_into(form) as outcome:
        raise DomainError("Так нельзя.")
    assert not outcome.ok
    assert form.non_field_errors() == ["Так нельзя."]
    assert form.data["note"] == "текст"


def test_a_refusal_of_rights_is_403_and_other_errors_pass() -> None:
    form = NoteForm({"note": "текст"})
    form.is_valid()
    with pytest.raises(PermissionDenied), refusals_into(form):
        raise PermissionDeniedError("Нет прав.")
    with pytest.raises(ValueError, match="boom"), refusals_into(form):
        raise ValueError("boom")
    with refusals_into(form) as outcome:
        pass
    assert outcome.ok

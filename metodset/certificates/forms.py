from django import forms
from django.utils.translation import gettext_lazy as _

from metodset.core.forms import StyledForm


class RevokeForm(StyledForm):
    reason = forms.CharField(
        label=_("Причина аннулирования"),
        help_text=_("Её увидит каждый, кто откроет страницу проверки сертификата."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

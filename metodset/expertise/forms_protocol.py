"""The form of an РМС session's protocol; the rules live in `services.create_protocol`."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts.models import User
from metodset.core.forms import StyledForm
from metodset.expertise.models import Submission, Verdict

CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class MemberChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class SubmissionChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """«Title» — the author, the decision and its date; a product already in a protocol
    says in which."""

    def label_from_instance(self, obj: Any) -> str:
        label = _("«%(title)s» — %(author)s: %(decision)s") % {
            "title": obj.material.title,
            "author": obj.material.author.short_name,
            "decision": Verdict(obj.decision).label if obj.decision in Verdict.values else "—",
        }
        if obj.decided_at:
            label += f" ({timezone.localdate(obj.decided_at):%d.%m.%Y})"
        numbers = [str(p.number) for p in obj.protocols.all()]
        if numbers:
            label += " · " + _("в протоколе № %(numbers)s") % {"numbers": ", ".join(numbers)}
        return label


class ProtocolForm(StyledForm):
    number = forms.CharField(label=gettext_lazy("Номер протокола"), max_length=40)
    held_on = forms.DateField(
        label=gettext_lazy("Дата заседания"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    chair = forms.CharField(
        label=gettext_lazy("Председатель"),
        max_length=200,
        help_text=gettext_lazy("Фамилия и инициалы, как в подписи."),
    )
    secretary = forms.CharField(label=gettext_lazy("Секретарь"), max_length=200)
    members = MemberChoiceField(
        label=gettext_lazy("Присутствовали (члены экспертного совета района)"),
        queryset=User.objects.none(),
        required=False,
        widget=CHECKBOXES,
    )
    submissions = SubmissionChoiceField(
        label=gettext_lazy("Рассмотренные материалы"),
        queryset=Submission.objects.none(),
        widget=CHECKBOXES,
        help_text=gettext_lazy(
            "Отмечены материалы, решение по которым принято после предыдущего протокола."
        ),
        error_messages={"required": gettext_lazy("Выберите рассмотренные материалы.")},
    )

    def __init__(
        self,
        *args: Any,
        members: QuerySet[User],
        submissions: QuerySet[Submission],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members  # type: ignore[attr-defined]
        self.fields["submissions"].queryset = submissions  # type: ignore[attr-defined]

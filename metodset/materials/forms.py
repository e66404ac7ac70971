"""Forms of the library; the rules live in the services and core.uploads."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from metodset.accounts.models import Subject
from metodset.core.forms import StyledForm
from metodset.materials.models import Level, Licence, Material, MaterialType

GRADE_CHOICES = [(grade, str(grade)) for grade in range(1, 12)]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by content in the view's service call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class MaterialForm(StyledForm):
    title = forms.CharField(label=_("Название"), max_length=300)
    annotation = forms.CharField(
        label=_("Аннотация"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("О чём материал, для кого и как его использовать."),
    )
    type = forms.ModelChoiceField(
        label=_("Вид материала"), queryset=MaterialType.objects.all(), empty_label=_("— выберите —")
    )
    subject = forms.ModelChoiceField(
        label=_("Предмет"),
        queryset=Subject.objects.all(),
        required=False,
        empty_label=_("— не относится к одному предмету —"),
    )
    level = forms.ChoiceField(
        label=_("Уровень образования"), choices=[("", _("— выберите —")), *Level.choices]
    )
    grades = forms.TypedMultipleChoiceField(
        label=_("Классы"),
        choices=GRADE_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topic = forms.CharField(label=_("Тема"), max_length=300, required=False)
    keywords = forms.CharField(
        label=_("Ключевые слова"), max_length=500, required=False, help_text=_("Через запятую.")
    )
    licence = forms.ChoiceField(label=_("Лицензия"), choices=Licence.choices, initial=Licence.CC_BY)
    visibility = forms.ChoiceField(
        label=_("Кому виден"),
        choices=Material.Visibility.choices,
        initial=Material.Visibility.PUBLIC,
    )
    video_url = forms.URLField(label=_("Ссылка на видео"), required=False, assume_scheme="https")

    def __init__(
        self, *args: Any, places: list[tuple[Any, list[Any]]] | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        if places:
            # Where else the author may publish: their groups (see materials.places).
            self.fields["place"] = forms.ChoiceField(
                label=_("Опубликовать также в"),
                choices=[
                    ("", _("— только в библиотеке —")),
                    *[(str(label), [(p.key, p.title) for p in items]) for label, items in places],
                ],
                required=False,
                help_text=_("Материал появится на странице объединения, когда будет опубликован."),
            )
            self.fields["place"].widget.attrs["class"] = "form-select"


class FilesForm(StyledForm):
    attachments = MultipleFileField(
        label=_("Файлы"),
        required=False,
        help_text=_(
            "DOCX, DOC, ODT, PDF, PPTX, PPT, ODP, XLSX, изображения, видео MP4/WebM, ZIP. До 50 МБ, видео до 200 МБ."
        ),
    )


class ReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("Причина"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

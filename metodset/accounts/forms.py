"""Forms of people and organizations. Validation that is a rule of the domain lives in the
services; forms check shape and types and keep what the user typed."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from metodset.accounts.models import Organization, OrganizationKind, Role, Subject, User
from metodset.core.forms import StyledForm, StyledFormMixin, StyledModelForm


class LoginForm(StyledFormMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Неверный e-mail или пароль. Проверьте раскладку клавиатуры и Caps Lock."
        ),
        "inactive": _("Учётная запись отключена."),
    }

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email and password:
            pending = User.objects.filter(
                email__iexact=email, is_active=False, memberships__status="pending"
            ).first()
            if pending is not None and pending.check_password(password):
                raise ValidationError(
                    _(
                        "Ваша регистрация ещё не подтверждена. Руководитель вашей организации или "
                        "управление образования получили заявку; после подтверждения придёт письмо."
                    ),
                    code="pending",
                )
        return super().clean()


class PasswordResetStyledForm(StyledFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email: str) -> Any:
        # Invited people have no usable password yet and must still be able to set one.
        return (u for u in User.objects.filter(email__iexact=email, is_active=True))


if TYPE_CHECKING:
    _SetPasswordForm = auth_forms.SetPasswordForm[User]
else:  # generic only in django-stubs
    _SetPasswordForm = auth_forms.SetPasswordForm


class SetPasswordStyledForm(StyledFormMixin, _SetPasswordForm):
    pass


class PasswordChangeStyledForm(StyledFormMixin, auth_forms.PasswordChangeForm):
    pass


def organization_choices() -> QuerySet[Organization]:
    return (
        Organization.objects.active()
        .select_related("district", "kind")
        .order_by("district__name", "short_name")
    )


class OrganizationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Organization) -> str:
        district = obj.district.name if obj.district else _("регион")
        return f"{obj.short_name} ({district})"


class SubjectsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    widget = forms.SelectMultiple(attrs={"size": 8})


class RegistrationForm(StyledForm):
    last_name = forms.CharField(label=_("Фамилия"), max_length=100)
    first_name = forms.CharField(label=_("Имя"), max_length=100)
    patronymic = forms.CharField(label=_("Отчество"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    organization = OrganizationChoiceField(
        label=_("Организация, где вы работаете"),
        queryset=Organization.objects.none(),
        empty_label=_("— выберите —"),
    )
    position = forms.CharField(
        label=_("Должность"),
        max_length=200,
        required=False,
        help_text=_("Например: учитель математики."),
    )
    subjects = SubjectsField(label=_("Предметы"), queryset=Subject.objects.all(), required=False)
    password1 = forms.CharField(
        label=_("Пароль"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("Пароль ещё раз"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    consent = forms.BooleanField(
        label=_("Я согласен(на) на обработку персональных данных (152-ФЗ) для работы в Методсети."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organization_choices().filter(  # type: ignore[attr-defined]
            kind__is_education_authority=False
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Пароли не совпадают."))
        elif p1:
            probe = User(
                email=data.get("email", ""),
                last_name=data.get("last_name", ""),
                first_name=data.get("first_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class InvitationPasswordForm(SetPasswordStyledForm):
    pass


class ProfileForm(StyledModelForm):
    subjects = SubjectsField(label=_("Предметы"), queryset=Subject.objects.all(), required=False)
    remove_photo = forms.BooleanField(label=_("Удалить фотографию"), required=False)

    class Meta:
        model = User
        fields = [
            "last_name",
            "first_name",
            "patronymic",
            "position",
            "subjects",
            "qualification_category",
            "about",
            "photo",
        ]
        widgets = {
            "about": forms.Textarea(attrs={"rows": 5}),
            "photo": forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "size"):
            if photo.size > settings.PHOTO_MAX_BYTES:
                raise ValidationError(
                    _("Фотография больше %(mb)s МБ. Уменьшите её и загрузите снова.")
                    % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)}
                )
            # ImageField has opened the file with Pillow: refuse formats browsers can't show.
            image = getattr(photo, "image", None)
            if image is not None and image.format not in {"JPEG", "PNG", "WEBP"}:
                raise ValidationError(_("Загрузите фотографию в формате JPEG, PNG или WebP."))
        return photo


ROLE_CHOICES = [("", _("— выберите —")), *Role.choices]


class PersonCreateForm(StyledForm):
    last_name = forms.CharField(label=_("Фамилия"), max_length=100)
    first_name = forms.CharField(label=_("Имя"), max_length=100)
    patronymic = forms.CharField(label=_("Отчество"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"))
    organization = OrganizationChoiceField(
        label=_("Организация"), queryset=Organization.objects.none(), empty_label=_("— выберите —")
    )
    role = forms.ChoiceField(label=_("Роль"), choices=ROLE_CHOICES)
    position = forms.CharField(label=_("Должность"), max_length=200, required=False)
    student_class = forms.CharField(
        label=_("Класс (для обучающихся)"), max_length=10, required=False
    )
    subjects = SubjectsField(label=_("Предметы"), queryset=Subject.objects.all(), required=False)
    send_invitation = forms.BooleanField(
        label=_("Отправить приглашение на e-mail"), required=False, initial=True
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations.select_related("district")  # type: ignore[attr-defined]


class PersonEditForm(StyledForm):
    last_name = forms.CharField(label=_("Фамилия"), max_length=100)
    first_name = forms.CharField(label=_("Имя"), max_length=100)
    patronymic = forms.CharField(label=_("Отчество"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"))
    position = forms.CharField(label=_("Должность"), max_length=200, required=False)
    subjects = SubjectsField(label=_("Предметы"), queryset=Subject.objects.all(), required=False)

    def __init__(self, *args: Any, works: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not works:  # students and parents have no position or subjects
            del self.fields["position"]
            del self.fields["subjects"]


class MembershipForm(StyledForm):
    organization = OrganizationChoiceField(
        label=_("Организация"), queryset=Organization.objects.none(), empty_label=_("— выберите —")
    )
    role = forms.ChoiceField(label=_("Роль"), choices=ROLE_CHOICES)
    position = forms.CharField(label=_("Должность"), max_length=200, required=False)
    student_class = forms.CharField(
        label=_("Класс (для обучающихся)"), max_length=10, required=False
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations.select_related("district")  # type: ignore[attr-defined]


class ParentLinkForm(StyledForm):
    parent_email = forms.EmailField(
        label=_("E-mail родителя"),
        help_text=_(
            "Если учётной записи родителя ещё нет, она будет создана и родитель получит приглашение."
        ),
    )
    last_name = forms.CharField(label=_("Фамилия родителя"), max_length=100, required=False)
    first_name = forms.CharField(label=_("Имя родителя"), max_length=100, required=False)
    patronymic = forms.CharField(label=_("Отчество родителя"), max_length=100, required=False)


class ReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("Причина"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class OrganizationForm(StyledModelForm):
    website = forms.URLField(label=_("сайт"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = [
            "kind",
            "short_name",
            "name",
            "address",
            "phone",
            "email",
            "website",
            "director_name",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = OrganizationKind.objects.all()  # type: ignore[attr-defined]

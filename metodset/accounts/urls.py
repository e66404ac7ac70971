from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from metodset.accounts.forms import (
    PasswordChangeStyledForm,
    PasswordResetStyledForm,
    SetPasswordStyledForm,
)
from metodset.accounts.views import (
    audit,
    auth,
    importing,
    organizations,
    people,
    profile,
    registrations,
    tokens,
)

app_name = "accounts"

urlpatterns = [
    path("", organizations.home, name="home"),
    # Public pages
    path("organizations/", organizations.organization_list, name="organizations"),
    path("organizations/<int:pk>/", organizations.organization_detail, name="organization"),
    path("teachers/", people.teacher_list, name="teachers"),
    path("people/<int:pk>/", people.person_detail, name="person"),
    # Signing in and out, passwords, invitations, registration
    path("accounts/login/", auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            form_class=PasswordChangeStyledForm,
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            form_class=PasswordResetStyledForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            form_class=SetPasswordStyledForm,
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("accounts/invitation/<uidb64>/<token>/", auth.accept_invitation, name="invitation"),
    path("accounts/register/", registrations.register, name="register"),
    path("accounts/register/done/", registrations.register_done, name="register_done"),
    # One's own profile
    path("profile/", profile.profile_edit, name="profile"),
    path("profile/tokens/", tokens.token_list, name="api_tokens"),
    path("profile/tokens/<int:pk>/revoke/", tokens.token_revoke, name="api_token_revoke"),
    # Management of accounts and organizations
    path("manage/people/", people.manage_people, name="manage_people"),
    path("manage/people/new/", people.person_create, name="person_create"),
    path("manage/people/<int:pk>/", people.person_edit, name="person_edit"),
    path("manage/people/<int:pk>/active/", people.person_set_active, name="person_set_active"),
    path("manage/people/<int:pk>/roles/", people.membership_add, name="membership_add"),
    path("manage/people/<int:pk>/parents/", people.parent_link, name="parent_link"),
    path("manage/people/<int:pk>/invite/", people.person_invite, name="person_invite"),
    path("manage/roles/<int:pk>/end/", people.membership_end, name="membership_end"),
    path("manage/organizations/", organizations.manage_organizations, name="manage_organizations"),
    path(
        "manage/organizations/new/", organizations.organization_create, name="organization_create"
    ),
    path(
        "manage/organizations/<int:pk>/", organizations.organization_edit, name="organization_edit"
    ),
    path(
        "manage/organizations/<int:pk>/active/",
        organizations.organization_set_active,
        name="organization_set_active",
    ),
    path("manage/registrations/", registrations.registration_list, name="registrations"),
    path(
        "manage/registrations/<int:pk>/confirm/",
        registrations.registration_confirm,
        name="registration_confirm",
    ),
    path(
        "manage/registrations/<int:pk>/reject/",
        registrations.registration_reject,
        name="registration_reject",
    ),
    path("manage/import/", importing.import_list, name="import_list"),
    path("manage/import/template.<str:fmt>", importing.import_template, name="import_template"),
    path("manage/import/<int:pk>/", importing.import_detail, name="import_detail"),
    path("manage/import/<int:pk>/progress/", importing.import_progress, name="import_progress"),
    path("manage/import/<int:pk>/confirm/", importing.import_confirm, name="import_confirm"),
    path("manage/import/<int:pk>/cancel/", importing.import_cancel, name="import_cancel"),
    path("manage/audit/", audit.audit_list, name="audit"),
]

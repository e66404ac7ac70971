"""The bulk import of accounts: upload, progress, preview or errors, confirm, cancel."""

import csv
import io
from typing import Any, cast

import openpyxl
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl.styles import Font

from metodset.accounts import importing, imports, permissions
from metodset.accounts.models import ImportBatch, Organization, Subject
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.forms import StyledForm

HISTORY_PER_PAGE = 20
ERRORS_PER_PAGE = 100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(StyledForm):
    file = forms.FileField(
        label=gettext_lazy("Файл с учётными записями"),
        help_text=gettext_lazy(
            "XLSX или CSV (UTF-8 или Windows-1251, разделитель «;» или «,»). "
            "Первая строка — заголовки столбцов, как в образце."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,.csv,text/csv,{XLSX_TYPE}"}),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Куда импортировать"))
    send_invitations = forms.BooleanField(
        label=gettext_lazy("Разослать приглашения со ссылкой для входа"),
        required=False,
        initial=True,
    )

    def __init__(self, scopes: list[permissions.ImportScope], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = {scope.key: scope for scope in scopes}
        scope_field = cast(forms.ChoiceField, self.fields["scope"])
        scope_field.choices = [(scope.key, scope.label) for scope in scopes]
        if len(scopes) == 1:
            self.fields["scope"].initial = scopes[0].key
            self.fields["scope"].widget = forms.HiddenInput()

    def clean_scope(self) -> permissions.ImportScope:
        return self.scopes[self.cleaned_data["scope"]]


def get_import_for(user: Any, pk: int) -> ImportBatch:
    """404 both for a missing batch and for someone else's."""
    batch = get_object_or_404(
        ImportBatch.objects.select_related("uploaded_by", "district", "organization"), pk=pk
    )
    if not permissions.can_manage_import(user, batch):
        raise Http404
    return batch


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    scopes = permissions.import_scopes_for(request.user)
    if not scopes:
        raise PermissionDenied
    is_post = request.method == "POST"
    form = ImportUploadForm(
        scopes, request.POST if is_post else None, request.FILES if is_post else None
    )
    if is_post and form.is_valid():
        scope = form.cleaned_data["scope"]
        try:
            batch = imports.start_import(
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                send_invitations=form.cleaned_data["send_invitations"],
                district=scope.district,
                organization=scope.organization,
            )
        except PermissionDeniedError as error:
            raise PermissionDenied(error.message) from error
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                _("Файл «%(name)s» загружен и проверяется.") % {"name": batch.original_name},
            )
            return redirect(batch)
    history = permissions.imports_visible_to(request.user).select_related(
        "uploaded_by", "district", "organization"
    )
    page = Paginator(history, HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/import_list.html",
        {"form": form, "page_obj": page, "max_rows": importing.MAX_ROWS},
    )


@login_required
@require_GET
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """The header and two example rows, in the organization names of the person's district."""
    if fmt not in {importing.CSV, importing.XLSX}:
        raise Http404
    scopes = permissions.import_scopes_for(request.user)
    if not scopes:
        raise PermissionDenied
    rows = _template_rows(scopes[0])
    if fmt == importing.CSV:
        text = io.StringIO()
        # «;» and a BOM: Russian Excel opens such a file in columns, with Cyrillic intact.
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerows(rows)
        response = HttpResponse(
            ("\ufeff" + text.getvalue()).encode(), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(_template_workbook(rows, scopes[0]), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="metodset-import.{fmt}"'
    return response


def _template_rows(scope: permissions.ImportScope) -> list[list[str]]:
    school = scope.organization or (
        Organization.objects.active()
        .filter(district=scope.district, kind__is_education_authority=False)
        .order_by("short_name")
        .first()
    )
    school_name = school.short_name if school else _("МБОУ СОШ №1")
    subject_names = list(Subject.objects.values_list("name", flat=True)[:2]) or [_("Математика")]
    examples = {
        importing.LAST_NAME: [_("Иванова"), _("Петров")],
        importing.FIRST_NAME: [_("Анна"), _("Илья")],
        importing.PATRONYMIC: [_("Сергеевна"), _("Андреевич")],
        importing.EMAIL: ["ivanova@example.ru", "petrov@example.ru"],
        importing.ORGANIZATION: [school_name, school_name],
        importing.ROLE: [_("педагог"), _("обучающийся")],
        importing.POSITION: [_("учитель математики"), ""],
        importing.SUBJECTS: [", ".join(subject_names), ""],
        importing.STUDENT_CLASS: ["", "7Б"],
    }
    header = [str(importing.COLUMN_TITLES[column]) for column in importing.TEMPLATE_COLUMNS]
    return [header] + [
        [examples[column][index] for column in importing.TEMPLATE_COLUMNS] for index in (0, 1)
    ]


def _template_workbook(rows: list[list[str]], scope: permissions.ImportScope) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = _("Учётные записи")
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter in "ABCDEFGHI":
        sheet.column_dimensions[letter].width = 22
    sheet.freeze_panes = "A2"
    # A second sheet lists what the columns accept; the import reads only the first one.
    reference = workbook.create_sheet(_("Справочник"))
    reference.append([_("Роль"), _("Организация"), _("Предмет")])
    for cell in reference[1]:
        cell.font = Font(bold=True)
    roles = [
        _("педагог"),
        _("обучающийся"),
        _("родитель"),
        _("администрация"),
        _("методист"),
        _("эксперт"),
    ]
    if scope.organization is not None:
        organizations = [scope.organization.short_name]
        roles = roles[:3]
    else:
        organizations = list(
            Organization.objects.active()
            .filter(district=scope.district)
            .order_by("short_name")
            .values_list("short_name", flat=True)
        )
    subjects = list(Subject.objects.values_list("name", flat=True))
    for index in range(max(len(roles), len(organizations), len(subjects))):
        reference.append(
            [
                roles[index] if index < len(roles) else None,
                organizations[index] if index < len(organizations) else None,
                subjects[index] if index < len(subjects) else None,
            ]
        )
    for letter in "ABC":
        reference.column_dimensions[letter].width = 40
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_import_for(request.user, pk)
    errors = Paginator(batch.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/import_detail.html",
        {
            "batch": batch,
            "progress": imports.progress_of(batch),
            "errors_page": errors,
            "page_obj": errors,
            "is_running": batch.status in _RUNNING,
            "can_confirm": batch.status == ImportBatch.Status.READY,
            "can_cancel": ImportBatch.Status.CANCELLED in ImportBatch.TRANSITIONS[batch.status],
        },
    )


_RUNNING = {ImportBatch.Status.VALIDATING, ImportBatch.Status.IMPORTING}


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by HTMX every second while the batch is being worked on.
    When the work ends, HTMX reloads the page to show the preview, the errors or the result."""
    batch = get_import_for(request.user, pk)
    is_running = batch.status in _RUNNING
    response = render(
        request,
        "accounts/import_progress.html",
        {"batch": batch, "progress": imports.progress_of(batch), "is_running": is_running},
    )
    if not is_running and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_import_for(request.user, pk)
    try:
        imports.confirm_import(actor=request.user, batch=batch)
    except PermissionDeniedError as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Импорт начат: учётные записи создаются."))
    return redirect(batch)


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_import_for(request.user, pk)
    try:
        imports.cancel_import(actor=request.user, batch=batch)
    except PermissionDeniedError as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Импорт отменён: ничего не записано."))
    return redirect("accounts:import_list")

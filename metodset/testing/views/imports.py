"""Pages of the test bank: a file of questions in (upload, preview with every item and
error, confirm, progress) and out (export). Thin: parse, call a service, render."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from metodset.core.actions import actor_of, refusals_into, run_action
from metodset.testing import formats, permissions, selectors
from metodset.testing.formats.items import ParseError
from metodset.testing.forms_bank import ExportForm, ImportForm
from metodset.testing.labels import FORMAT_LABELS, type_label
from metodset.testing.models import Category, ImportJob
from metodset.testing.services import export_items, import_jobs

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ITEMS_PER_PAGE = 200
RECENT_IMPORTS = 10
Status = ImportJob.Status
# Where the progress page sends one back to: what is still being saved.
RUNNING = {Status.QUEUED, Status.RUNNING}


def _require_bank(user: Any) -> None:
    if not permissions.can_import_questions(user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require_bank(actor)
    share = permissions.can_share_with_school(actor)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, can_share_with_school=share)
        if form.is_valid():
            data = form.cleaned_data
            with refusals_into(form) as outcome:
                job = import_jobs.start_import(
                    actor=actor,
                    uploaded_file=data["file"],
                    format=data["format"],
                    category_path=data["category_path"],
                    visibility=data["visibility"],
                )
            if outcome.ok:
                return redirect("testing:import_preview", pk=job.pk)
    else:
        initial: dict[str, Any] = {}
        category_pk = request.GET.get("category", "")
        if category_pk.isdigit():
            category = Category.objects.filter(pk=int(category_pk)).first()
            if category is not None and permissions.can_view_category(actor, category):
                initial["category_path"] = "/".join(
                    name.replace("/", "//") for name in category.path()
                )
        form = ImportForm(initial=initial, can_share_with_school=share)
    _roots, nodes = selectors.category_tree(actor)
    recent = permissions.import_jobs_visible_to(actor).filter(author=actor.pk)[:RECENT_IMPORTS]
    return render(
        request,
        "testing/imports/upload.html",
        {
            "form": form,
            "recent": list(recent),
            "category_paths": sorted(node.path.replace(" / ", "/") for node in nodes.values()),
            "max_megabytes": settings.IMPORT_MAX_BYTES // (1024 * 1024),
        },
    )


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """The XLSX template with its columns explained (the xlsx format writes it)."""
    _require_bank(actor_of(request))
    content = formats.xlsx_template()
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="metodset-questions.xlsx"'
    return response


@login_required
@require_GET
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    job = selectors.get_import_for(actor, pk)
    if job.status not in {Status.PREVIEW, Status.CANCELLED}:
        return redirect("testing:import_progress", pk=job.pk)
    items = import_jobs.import_preview(job) if job.status == Status.PREVIEW else []
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    manages = permissions.can_manage_import(actor, job)
    return render(
        request,
        "testing/imports/preview.html",
        {
            "job": job,
            "format_label": FORMAT_LABELS.get(job.format, job.format),
            "category_path": " / ".join(job.category_path),
            "page_obj": page,
            "rows": [(item, type_label(item.type)) for item in page.object_list],
            "errors": [
                ParseError(
                    line=error.get("line"), element=error.get("element"), message=error["message"]
                )
                for error in job.errors
            ],
            "can_confirm": manages
            and job.status == Status.PREVIEW
            and not job.errors
            and job.total > 0,
            "can_cancel": manages and job.status == Status.PREVIEW,
        },
    )


def _decide(
    request: HttpRequest, pk: int, decision: Callable[..., object], done: str, then: str
) -> HttpResponse:
    """Confirm or cancel a previewed file (`decision`, a service taking the actor and the
    job): on to `then` when it went through, back to the preview with the reason if not."""
    actor = actor_of(request)
    job = selectors.get_import_for(actor, pk)
    if not run_action(request, lambda: decision(actor=actor, job=job), done):
        return redirect("testing:import_preview", pk=job.pk)
    return redirect(then)


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        import_jobs.confirm_import,
        _("Вопросы сохраняются; это может занять несколько минут."),
        reverse("testing:import_progress", args=[pk]),
    )


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        import_jobs.cancel_import,
        _("Импорт отменён: из файла ничего не сохранено."),
        reverse("testing:import"),
    )


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar. HTMX asks for the fragment every second while the questions are
    being saved; without JavaScript the page refreshes itself and has an «Обновить» link."""
    actor = actor_of(request)
    job = selectors.get_import_for(actor, pk)
    if job.status in {Status.PREVIEW, Status.CANCELLED}:
        return redirect("testing:import_preview", pk=job.pk)
    category = import_jobs.imported_category(job) if job.status == Status.DONE else None
    context = {
        "job": job,
        "progress": import_jobs.import_progress(job),
        "is_running": job.status in RUNNING,
        "category_url": f"{reverse('testing:bank')}?category={category.pk}"
        if category is not None
        else f"{reverse('testing:bank')}?scope=mine",
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "testing/imports/includes/progress.html", context)
    return render(request, "testing/imports/progress.html", context)


CONTENT_TYPES = {
    "gift": ("text/plain; charset=utf-8", "questions-gift.txt"),
    "aiken": ("text/plain; charset=utf-8", "questions-aiken.txt"),
    "moodlexml": ("application/xml; charset=utf-8", "questions-moodle.xml"),
    "xlsx": (XLSX_TYPE, "questions.xlsx"),
}


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The questions one sees (of a category, with those below it) as a file; a read, so
    the form is sent by GET and the file comes back at once."""
    actor = actor_of(request)
    _require_bank(actor)
    _roots, nodes = selectors.category_tree(actor)
    form = ExportForm(request.GET if "format" in request.GET else None, nodes=nodes)
    if form.is_bound and form.is_valid():
        format_name = form.cleaned_data["format"]
        category_pk = form.cleaned_data["category"]
        category_path = (
            selectors.get_category_for(actor, category_pk).path() if category_pk else None
        )
        with refusals_into(form) as outcome:
            items = export_items(actor=actor, category_path=category_path)
        if outcome.ok and not items:
            form.add_error(None, _("Здесь нет вопросов, которые вам видны: выгружать нечего."))
        elif outcome.ok:
            problems: list[ParseError] = []
            content = formats.write(items, format_name, problems=problems)
            if problems:
                messages.warning(
                    request,
                    _("Не выгружено вопросов: %(count)d — формат %(format)s их не передаёт.")
                    % {
                        "count": len(problems),
                        "format": FORMAT_LABELS.get(format_name, format_name),
                    },
                )
            content_type, filename = CONTENT_TYPES.get(
                format_name, ("application/octet-stream", f"questions.{format_name}")
            )
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
    return render(request, "testing/imports/export.html", {"form": form})


urlpatterns = [
    path("bank/import/", import_upload, name="import"),
    path("bank/import/template.xlsx", import_template, name="import_template"),
    path("bank/import/<int:pk>/", import_preview, name="import_preview"),
    path("bank/import/<int:pk>/confirm/", import_confirm, name="import_confirm"),
    path("bank/import/<int:pk>/cancel/", import_cancel, name="import_cancel"),
    path("bank/import/<int:pk>/progress/", import_progress, name="import_progress"),
    path("bank/export/", export, name="export"),
]

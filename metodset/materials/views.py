"""Pages of the library: catalogue, publishing, a material's page, files, my materials."""

import hashlib
from pathlib import Path
from typing import Any, cast

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from metodset.accounts.models import Subject, User
from metodset.core import guestcache
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.uploads import format_size
from metodset.materials import (
    indexing,
    marks,
    pagecache,
    permissions,
    places,
    selectors,
    services,
)
from metodset.materials.forms import FilesForm, MaterialForm, ReasonForm
from metodset.materials.models import Bookmark, Comment, Level, Material, MaterialFile, MaterialType
from metodset.search import engine

# Facet values listed beside the results: the most frequent first.
FACET_VALUES_SHOWN = 12
PER_PAGE = 30
# Search hits a page: a list, not a grid of cards.
SEARCH_PER_PAGE = 20


def get_material_for(user: Any, pk: int) -> Material:
    """404 both for a missing material and one the user may not see."""
    material = get_object_or_404(
        Material.objects.select_related("type", "subject", "author", "organization"), pk=pk
    )
    if not permissions.can_view_material(user, material):
        raise Http404
    return material


def _actor(request: HttpRequest) -> User:
    """The signed-in person (the views that change things require login)."""
    return cast(User, request.user)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


SORTS = {
    "relevance": _("по релевантности"),
    "newest": _("сначала новые"),
    "rating": _("по оценке"),
    "downloads": _("по скачиваниям"),
}


def material_list(request: HttpRequest) -> HttpResponse:
    """The catalogue; with a query, the search engine answers with facets and snippets.
    Guests get a kept copy while the library does not change (core.guestcache)."""
    return guestcache.keep(_material_list(request))


def _material_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:300]
    subject_id = _int(request.GET.get("subject"))
    type_code = request.GET.get("type", "")
    level = request.GET.get("level", "")
    level = level if level in Level.values else ""
    grade = _int(request.GET.get("grade"))
    organization_id = _int(request.GET.get("organization"))
    year = _int(request.GET.get("year"))
    sort = request.GET.get("sort", "relevance" if query else "newest")
    sort = sort if sort in SORTS else "relevance"
    engine_sort = cast(engine.Sort, sort)
    context: dict[str, Any] = {
        "q": query,
        "subjects": Subject.objects.all(),
        "types": MaterialType.objects.all(),
        "levels": Level.choices,
        "grades": range(1, 12),
        "subject_id": subject_id,
        "type_code": type_code,
        "level": level,
        "grade": grade,
        "organization_id": organization_id,
        "year": year,
        "sort": sort,
        "sorts": SORTS,
        "can_create": permissions.can_create_material(request.user),
    }
    if query or grade or organization_id or year:
        filters = selectors.search_filters(
            subject=subject_id,
            type=type_code,
            level=level,
            grade=grade,
            organization=organization_id,
            year=year,
        )
        page_number = _int(request.GET.get("page")) or 1
        result = engine.search(
            query,
            filters=filters,
            sort=engine_sort,
            page=page_number,
            per_page=SEARCH_PER_PAGE,
            viewer=indexing.viewer_of(request.user),
        )
        by_id = selectors.visible_by_id(request.user, [hit.id for hit in result.hits])
        hits = [(by_id[hit.id], hit) for hit in result.hits if hit.id in by_id]
        context.update(
            {
                "result": result,
                "hits": hits,
                "facets": _facet_links(request, selectors.facet_labels(_top(request, result))),
                "page_obj": Paginator(range(result.total), SEARCH_PER_PAGE).get_page(page_number),
            }
        )
    else:
        rights = "network" if permissions.sees_network_materials(request.user) else "public"

        def catalogue_page() -> str:
            qs = selectors.catalogue(
                request.user, subject_id=subject_id, type_code=type_code, level=level
            )
            paginator = Paginator(qs, PER_PAGE)
            # Counting a million rows is the dearest part: one count serves every page.
            paginator.count = pagecache.kept(
                ("count", rights, subject_id, type_code, level), qs.count
            )
            page = paginator.get_page(request.GET.get("page"))
            return render_to_string(
                "materials/catalogue_page.html", {"page_obj": page}, request=request
            )

        # The same page for everyone with the same rights: kept (pagecache) a minute.
        query = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:24]
        context["catalogue_html"] = mark_safe(  # noqa: S308 - our own template's output
            pagecache.kept((rights, query), catalogue_page)
        )
    return render(request, "materials/material_list.html", context)


def _top(request: HttpRequest, result: engine.SearchResult) -> dict[str, list[Any]]:
    """The most frequent values of each facet (and the chosen one), not all 1,500 schools."""
    shown = {}
    for key, values in result.facets.items():
        chosen = request.GET.get(key, "")
        top = values[:FACET_VALUES_SHOWN]
        top += [v for v in values[FACET_VALUES_SHOWN:] if str(v.value) == chosen][:1]
        shown[key] = top
    return shown


def _facet_links(request: HttpRequest, facets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each facet value links to the same search narrowed by it; a chosen value links to
    the search without it."""
    for facet in facets:
        chosen = request.GET.get(facet["key"], "")
        for value in facet["values"]:
            params = request.GET.copy()
            params.pop("page", None)
            value["active"] = chosen == str(value["value"])
            if value["active"]:
                params.pop(facet["key"], None)
            else:
                params[facet["key"]] = str(value["value"])
            value["href"] = f"?{params.urlencode()}"
    return facets


def _attach(
    request: HttpRequest, material: Material, files_form: FilesForm
) -> list[MaterialFile] | None:
    """Attach every uploaded file; None when any was refused (each reason goes to the form)."""
    attached: list[MaterialFile] = []
    refused = False
    for upload in files_form.cleaned_data.get("attachments") or []:
        try:
            attached.append(
                services.attach_upload(actor=_actor(request), material=material, upload=upload)
            )
        except DomainError as error:
            files_form.add_error("attachments", error.message)
            refused = True
    if refused:
        # The caller rolls the rows back; the stored files go too.
        for item in attached:
            item.file.delete(save=False)
        return None
    return attached


@login_required
@require_http_methods(["GET", "POST"])
def material_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_material(request.user):
        raise PermissionDenied
    form = MaterialForm(
        request.POST or None,
        places=places.offered_to(request.user),
        initial={"place": request.GET.get("place", "")},
    )
    files_form = FilesForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and files_form.is_valid():
        fields = dict(form.cleaned_data)
        place = fields.pop("place", "")
        try:
            with transaction.atomic():
                material = services.create_material(actor=_actor(request), **fields)
                if place:
                    places.attach(actor=_actor(request), material=material, key=place)
                if _attach(request, material, files_form) is None:
                    raise _FileRefusedError
                if request.POST.get("publish"):
                    material = services.publish_material(actor=_actor(request), material=material)
        except _FileRefusedError:
            pass
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if material.status == Material.Status.PUBLISHED:
                messages.success(request, _("Материал опубликован."))
            else:
                messages.success(
                    request, _("Черновик сохранён. Опубликуйте его, когда будет готов.")
                )
            return redirect(material.get_absolute_url())
    return render(
        request,
        "materials/material_form.html",
        {"form": form, "files_form": files_form, "title": _("Новый материал")},
    )


class _FileRefusedError(Exception):
    """A file was refused: roll back the whole form and show it again with what was typed."""


def material_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A material; guests get a kept copy while neither the library nor this material's
    page changed, and the view is counted either way (on a kept copy, by the hit)."""
    checks = pagecache.material_checks(pk)
    return guestcache.keep(
        _material_detail(request, pk), checks=checks, on_hit=("materials.view", pk)
    )


def material_similar(request: HttpRequest, pk: int) -> HttpResponse:
    """The «Похожие материалы» block, loaded after the page (HTMX): looking for them in a
    million materials should not hold the page up."""
    material = get_material_for(request.user, pk)
    similar = (
        selectors.similar_to(request.user, material)
        if material.status == Material.Status.PUBLISHED
        else []
    )
    return render(request, "materials/similar.html", {"similar": similar})


def _material_detail(request: HttpRequest, pk: int) -> HttpResponse:
    material = get_material_for(request.user, pk)
    unwritten = services.count_view(material.pk)
    material.views = material.views_count + unwritten  # type: ignore[attr-defined]
    files = list(selectors.current_files(material))
    for item in files:
        item.size_label = format_size(item.size)  # type: ignore[attr-defined]
    # Pictures are shown together as a gallery, after the documents.
    images = [item for item in files if item.mime_type.startswith("image/")]
    files = [item for item in files if item not in images]
    context = {
        "material": material,
        "files": files,
        "images": images,
        "versions": material.versions.select_related("created_by")[:20],
        "coauthors": list(material.coauthors.all()),
        "places": places.of_material(request.user, material),
        "marks": marks.of_material(request.user, material),
        "actions": marks.actions_of(request.user, material),
        "can_edit": permissions.can_edit_material(request.user, material),
        "can_publish": permissions.can_publish_material(request.user, material),
        "can_moderate": permissions.can_moderate_material(request.user, material),
        "files_form": FilesForm(),
        "reason_form": ReasonForm(),
        "comments": selectors.comment_tree(material),
        "can_comment": permissions.can_comment(request.user, material),
        "can_rate": permissions.can_rate(request.user, material),
        "my_rating": selectors.rating_of(request.user, material),
        "is_moderator": permissions.can_moderate_material(request.user, material),
        "can_report": permissions.can_report(request.user, material),
        "bookmarks": selectors.bookmarks_of(request.user, material),
    }
    return render(request, "materials/material_detail.html", context)


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    material = get_material_for(request.user, pk)
    parent_id = _int(request.POST.get("parent"))
    parent = get_object_or_404(Comment, pk=parent_id, material=material) if parent_id else None
    try:
        comment = services.add_comment(
            actor=_actor(request),
            material=material,
            text=request.POST.get("text", ""),
            parent=parent,
        )
    except PermissionDeniedError as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(material.get_absolute_url() + "#comments")
    return redirect(material.get_absolute_url() + f"#comment-{comment.pk}")


@login_required
@require_POST
def comment_remove(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    material = get_material_for(request.user, pk)
    comment = get_object_or_404(
        Comment.objects.select_related("material__organization"), pk=comment_pk, material=material
    )
    try:
        services.remove_comment(actor=_actor(request), comment=comment)
    except PermissionDeniedError as error:
        raise PermissionDenied from error
    messages.success(request, _("Комментарий удалён."))
    return redirect(material.get_absolute_url() + "#comments")


@login_required
@require_POST
def material_rate(request: HttpRequest, pk: int) -> HttpResponse:
    material = get_material_for(request.user, pk)
    try:
        services.rate_material(
            actor=_actor(request), material=material, value=_int(request.POST.get("value")) or 0
        )
    except PermissionDeniedError as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Спасибо, оценка сохранена."))
    return redirect(material.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def material_edit(request: HttpRequest, pk: int) -> HttpResponse:
    material = get_material_for(request.user, pk)
    if not permissions.can_edit_material(request.user, material):
        raise PermissionDenied
    initial = {name: getattr(material, name) for name in services.DESCRIPTION_FIELDS}
    form = MaterialForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_material(
                actor=_actor(request),
                material=material,
                comment=request.POST.get("comment", "")[:300],
                **form.cleaned_data,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect(material.get_absolute_url())
    return render(
        request,
        "materials/material_form.html",
        {"form": form, "material": material, "title": material.title},
    )


@login_required
@require_POST
def material_files_add(request: HttpRequest, pk: int) -> HttpResponse:
    material = get_material_for(request.user, pk)
    if not permissions.can_edit_material(request.user, material):
        raise PermissionDenied
    files_form = FilesForm(request.POST, request.FILES)
    if files_form.is_valid() and _attach(request, material, files_form) is not None:
        messages.success(request, _("Файлы добавлены."))
    else:
        for error in files_form.errors.get("attachments", []):
            messages.error(request, str(error))
    return redirect(material.get_absolute_url())


@login_required
@require_POST
def material_file_remove(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    material = get_material_for(request.user, pk)
    material_file = get_object_or_404(MaterialFile, pk=file_pk, material=material)
    try:
        services.remove_file(actor=_actor(request), material_file=material_file)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Файл убран из материала."))
    return redirect(material.get_absolute_url())


@require_POST
@login_required
def material_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Publish, withdraw, hide (with a reason) or restore."""
    material = get_material_for(request.user, pk)
    verbs = {
        "publish": lambda: services.publish_material(actor=_actor(request), material=material),
        "withdraw": lambda: services.withdraw_material(actor=_actor(request), material=material),
        "hide": lambda: services.hide_material(
            actor=_actor(request), material=material, reason=request.POST.get("reason", "")
        ),
        "restore": lambda: services.restore_material(actor=_actor(request), material=material),
    }
    if action not in verbs:
        raise Http404
    try:
        verbs[action]()
    except DomainError as error:
        if isinstance(error, PermissionDeniedError):
            raise PermissionDenied from error
        messages.error(request, error.message)
    else:
        done = {
            "publish": _("Материал опубликован."),
            "withdraw": _("Материал снят с публикации и снова стал черновиком."),
            "hide": _("Материал скрыт; автор увидит причину."),
            "restore": _("Материал возвращён в библиотеку."),
        }
        messages.success(request, done[action])
    return redirect(material.get_absolute_url())


@xframe_options_sameorigin
# The PDF viewer frames this response on our own pages.
@csp_replace({"frame-ancestors": ["'self'"]})  # type: ignore[arg-type]  # typed for one-argument views
def material_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """A file of a material: downloaded (counted) or, with ?view=1, shown in the page;
    ?view=pdf shows the PDF made from a presentation or DOC file."""
    material = get_material_for(request.user, pk)
    material_file = get_object_or_404(MaterialFile, pk=file_pk, material=material)
    shown, name, content_type = (
        material_file.file,
        material_file.original_name,
        material_file.mime_type,
    )
    if request.GET.get("view") == "pdf":
        if not material_file.viewer_pdf:
            raise Http404
        shown, name = material_file.viewer_pdf, f"{Path(name).stem}.pdf"
        content_type = "application/pdf"
        view = True
    else:
        view = request.GET.get("view") == "1" and material_file.shown_inline
        if not view:
            services.count_download(material_file)
    response = FileResponse(
        shown.open("rb"), as_attachment=not view, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def my_materials(request: HttpRequest) -> HttpResponse:
    materials = selectors.materials_of_author(request.user)
    page = Paginator(materials, PER_PAGE).get_page(request.GET.get("page"))
    views = services.views_of(page)
    for material in page:
        material.views = views[material.pk]  # type: ignore[attr-defined]
    return render(
        request,
        "materials/my_materials.html",
        {"page_obj": page, "can_create": permissions.can_create_material(request.user)},
    )


@login_required
@require_POST
def material_report(request: HttpRequest, pk: int) -> HttpResponse:
    material = get_material_for(request.user, pk)
    try:
        services.report_material(
            actor=_actor(request), material=material, reason=request.POST.get("reason", "")
        )
    except PermissionDeniedError as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Спасибо: модераторы получили вашу жалобу."))
    return redirect(material.get_absolute_url())


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    reports = permissions.reports_visible_to(request.user)
    if not permissions.can_moderate_any(request.user):
        raise PermissionDenied
    show = request.GET.get("show", "open")
    if show == "open":
        reports = reports.filter(resolution="")
    reports = reports.select_related(
        "material", "material__author", "original", "original__author", "reporter", "resolved_by"
    )
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "materials/moderation.html", {"page_obj": page, "show": show})


@login_required
@require_POST
def report_resolve(request: HttpRequest, report_pk: int) -> HttpResponse:
    report = get_object_or_404(
        permissions.reports_visible_to(request.user).select_related("material__organization"),
        pk=report_pk,
    )
    try:
        services.resolve_report(
            actor=_actor(request),
            report=report,
            hide=request.POST.get("decision") == "hide",
            comment=request.POST.get("comment", ""),
        )
    except PermissionDeniedError as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Решение сохранено."))
    return redirect("materials:moderation")


@login_required
@require_POST
def material_bookmark(request: HttpRequest, pk: int) -> HttpResponse:
    material = get_material_for(request.user, pk)
    bookmark = services.bookmark_material(
        actor=_actor(request), material=material, collection_name=request.POST.get("collection", "")
    )
    messages.success(
        request, _("Материал сохранён в подборку «%(name)s».") % {"name": bookmark.collection.name}
    )
    return redirect(material.get_absolute_url())


@login_required
@require_POST
def bookmark_remove(request: HttpRequest, bookmark_pk: int) -> HttpResponse:
    bookmark = get_object_or_404(
        Bookmark.objects.select_related("collection"),
        pk=bookmark_pk,
        collection__owner=request.user,
    )
    services.remove_bookmark(actor=_actor(request), bookmark=bookmark)
    messages.success(request, _("Материал убран из подборки."))
    return redirect(request.POST.get("next") or "materials:bookmarks")


@login_required
def my_bookmarks(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "materials/bookmarks.html",
        {"collections": selectors.collections_of(request.user, request.user)},
    )

"""Pages of groups: lists, founding, the group page, membership, plan, materials,
discussion, the order and closing. Thin: parse, call a service or selector, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from metodset.accounts.models import Organization, User
from metodset.accounts.permissions import roles_of
from metodset.accounts.selectors import home_district
from metodset.core.actions import actor_of as _actor
from metodset.core.actions import refusals_into
from metodset.core.actions import run_action as _run
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.groups import permissions, sections, selectors, services
from metodset.groups.forms import (
    AddMaterialForm,
    CloseForm,
    FoundGroupForm,
    GroupFilterForm,
    GroupForm,
    MessageForm,
    OrderScanForm,
    PostForm,
    ReasonForm,
    StageForm,
    ThreadForm,
)
from metodset.groups.models import (
    Group,
    GroupMaterial,
    GroupMember,
    NewsItem,
    ProblemGroupApplication,
    Stage,
    Thread,
)
from metodset.groups.views.common import (
    PER_PAGE,
    _int,
    get_group_for,
)
from metodset.materials.models import Material

# --- Lists --------------------------------------------------------------------------------


@require_http_methods(["GET"])
def group_list(request: HttpRequest) -> HttpResponse:
    form = GroupFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "text": data["q"],
            "kind_code": data["kind"].code if data["kind"] else "",
            "subject_id": data["subject"].pk if data["subject"] else None,
            "status": data["status"],
        }
    mine = request.GET.get("mine") == "1" and request.user.is_authenticated
    qs = selectors.groups_for_list(request.user, mine=mine, **filters)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    leaders = selectors.leaders_of(list(page.object_list))
    for group in page.object_list:
        group.leader = leaders.get(getattr(group, "leader_id", 0))  # type: ignore[attr-defined]
    return render(
        request,
        "groups/group_list.html",
        {
            "form": form,
            "page_obj": page,
            "mine": mine,
            "can_apply": permissions.can_apply(request.user),
            "can_found": bool(permissions.kinds_founded_by(request.user))
            if request.user.is_authenticated
            else False,
            "can_view_queue": permissions.can_view_queue(request.user),
        },
    )


@login_required
def my_groups(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    rows = (
        GroupMember.objects.filter(user=user)
        .exclude(status__in=[GroupMember.Status.DECLINED])
        .select_related("group__kind")
        .order_by("status", "group__title")
    )
    applications = selectors.with_deadlines(
        list(
            selectors.applications_for(user)
            .filter(Q(applicant=user) | Q(participants__user=user))
            .distinct()
            .order_by("-created_at")[:50]
        )
    )
    return render(
        request,
        "groups/my_groups.html",
        {
            "active": [r for r in rows if r.status == GroupMember.Status.ACTIVE],
            "invitations": [r for r in rows if r.status == GroupMember.Status.INVITED],
            "requests": [r for r in rows if r.status == GroupMember.Status.REQUESTED],
            "past": [
                r for r in rows if r.status in {GroupMember.Status.LEFT, GroupMember.Status.REMOVED}
            ],
            "applications": applications,
            "can_apply": permissions.can_apply(user),
        },
    )


# --- Founding and editing a group ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    kinds = permissions.kinds_founded_by(user)
    district = home_district(user)
    if not kinds or district is None:
        raise PermissionDenied
    form = FoundGroupForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        kind = data.pop("kind")
        organization = None
        if kind.within_organization:
            # A ПТГ works inside the school its head runs.
            admin_orgs = sorted(roles_of(user).admin_org_ids)
            organization = (
                Organization.objects.filter(pk=admin_orgs[0]).first()
                if admin_orgs
                else services.organization_of(user)
            )
        try:
            group = services.found_group(
                actor=user, kind=kind, district=district, organization=organization, **data
            )
        except PermissionDeniedError as error:
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Объединение создано."))
            return redirect(group.get_absolute_url())
    return render(
        request,
        "groups/group_form.html",
        {"form": form, "title": _("Новое объединение"), "district": district},
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    if not permissions.can_manage_group(request.user, group):
        raise PermissionDenied
    initial = {name: getattr(group, name) for name in GroupForm.base_fields}
    form = GroupForm(request.POST or None, initial=initial)
    if not group.kind.open_to_students:
        del form.fields["students_may_join"]
    if request.method == "POST" and form.is_valid():
        try:
            services.update_group(actor=_actor(request), group=group, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect(group.get_absolute_url())
    return render(
        request,
        "groups/group_form.html",
        {"form": form, "title": _("Изменить объединение"), "group": group},
    )


# --- The group page -----------------------------------------------------------------------


def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    user = request.user
    members = selectors.members_of(group)
    show_students = permissions.can_view_members_personal(user, group)
    staff_members = [m for m in members if not m.is_student]
    student_count = len(members) - len(staff_members)
    my_row = permissions.membership_of(user, group)
    is_manager = permissions.can_manage_group(user, group)
    context = {
        "group": group,
        "members": members if show_students else staff_members,
        "hidden_students": 0 if show_students else student_count,
        "leader": next((m for m in members if m.is_leader), None),
        "organizations": sorted(
            {m.organization.short_name for m in staff_members if m.organization}
        ),
        "stages": list(group.stages.all()),
        "materials": selectors.group_materials(user, group),
        "threads": list(group.threads.select_related("author")[:10])
        if permissions.can_view_discussion(user, group)
        else None,
        "news": list(NewsItem.objects.filter(group=group).select_related("actor")[:15]),
        "my_row": my_row,
        "is_member": permissions.is_member(user, group),
        "can_join": permissions.can_join(user, group),
        "can_leave": permissions.can_leave(user, group),
        "can_manage": is_manager,
        "can_appoint": permissions.can_appoint_leader(user, group),
        "can_publish": permissions.can_publish_into(user, group),
        "can_close": permissions.can_close_group(user, group),
        "can_upload_order": permissions.can_upload_order(user, group),
        "below_composition": services.is_below_composition(group),
        "pending_count": len(selectors.pending_of(group)) if is_manager else 0,
        "message_form": MessageForm(),
        "order_form": OrderScanForm(),
        "application": ProblemGroupApplication.objects.filter(group=group).first(),
        "sections": sections.group_sections(user, group),
    }
    return render(request, "groups/group_detail.html", context)


@login_required
@require_POST
def group_join(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    form = MessageForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    if group.joining == Group.Joining.OPEN:
        done = _("Вы вступили в группу.")
    else:
        done = _("Заявка отправлена руководителю группы.")
    _run(
        request,
        lambda: services.request_to_join(actor=_actor(request), group=group, message=message),
        done,
    )
    return redirect(group.get_absolute_url())


@login_required
@require_POST
def group_leave(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    _run(
        request,
        lambda: services.leave_group(actor=_actor(request), group=group),
        _("Вы вышли из группы."),
    )
    return redirect(group.get_absolute_url())


@login_required
@require_POST
def invitation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    accept = request.POST.get("answer") == "accept"
    _run(
        request,
        lambda: services.answer_invitation(actor=_actor(request), group=group, accept=accept),
        _("Вы вступили в группу.") if accept else _("Приглашение отклонено."),
    )
    return redirect(group.get_absolute_url() if accept else "groups:mine")


# --- Membership management ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def group_members(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    if not permissions.can_manage_group(request.user, group, check_state=False):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    found = selectors.people_to_pick(request.user, district_id=group.district_id, text=query)
    present = set(
        group.members.filter(
            status__in=[GroupMember.Status.ACTIVE, GroupMember.Status.INVITED]
        ).values_list("user_id", flat=True)
    )
    context = {
        "group": group,
        "members": selectors.members_of(group),
        "pending": selectors.pending_of(group),
        "found": [p for p in found if p.pk not in present],
        "query": query,
        "can_appoint": permissions.can_appoint_leader(request.user, group),
        "can_manage": permissions.can_manage_group(request.user, group),
        "reason_form": ReasonForm(),
    }
    if request.headers.get("HX-Request") and request.GET.get("fragment") == "found":
        return render(request, "groups/includes/people_found.html", context)
    return render(request, "groups/group_members.html", context)


def _person(pk: str | None) -> User:
    person = User.objects.filter(pk=_int(pk) or 0, is_active=True).first()
    if person is None:
        raise Http404
    return person


@login_required
@require_POST
def member_invite(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    person = _person(request.POST.get("user"))
    _run(
        request,
        lambda: services.invite_member(
            actor=_actor(request),
            group=group,
            person=person,
            message=request.POST.get("message", ""),
        ),
        _("%(name)s приглашён в группу.") % {"name": person.full_name},
    )
    return redirect("groups:members", pk=group.pk)


@login_required
@require_POST
def member_decide(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    member = get_object_or_404(
        GroupMember.objects.select_related("user", "group__kind"), pk=member_pk, group=group
    )
    accept = request.POST.get("answer") == "accept"
    _run(
        request,
        lambda: services.decide_join_request(
            actor=_actor(request),
            member=member,
            accept=accept,
            reason=request.POST.get("reason", ""),
        ),
        _("Заявка принята.") if accept else _("Заявка отклонена."),
    )
    return redirect("groups:members", pk=group.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    member = get_object_or_404(
        GroupMember.objects.select_related("user", "group__kind"), pk=member_pk, group=group
    )
    _run(
        request,
        lambda: services.remove_member(
            actor=_actor(request), member=member, reason=request.POST.get("reason", "")
        ),
        _("%(name)s исключён из группы.") % {"name": member.user.full_name},
    )
    return redirect("groups:members", pk=group.pk)


@login_required
@require_POST
def leader_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    person = _person(request.POST.get("user"))
    _run(
        request,
        lambda: services.appoint_leader(actor=_actor(request), group=group, person=person),
        _("%(name)s — руководитель группы.") % {"name": person.full_name},
    )
    return redirect("groups:members", pk=group.pk)


# --- Plan ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def group_plan(request: HttpRequest, pk: int, stage_pk: int | None = None) -> HttpResponse:
    group = get_group_for(request.user, pk)
    if not permissions.can_manage_group(request.user, group):
        raise PermissionDenied
    stage = get_object_or_404(Stage, pk=stage_pk, group=group) if stage_pk else None
    initial = {name: getattr(stage, name) for name in StageForm.base_fields} if stage else None
    form = StageForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("remove") and stage is not None:
        services.remove_stage(actor=_actor(request), stage=stage)
        messages.success(request, _("Этап удалён из плана."))
        return redirect("groups:plan", pk=group.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_stage(
                actor=_actor(request), group=group, stage=stage, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("План работы сохранён."))
            return redirect("groups:plan", pk=group.pk)
    return render(
        request,
        "groups/group_plan.html",
        {"group": group, "form": form, "stage": stage, "stages": list(group.stages.all())},
    )


# --- Materials ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    if not permissions.can_publish_into(request.user, group):
        raise PermissionDenied
    form = AddMaterialForm(
        request.POST or None, materials=selectors.my_materials_for(request.user, group)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_material(
                actor=_actor(request), group=group, material=form.cleaned_data["material"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Материал опубликован в группе."))
            return redirect(group.get_absolute_url())
    return render(request, "groups/material_add.html", {"group": group, "form": form})


@login_required
@require_POST
def material_remove(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    link = get_object_or_404(GroupMaterial.objects.select_related("group"), pk=link_pk, group=group)
    _run(
        request,
        lambda: services.remove_material(actor=_actor(request), link=link),
        _("Материал убран со страницы группы (в библиотеке он остаётся)."),
    )
    return redirect(group.get_absolute_url())


# --- Discussion ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def discussion(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    if not permissions.can_view_discussion(request.user, group):
        raise PermissionDenied
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_into(form) as outcome:
            thread = services.start_thread(actor=_actor(request), group=group, **form.cleaned_data)
        if outcome.ok:
            return redirect(thread.get_absolute_url())
    page = Paginator(group.threads.select_related("author"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "groups/discussion.html",
        {
            "group": group,
            "form": form,
            "page_obj": page,
            "can_post": permissions.can_post(request.user, group),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_detail(request: HttpRequest, pk: int, thread_pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    if not permissions.can_view_discussion(request.user, group):
        raise PermissionDenied
    thread = get_object_or_404(Thread, pk=thread_pk, group=group)
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_into(form) as outcome:
            services.add_post(actor=_actor(request), thread=thread, body=form.cleaned_data["body"])
        if outcome.ok:
            return redirect(thread.get_absolute_url() + "#last")
    return render(
        request,
        "groups/thread.html",
        {
            "group": group,
            "thread": thread,
            "posts": list(thread.posts.select_related("author")),
            "form": form,
            "can_post": permissions.can_post(request.user, group),
        },
    )


# --- Order and closing --------------------------------------------------------------------


@login_required
@require_POST
def order_upload(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    form = OrderScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Выберите файл подписанного приказа."))
    else:
        _run(
            request,
            lambda: services.upload_order_scan(
                actor=_actor(request), group=group, upload=form.cleaned_data["scan"]
            ),
            _("Подписанный приказ загружен."),
        )
    return redirect(group.get_absolute_url())


def order_scan(request: HttpRequest, pk: int) -> FileResponse:
    group = get_group_for(request.user, pk)
    if not group.order_scan:
        raise Http404
    return FileResponse(
        group.order_scan.open("rb"), filename=(group.order_scan.name or "").rsplit("/", 1)[-1]
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_close(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for(request.user, pk)
    if not permissions.can_close_group(request.user, group):
        raise PermissionDenied
    materials = selectors.group_materials(request.user, group)
    form = CloseForm(
        request.POST or None,
        materials=Material.objects.filter(pk__in=[link.material_id for link in materials]),
        needs_product=group.kind.has_term_and_product,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.close_group(
                actor=_actor(request),
                group=group,
                report=form.cleaned_data["report"],
                product=form.cleaned_data.get("product"),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Группа завершила работу; её страница остаётся в архиве."))
            return redirect(group.get_absolute_url())
    return render(request, "groups/group_close.html", {"group": group, "form": form})

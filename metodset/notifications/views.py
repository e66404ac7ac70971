"""The list of notifications, marking them read, and e-mail preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from metodset.notifications import services
from metodset.notifications.models import Notification


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    qs = Notification.objects.filter(recipient_id=request.user.pk)
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page, "only_unread": request.GET.get("unread") == "1"},
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go where it points."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(actor=request.user, notification_ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(actor=request.user)
    messages.success(request, _("Отмечено прочитанными: %(count)s.") % {"count": count})
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    choices = services.email_choices_of(request.user)
    if request.method == "POST":
        services.set_email_choices(
            actor=request.user,
            choices={
                kind.code: request.POST.get(f"email_{kind.code}") == "1" for kind, _on in choices
            },
        )
        messages.success(request, _("Настройки уведомлений сохранены."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"choices": choices})

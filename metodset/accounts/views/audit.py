"""The audit trail: who created, changed, approved or deleted what, and when."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from metodset.accounts import permissions, selectors

PER_PAGE = 50


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_audit(request.user):
        raise PermissionDenied
    qs = selectors.audit_visible_to(request.user)
    text = request.GET.get("q", "").strip()
    action = request.GET.get("action", "").strip()
    for word in text.split():
        qs = qs.filter(
            Q(target_repr__icontains=word)
            | Q(comment__icontains=word)
            | Q(actor__last_name__icontains=word)
        )
    if action:
        qs = qs.filter(action__startswith=action)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/audit.html", {"page_obj": page, "q": text, "action": action})

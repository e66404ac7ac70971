"""Shared by the expertise's services: the term and its rule, the thresholds of a
decision, notification kinds, audit labels, the rubric of a submission, small helpers.

The department has ten days from receiving a product (`002_…` §3.3). A decision needs two
reviews of the current round at least; a large spread between them asks for a third.
"""

import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts.models import District
from metodset.core import audit, deadlines
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.expertise.models import CriteriaSet, Submission
from metodset.notifications import kinds

TERM_DAYS = 10
# The department is reminded when this many days (or fewer) of the term are left.
REMIND_DAYS_BEFORE = 2
MIN_REVIEWS = 2
# Totals (in per cent of the maximum) further apart than this call for a third expert.
SPREAD_LIMIT = 30

AUTHOR_NEWS = kinds.register(
    "expertise.author", gettext_lazy("Экспертиза моих материалов: ход, решения, сертификаты")
)
EXPERT_NEWS = kinds.register(
    "expertise.expert", gettext_lazy("Назначения экспертом и напоминания о сроке оценки")
)
QUEUE_NEWS = kinds.register(
    "expertise.queue",
    gettext_lazy("Материалы на экспертизе: поступления, отказы экспертов, сроки (для методистов)"),
)

audit.register_actions(
    {
        "expertise.submitted": gettext_lazy("Материал подан на экспертизу"),
        "expertise.resubmitted": gettext_lazy("Материал подан на экспертизу повторно"),
        "expertise.withdrawn": gettext_lazy("Материал снят с экспертизы"),
        "expertise.assigned": gettext_lazy("Назначен эксперт"),
        "expertise.declined": gettext_lazy("Эксперт отказался от экспертизы"),
        "expertise.reviewed": gettext_lazy("Эксперт выставил оценку"),
        "expertise.decided": gettext_lazy("Решение по итогам экспертизы"),
        "expertise.protocol": gettext_lazy("Протокол заседания РМС"),
    }
)

RULE_TEXT = gettext_lazy(
    "Срок экспертизы — 10 календарных дней (п. 3.3 Положения о сетевом взаимодействии): "
    "отсчёт начинается на следующий день после получения материала, последний день срока "
    "включается целиком; выходные и праздничные дни входят в срок. Материал, поданный "
    "повторно после доработки, рассматривается в новый десятидневный срок."
)


def _deny() -> PermissionDeniedError:
    return PermissionDeniedError(_("У вас нет прав на это действие."))


def due_of(submission: Submission) -> datetime.date:
    """The last day of the department's ten-day term."""
    return deadlines.due_after(submission.received_at, TERM_DAYS)


def _methodists(district_id: int) -> Any:
    from metodset.groups.permissions import district_methodists

    return district_methodists(district_id)


def criteria_for(district: District, purpose: str) -> CriteriaSet:
    """The rubric: the district's own for the purpose, else its general one, else the
    platform's for the purpose, else the platform's default."""
    active = CriteriaSet.objects.filter(is_active=True, criteria__isnull=False).distinct()
    for scope in (
        Q(district=district, purpose=purpose),
        Q(district=district, purpose=""),
        Q(district__isnull=True, purpose=purpose),
        Q(district__isnull=True, purpose=""),
    ):
        found = active.filter(scope).order_by("pk").first()
        if found is not None:
            return found
    raise DomainError(_("Нет набора критериев экспертизы: добавьте его в администрировании."))

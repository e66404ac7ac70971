"""The department's decision on a round and the certificates a recommendation brings."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts.models import User
from metodset.certificates.models import Certificate
from metodset.certificates.services import issue_certificate
from metodset.core import audit
from metodset.core.exceptions import DomainError
from metodset.expertise import permissions
from metodset.expertise.models import Assignment, Purpose, Submission, Verdict
from metodset.expertise.services.common import AUTHOR_NEWS, MIN_REVIEWS, _deny
from metodset.expertise.services.reviews import spread_of
from metodset.materials.services import places_changed
from metodset.notifications.services import notify


def decide_submission(
    *, actor: User, submission: Submission, decision: str, comment: str = ""
) -> Submission:
    """The department's decision on the current round. «На доработку» and «отклонено»
    carry the remarks or reasons the author reads; a recommendation issues certificates
    to the author and the experts and puts the material into «Лучшие практики»."""
    if not permissions.can_decide(actor, submission, check_state=False):
        raise _deny()
    if decision not in Verdict.values:
        raise DomainError(_("Выберите решение."))
    if decision in {Verdict.REVISION, Verdict.REJECTED} and not comment.strip():
        raise DomainError(_("Напишите замечания экспертов или причины отказа: их прочтёт автор."))
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .select_related("material", "district")
            .get(pk=submission.pk)
        )
        if submission.status != Submission.Status.IN_REVIEW:
            raise DomainError(
                _("Решение сейчас принять нельзя: материал %(status)s.")
                % {"status": submission.get_status_display()}
            )
        if submission.assignments.filter(
            round=submission.round, status=Assignment.Status.ASSIGNED
        ).exists():
            raise DomainError(_("Не все назначенные эксперты выставили оценки."))
        spread = spread_of(submission)
        if len(spread.reviews) < MIN_REVIEWS:
            raise DomainError(_("Нужны оценки не менее чем двух экспертов."))
        if spread.needs_third:
            raise DomainError(
                _(
                    "Оценки экспертов расходятся на %(n).0f процентных пунктов: назначьте "
                    "третьего эксперта."
                )
                % {"n": spread.spread}
            )
        before = submission.status
        submission.decision = decision
        submission.decision_comment = comment.strip()
        submission.decided_at = timezone.now()
        submission.decided_by = actor
        submission.status = (
            Submission.Status.REVISION
            if decision == Verdict.REVISION
            else Submission.Status.DECIDED
        )
        submission.save(
            update_fields=[
                "decision",
                "decision_comment",
                "decided_at",
                "decided_by",
                "status",
                "updated_at",
            ]
        )
        audit.record(
            actor=actor,
            action="expertise.decided",
            target=submission,
            from_state=before,
            to_state=decision,
            comment=submission.decision_comment,
            district_id=submission.district_id,
        )
        if submission.is_recommended:
            issue_certificates(actor=actor, submission=submission)
        notify(
            recipients=User.objects.filter(
                pk__in={submission.author_id, submission.material.author_id}
            ),
            kind=AUTHOR_NEWS.code,
            title=_("Решение по экспертизе «%(title)s»: %(decision)s")
            % {"title": submission.material.title, "decision": Verdict(decision).label},
            body=submission.decision_comment,
            url=submission.get_absolute_url(),
            actor=actor,
        )
    material_id = submission.material_id
    transaction.on_commit(lambda: places_changed(material_id))
    return submission


CERTIFICATE_AUTHOR = gettext_lazy("Сертификат автора")
CERTIFICATE_EXPERT = gettext_lazy("Сертификат эксперта")


def issue_certificates(*, actor: User, submission: Submission) -> list[Certificate]:
    """A certificate for the author of a recommended product and one for each expert who
    reviewed it («за проведение экспертизы»). Issuing again gives the same ones."""
    if not permissions.manages(actor, submission) or not submission.is_recommended:
        raise _deny()
    from metodset.accounts.models import Organization

    department = (
        Organization.objects.filter(
            district=submission.district_id, kind__is_education_authority=True
        )
        .order_by("pk")
        .first()
    )
    issuer = department.name if department else submission.district.name
    material = submission.material
    decided = timezone.localdate(submission.decided_at)
    details: list[list[str]] = [
        [str(_("Решение")), str(Verdict(submission.decision).label)],
        [str(_("Цель экспертизы")), str(Purpose(submission.purpose).label)],
        [str(_("Дата решения")), decided.strftime("%d.%m.%Y")],
    ]
    issued = [
        issue_certificate(
            actor=actor,
            source=f"expertise.submission:{submission.pk}",
            title=str(CERTIFICATE_AUTHOR),
            holder=material.author,
            statement=_(
                "автор методического продукта «%(title)s», прошедшего экспертизу "
                "районного методического совета: %(decision)s"
            )
            % {"title": material.title, "decision": Verdict(submission.decision).label},
            details=details,
            issuer_name=issuer,
            district=submission.district,
        )
    ]
    for assignment in submission.assignments.filter(status=Assignment.Status.DONE).select_related(
        "expert"
    ):
        issued.append(
            issue_certificate(
                actor=actor,
                source=f"expertise.assignment:{assignment.pk}",
                title=str(CERTIFICATE_EXPERT),
                holder=assignment.expert,
                statement=_("за проведение экспертизы методического продукта «%(title)s»")
                % {"title": material.title},
                details=details[1:],
                issuer_name=issuer,
                district=submission.district,
            )
        )
    return issued


def certificates_of(submission: Submission) -> list[Certificate]:
    sources = [f"expertise.submission:{submission.pk}"] + [
        f"expertise.assignment:{pk}" for pk in submission.assignments.values_list("pk", flat=True)
    ]
    return list(Certificate.objects.filter(source__in=sources).order_by("pk"))

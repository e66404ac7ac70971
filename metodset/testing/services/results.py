"""After the test: a teacher grades essays, the student decides about the class journal, a
key found wrong is corrected and every attempt re-graded with a record of the change."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.core import audit
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.notifications.services import notify
from metodset.testing import access, grading
from metodset.testing.models import Attempt, AttemptItem, Question, Regrade, Sitting
from metodset.testing.services.attempts import (
    ITEM_GRADES,
    TOTALS,
    compute_totals,
    grade_items,
    item_of_version,
)
from metodset.testing.services.sittings import TESTS_NEWS

audit.register_actions(
    {
        "testing.essay_graded": gettext_lazy("Ответ проверен учителем"),
        "testing.journal_decided": gettext_lazy("Решение о выставлении отметки в журнал"),
        "testing.regraded": gettext_lazy("Вопрос перепроверен по исправленному ключу"),
    }
)


def grade_item(
    *, actor: Any, item: AttemptItem, score: Decimal | int | str, comment: str = ""
) -> Attempt:
    """A teacher's score for an answer (an essay, or overriding the automatic score)."""
    attempt = item.attempt
    if not access.can_grade_attempt(actor, attempt):
        raise PermissionDeniedError(_("Проверять ответы могут учителя школы обучающегося."))
    if not attempt.is_finished:
        raise DomainError(_("Попытка ещё идёт: проверять можно после завершения."))
    try:
        value = Decimal(str(score).strip().replace(",", "."))
    except ArithmeticError as error:
        raise DomainError(_("Балл — число.")) from error
    # Fixed (results pages): "NaN" and "Infinity" parse as Decimals, and comparing a NaN
    # raises InvalidOperation (a 500); a score is kept to hundredths, as the field stores it.
    if not value.is_finite():
        raise DomainError(_("Балл — число."))
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if not Decimal(0) <= value <= item.points:
        raise DomainError(
            _("Балл — от 0 до %(points)s.") % {"points": f"{item.points.normalize():f}"}
        )
    with transaction.atomic():
        locked = (
            Attempt.objects.select_for_update().select_related("sitting__quiz").get(pk=attempt.pk)
        )
        was_pending = locked.needs_grading
        before = item.score
        item.score = value
        item.fraction = (value / item.points).quantize(Decimal("0.0000001"))
        item.needs_grading = False
        item.comment = comment.strip()
        item.graded_by = actor
        item.graded_at = timezone.now()
        item.save(
            update_fields=[
                "score",
                "fraction",
                "needs_grading",
                "comment",
                "graded_by",
                "graded_at",
            ]
        )
        items = list(locked.items.all())
        compute_totals(locked, items)
        locked.save(update_fields=TOTALS)
        audit.record(
            actor=actor,
            action="testing.essay_graded",
            target=locked,
            comment=_("Вопрос №%(number)d: %(old)s → %(new)s")
            % {"number": item.position, "old": before, "new": value},
        )
        if was_pending and not locked.needs_grading:
            notify(
                recipients=[locked.student],
                kind=TESTS_NEWS.code,
                title=_("Тест проверен: %(title)s") % {"title": locked.sitting.title},
                body=_("Отметка: %(mark)s") % {"mark": locked.mark},
                url=locked.get_absolute_url(),
                actor=actor,
            )
    return locked


def grading_queue(actor: Any) -> Any:
    """Answers waiting for this teacher's score: essays of finished attempts they may grade."""
    # Fixed (results pages): was `attempts_visible_to`, which also gives a student their own
    # attempts and a parent their child's, so they found their essays in a grading queue.
    attempts = access.attempts_gradable_by(actor).filter(status=Attempt.Status.FINISHED)
    return (
        AttemptItem.objects.filter(needs_grading=True, attempt__in=attempts)
        .select_related("attempt__sitting", "attempt__student", "attempt__organization")
        .order_by("attempt__finished_at", "position")
    )


def decide_journal(*, actor: Any, attempt: Attempt, send: bool) -> Attempt:
    """The student's choice (004, slide 9): the mark goes to the class journal or not.
    «Выставить» is final (the teacher may already have copied it); «не выставлять» may be
    changed to «выставить» later."""
    if not access.can_decide_journal(actor, attempt, check_state=False):
        raise PermissionDeniedError(
            _("Решать, выставлять ли отметку, может только сам обучающийся.")
        )
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if not access.can_decide_journal(actor, locked):
            raise DomainError(_("Отметки ещё нет: дождитесь проверки работы."))
        choice = Attempt.Journal.SEND if send else Attempt.Journal.KEEP
        # One work, one mark in the journal: of several attempts, the student sends one.
        sent = (
            Attempt.objects.filter(
                sitting=locked.sitting_id, student=locked.student_id, journal=Attempt.Journal.SEND
            )
            .exclude(pk=locked.pk)
            .first()
        )
        if send and sent is not None:
            raise DomainError(
                _("В журнал уже передана отметка %(mark)s за попытку №%(number)d.")
                % {"mark": sent.mark, "number": sent.number}
            )
        # Fixed (student pages): the same choice again — a double tap on «Выставить», a
        # second tab — is the decision already made, not a refusal.
        if locked.journal == choice:
            return locked
        if locked.journal == Attempt.Journal.SEND:
            raise DomainError(_("Отметка уже передана в журнал."))
        previous = locked.journal
        locked.journal = choice
        locked.journal_decided_at = timezone.now()
        locked.save(update_fields=["journal", "journal_decided_at"])
        audit.record(
            actor=actor,
            action="testing.journal_decided",
            target=locked,
            from_state=previous,
            to_state=choice,
            comment=_("Отметка %(mark)s") % {"mark": locked.mark},
        )
    return locked


def journal_attempts(sitting: Sitting, organization_ids: set[int]) -> Any:
    """The marks students of these schools chose to send, best attempt first per student."""
    return (
        Attempt.objects.filter(
            sitting=sitting,
            organization__in=organization_ids,
            journal=Attempt.Journal.SEND,
            mark__isnull=False,
        )
        .select_related("student", "organization")
        # Fixed (results pages): the student's first name and id before the mark, so that
        # two namesakes' attempts do not interleave and each student's best comes first.
        .order_by(
            "organization__short_name",
            "student_class",
            "student__last_name",
            "student__first_name",
            "student__patronymic",
            "student_id",
            "-mark",
            "-percent",
        )
    )


def regrade_question(*, actor: Any, sitting: Sitting, question: Question, reason: str) -> Regrade:
    """Put the question's current version (the corrected key) into every attempt of the
    sitting that was given an older one, and grade those attempts again. The old scores
    are kept in the record; answers are untouched. Only a version of the same shape can
    replace another: the students' answers point at its options."""
    if not access.can_regrade(actor, sitting):
        raise PermissionDeniedError(_("Перепроверять может тот, кто назначил тест."))
    if not reason.strip():
        raise DomainError(_("Укажите, что было исправлено в ключе: это увидят в истории."))
    # Fixed (results pages): the current version is read from the database; the caller's
    # `question` may have been loaded before the key was corrected (a stale current_version
    # made the re-grade answer «nothing to re-grade»).
    new_version = question.versions.get(number=F("question__current_version"))
    new_item = item_of_version(new_version.pk)
    with transaction.atomic():
        rows = list(
            AttemptItem.objects.select_for_update()
            .filter(attempt__sitting=sitting, question=question)
            .exclude(version=new_version)
            .select_related("attempt")
        )
        if not rows:
            raise DomainError(
                _("Во всех попытках уже стоит текущая версия вопроса: сначала исправьте ключ.")
            )
        old_versions = {row.version_id for row in rows}
        for version_id in old_versions:
            _check_same_shape(item_of_version(version_id), new_item)
        attempt_ids = {row.attempt_id for row in rows}
        attempts = {
            attempt.pk: attempt
            for attempt in Attempt.objects.select_for_update()
            .select_related("sitting__quiz")
            .filter(pk__in=attempt_ids)
        }
        old_scores = {pk: attempt.score for pk, attempt in attempts.items()}
        changes = []
        for row in rows:
            old = row.score
            row.version = new_version
            row.graded_by = (
                None if grading.is_scored(new_item) and not _is_essay(new_item) else row.graded_by
            )
            grade_items([row])
            row.save(update_fields=["version", "graded_by", *ITEM_GRADES])
            changes.append(
                {
                    "attempt": row.attempt_id,
                    "position": row.position,
                    "old": str(old) if old is not None else None,
                    "new": str(row.score) if row.score is not None else None,
                }
            )
        changed_attempts = 0
        for attempt in attempts.values():
            if not attempt.is_finished:
                continue
            compute_totals(attempt, list(attempt.items.all()))
            attempt.save(update_fields=TOTALS)
            changed_attempts += int(attempt.score != old_scores[attempt.pk])
        regrade = Regrade.objects.create(
            question=question,
            old_version_id=min(old_versions),
            new_version=new_version,
            sitting=sitting,
            actor=actor,
            reason=reason.strip(),
            attempts_changed=changed_attempts,
            changes=changes,
        )
        audit.record(
            actor=actor,
            action="testing.regraded",
            target=sitting,
            comment=_("«%(question)s»: %(reason)s; изменено попыток: %(count)d")
            % {"question": question.name, "reason": regrade.reason, "count": changed_attempts},
            district_id=sitting.district_id,
        )
    return regrade


def _is_essay(item: Any) -> bool:
    return bool(item.type.value == "essay")


def _check_same_shape(old: Any, new: Any) -> None:
    if old.type != new.type or (
        len(old.answers),
        len(old.pairs),
        len(old.cloze_parts),
    ) != (len(new.answers), len(new.pairs), len(new.cloze_parts)):
        raise DomainError(
            _(
                "Новая версия вопроса устроена иначе (другой тип или число вариантов): "
                "ответы обучающихся к ней не подходят. Исправьте ключ, не меняя вариантов."
            )
        )


def attempts_using_old_versions(sitting: Sitting) -> list[tuple[Question, int]]:
    """Questions of the sitting whose key was changed after students answered them, with
    how many answers used an older version: what the re-grade page offers."""
    rows = (
        AttemptItem.objects.filter(attempt__sitting=sitting)
        .exclude(version__number=F("question__current_version"))
        .values_list("question_id")
    )
    counts: dict[int, int] = {}
    for (question_id,) in rows:
        counts[question_id] = counts.get(question_id, 0) + 1
    questions = Question.objects.in_bulk(list(counts))
    return [(questions[pk], count) for pk, count in counts.items()]

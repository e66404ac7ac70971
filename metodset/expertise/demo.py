"""Demo expertise of the demo district, made through the services as people would: a
product recommended for publication (in «Лучшие практики», with certificates and a
protocol of the РМС), one under review waiting for the demo expert's score sheet, and a
fresh one in the department's queue."""

from django.db import transaction
from django.utils import timezone

from metodset.accounts.demo import demo_email
from metodset.accounts.models import User
from metodset.certificates.models import Certificate
from metodset.core.exceptions import DomainError
from metodset.expertise import permissions, services
from metodset.expertise.models import Assignment, Protocol, Submission, Verdict
from metodset.materials.models import Material

DEMO_DOMAIN = "@demo.metodset.ru"


def demo_expertise_exists() -> bool:
    return Submission.objects.filter(author__email__endswith=DEMO_DOMAIN).exists()


def delete_demo_expertise() -> None:
    with transaction.atomic():
        Certificate.objects.filter(
            source__startswith="expertise.", issued_by__email__endswith=DEMO_DOMAIN
        ).delete()
        Protocol.objects.filter(created_by__email__endswith=DEMO_DOMAIN).delete()
        Submission.objects.filter(author__email__endswith=DEMO_DOMAIN).delete()


def _material_of(author: User | None, skip: set[int]) -> Material | None:
    """A published material of the author (of any other demo author when None)."""
    materials = Material.objects.filter(
        status=Material.Status.PUBLISHED, author__email__endswith=DEMO_DOMAIN
    ).exclude(pk__in=skip)
    if author is not None:
        materials = materials.filter(author=author)
    else:
        taken = Material.objects.filter(pk__in=skip).values("author_id")
        materials = materials.exclude(author_id__in=taken)
    return materials.order_by("pk").first()


def _of(author: User) -> set[int]:
    return set(Material.objects.filter(author=author).values_list("pk", flat=True))


def _assign(
    methodist: User, submission: Submission, experts: list[User], count: int
) -> list[Assignment]:
    done: list[Assignment] = []
    for expert in experts:
        if len(done) == count:
            break
        try:
            done.append(
                services.assign_expert(actor=methodist, submission=submission, expert=expert)
            )
        except DomainError:
            continue  # a conflict of interest: the next expert
    return done


def _review(assignment: Assignment, score: int, summary: str) -> None:
    criteria = services.criteria_of(assignment.submission)
    services.submit_review(
        actor=assignment.expert,
        assignment=assignment,
        scores={
            c.pk: (min(score, c.max_score), f"{c.title}: требования выполнены.") for c in criteria
        },
        recommendation=Verdict.PUBLICATION if score >= 4 else Verdict.REVISION,
        summary=summary,
    )


def build_demo_expertise() -> int:
    methodist = User.objects.get(email=demo_email("methodist"))
    demo_expert = User.objects.get(email=demo_email("expert"))
    teacher = User.objects.get(email=demo_email("teacher"))
    teacher2 = User.objects.get(email=demo_email("teacher2"))
    director = User.objects.get(email=demo_email("director"))
    used: set[int] = set()
    made = 0

    # A recommended product: two experts, a decision, certificates, a protocol.
    product = _material_of(teacher2, used) or _material_of(None, used | _of(teacher))
    if product is not None:
        used.add(product.pk)
        best = services.submit_for_expertise(
            actor=product.author,
            material=product,
            purpose="publication",
            note="Прошу рассмотреть для публикации в региональном сборнике.",
        )
        pool = [
            *list(permissions.expert_pool(best.district).exclude(pk=demo_expert.pk)),
            demo_expert,
        ]
        for assignment in _assign(methodist, best, pool, 2):
            _review(assignment, 5, "Продукт целостный, задания проработаны, можно публиковать.")
        services.decide_submission(
            actor=methodist,
            submission=best,
            decision=Verdict.PUBLICATION,
            comment="Эксперты единодушно высоко оценили методическую ценность и практическую "
            "значимость. Рекомендовано к публикации в региональном сборнике.",
        )
        services.create_protocol(
            actor=methodist,
            district=best.district,
            number="1",
            held_on=timezone.localdate(),
            chair=methodist.short_name,
            secretary=demo_expert.short_name,
            members=[a.expert for a in best.assignments.all()],
            submissions=[best],
        )
        made += 1

    # Under review: one expert has scored, the demo expert has not yet.
    product = _material_of(teacher, used)
    if product is not None:
        used.add(product.pk)
        pending = services.submit_for_expertise(
            actor=teacher, material=product, purpose="generalization", is_blind=True
        )
        others = list(permissions.expert_pool(pending.district).exclude(pk=demo_expert.pk))
        first = _assign(methodist, pending, others, 1)
        for assignment in first:
            _review(assignment, 4, "Опыт обобщён, есть что распространить в сети.")
        _assign(methodist, pending, [demo_expert], 1)
        made += 1

    # Fresh in the department's queue.
    product = _material_of(director, used) or _material_of(None, used | _of(teacher))
    if product is not None:
        services.submit_for_expertise(
            actor=product.author, material=product, purpose="contest", is_blind=False
        )
        made += 1
    return made

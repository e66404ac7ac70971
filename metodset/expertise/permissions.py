"""Who may submit, see, assign, review and decide in the expertise: the one source of truth
for pages, the API and tasks. Conflicts of interest are stated here too, with their
reasons in Russian."""

from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from metodset.accounts.models import District, Membership, Role, User
from metodset.accounts.permissions import (
    districts_managed_by,
    is_network_staff,
    manages_area,
    roles_of,
)
from metodset.expertise.models import Assignment, Protocol, Submission
from metodset.groups import permissions as group_permissions
from metodset.groups.models import GroupMember
from metodset.materials import permissions as material_permissions
from metodset.materials.models import Material


def manages(user: Any, submission: Submission) -> bool:
    """The district's department (its methodists), the region, a superuser."""
    return manages_area(roles_of(user), submission.district_id, submission.district.region_id)


def manages_district(user: Any, district: Any) -> bool:
    return manages_area(roles_of(user), district.pk, district.region_id)


def can_view_queue(user: Any) -> bool:
    roles = roles_of(user)
    return roles.is_superuser or bool(roles.district_ids or roles.region_ids)


# --- Submitting ---------------------------------------------------------------------------


def can_submit(user: Any, material: Material) -> bool:
    """The author of a published material, or the leader of a group the material was
    published into (an РПГ hands in its product)."""
    if not getattr(user, "is_authenticated", False) or not is_network_staff(roles_of(user)):
        return False
    if material.status != Material.Status.PUBLISHED:
        return False
    if material.author_id == user.pk:
        return True
    return bool(groups_for_submission(user, material))


def groups_for_submission(user: Any, material: Material) -> list[Any]:
    """Groups the person leads that the material belongs to (published into or their
    product)."""
    led = group_permissions.groups_led_by(user)
    return list(led.filter(Q(material_links__material=material) | Q(product=material)).distinct())


def is_submitter(user: Any, submission: Submission) -> bool:
    uid = getattr(user, "pk", None)
    return uid is not None and uid in {submission.author_id, submission.material.author_id}


def can_withdraw(user: Any, submission: Submission) -> bool:
    return is_submitter(user, submission) and submission.status in {
        Submission.Status.SUBMITTED,
        Submission.Status.IN_REVIEW,
        Submission.Status.REVISION,
    }


def can_resubmit(user: Any, submission: Submission) -> bool:
    return is_submitter(user, submission) and submission.status == Submission.Status.REVISION


# --- Seeing ---------------------------------------------------------------------------------


def assignment_of(user: Any, submission: Submission) -> Assignment | None:
    """The person's latest assignment on the submission, if they are its expert."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Assignment.objects.filter(submission=submission, expert=user)
        .order_by("-round", "-pk")
        .first()
    )


def can_view_submission(user: Any, submission: Submission) -> bool:
    if manages(user, submission) or is_submitter(user, submission):
        return True
    return assignment_of(user, submission) is not None


def submissions_visible_to(user: Any) -> QuerySet[Submission]:
    roles = roles_of(user)
    if roles.is_superuser:
        return Submission.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Submission.objects.none()
    return Submission.objects.filter(
        Q(district__in=roles.district_ids)
        | Q(district__region__in=roles.region_ids)
        | Q(author=user)
        | Q(material__author=user)
        | Q(pk__in=Assignment.objects.filter(expert=user).values("submission_id"))
    ).distinct()


def sees_author(user: Any, submission: Submission) -> bool:
    """In a blind expertise the experts see neither the author's name nor the school."""
    if not submission.is_blind:
        return True
    return manages(user, submission) or is_submitter(user, submission)


def can_view_reviews(user: Any, submission: Submission) -> bool:
    """The department sees the reviews with the experts' names; the author sees them
    (anonymized) once there is a decision or a return for revision."""
    if manages(user, submission):
        return True
    return is_submitter(user, submission) and submission.status in {
        Submission.Status.REVISION,
        Submission.Status.DECIDED,
    }


def sees_experts(user: Any, submission: Submission) -> bool:
    """Experts' names: the department only (reviews reach the author anonymized)."""
    return manages(user, submission)


# --- Organizing -----------------------------------------------------------------------------


def expert_pool(district: Any) -> QuerySet[User]:
    """The district's РМС: people with the expert role in one of its organizations."""
    return User.objects.filter(
        is_active=True,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Role.EXPERT,
        memberships__organization__district=district,
    ).distinct()


def can_assign(user: Any, submission: Submission, *, check_state: bool = True) -> bool:
    if check_state and submission.status not in Submission.OPEN:
        return False
    return manages(user, submission)


def can_decide(user: Any, submission: Submission, *, check_state: bool = True) -> bool:
    if check_state and submission.status != Submission.Status.IN_REVIEW:
        return False
    return manages(user, submission)


def _staff_orgs(person: Any) -> set[int]:
    return set(
        Membership.objects.active()
        .filter(
            user=person,
            role__in=[Role.TEACHER, Role.SCHOOL_ADMIN, Role.EXPERT, Role.DISTRICT_METHODIST],
        )
        .exclude(organization__kind__is_education_authority=True)
        .values_list("organization_id", flat=True)
    )


def conflicts_of(expert: Any, submission: Submission) -> list[str]:
    """Why the expert may not review this submission (empty when nothing stands in the
    way): the author, a co-author, a colleague of the author's school, a member of a group
    with the author (or of the submitting group)."""
    material = submission.material
    authors = {material.author_id, submission.author_id}
    reasons = []
    if expert.pk in authors:
        reasons.append(_("эксперт — автор материала"))
    if material.coauthors.filter(pk=expert.pk).exists():
        reasons.append(_("эксперт — соавтор материала"))
    author_orgs = set().union(*(_staff_orgs(pk) for pk in authors))
    if _staff_orgs(expert.pk) & author_orgs:
        reasons.append(_("эксперт работает в одной организации с автором"))
    shared = GroupMember.objects.filter(user=expert, status=GroupMember.Status.ACTIVE).filter(
        Q(group__members__user__in=authors, group__members__status=GroupMember.Status.ACTIVE)
        | Q(group=submission.group_id)
    )
    if shared.exists():
        reasons.append(_("эксперт состоит в одном объединении с автором"))
    return reasons


def can_review(user: Any, assignment: Assignment) -> bool:
    return (
        assignment.expert_id == getattr(user, "pk", None)
        and assignment.is_open
        and assignment.round == assignment.submission.round
        and assignment.submission.status == Submission.Status.IN_REVIEW
    )


def can_decline(user: Any, assignment: Assignment) -> bool:
    return can_review(user, assignment)


def can_view_assignment(user: Any, assignment: Assignment) -> bool:
    return assignment.expert_id == getattr(user, "pk", None) or manages(user, assignment.submission)


def material_visible(user: Any, material: Material) -> bool:
    return material_permissions.can_view_material(user, material)


# --- The department's records: experts' work, protocols ----------------------------------


def can_view_expert(user: Any, expert: Any) -> bool:
    """The department's view of one expert's work: for those who oversee a district where
    the person is in the РМС (the expert role) or was assigned a submission. One's own
    work is «Моя экспертиза», not this."""
    district_ids = set(roles_of(expert).expert_district_ids) | set(
        Assignment.objects.filter(expert=expert).values_list("submission__district_id", flat=True)
    )
    return any(
        manages_district(user, district)
        for district in District.objects.filter(pk__in=district_ids)
    )


def experts_visible_to(user: Any) -> QuerySet[User]:
    """The people whose expert's page `can_view_expert` opens to the user."""
    managed = districts_managed_by(user)
    in_council = (
        Membership.objects.active()
        .filter(role=Role.EXPERT, user__is_active=True, organization__district__in=managed)
        .values("user_id")
    )
    assigned = Assignment.objects.filter(submission__district__in=managed).values("expert_id")
    return User.objects.filter(Q(pk__in=in_council) | Q(pk__in=assigned))


def can_manage_protocols(user: Any, district: Any) -> bool:
    """The district's department keeps the protocols of its РМС (and its criteria sets);
    the region's methodists and a superuser too."""
    return manages_district(user, district)


def protocol_districts_for(user: Any) -> QuerySet[District]:
    """The districts `can_manage_protocols` allows: the person's own district first, then
    by name (a regional methodist's list holds a few dozen). The admin scopes criteria
    sets by the same list."""
    own = sorted(roles_of(user).district_ids)
    districts = districts_managed_by(user).select_related("region")
    if not own:
        # Not a CASE with no WHEN left: it compiles to a constant, and PostgreSQL reads
        # `ORDER BY 1` as the first column.
        return districts.order_by("name", "pk")
    return districts.order_by(Case(When(pk__in=own, then=Value(0)), default=Value(1)), "name", "pk")


def can_view_protocol(user: Any, protocol: Protocol) -> bool:
    return can_manage_protocols(user, protocol.district)


def protocols_visible_to(user: Any) -> QuerySet[Protocol]:
    return Protocol.objects.filter(district__in=districts_managed_by(user))

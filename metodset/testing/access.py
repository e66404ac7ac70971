"""Who may build tests, assign them, take them and see the results: the one source of truth
for quizzes, sittings and attempts (the bank's questions are in `permissions`).

Students' results are personal data of minors (DOMAIN.md): a student and their parents see
their own; the teachers and the head of the student's school see the school's students;
the one who assigned the test and the district's methodists see everyone it was given to.
A teacher of another school sees only figures without names.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from metodset.accounts import permissions as people
from metodset.accounts.models import Membership, Organization, Role
from metodset.groups.models import GroupMember
from metodset.testing.models import Attempt, Quiz, Sitting, SittingTarget, normalize_class

# --- Tests ------------------------------------------------------------------------------


def can_create_quiz(user: Any) -> bool:
    """Teachers, school heads, methodists and experts assemble tests."""
    return people.is_network_staff(people.roles_of(user))


def can_view_quiz(user: Any, quiz: Quiz) -> bool:
    """Agrees with quizzes_visible_to; a test carries its key, so never students."""
    roles = people.roles_of(user)
    if not people.is_network_staff(roles):
        return False
    return (
        roles.is_superuser
        or quiz.author_id == user.pk
        or quiz.visibility == "network"
        or (quiz.visibility == "school" and quiz.organization_id in roles.staff_org_ids)
    )


def quizzes_visible_to(user: Any) -> QuerySet[Quiz]:
    roles = people.roles_of(user)
    if not people.is_network_staff(roles):
        return Quiz.objects.none()
    if roles.is_superuser:
        return Quiz.objects.all()
    return Quiz.objects.filter(
        Q(author=user.pk)
        | Q(visibility="network")
        | Q(visibility="school", organization__in=roles.staff_org_ids)
    )


def can_edit_quiz(user: Any, quiz: Quiz) -> bool:
    """Its author; attempts already made keep the questions they were given."""
    roles = people.roles_of(user)
    return roles.is_superuser or (quiz.author_id == user.pk and people.is_network_staff(roles))


# --- Sittings ---------------------------------------------------------------------------


def organizations_assignable_by(user: Any) -> QuerySet[Organization]:
    """Whose classes one may give a test to: one's own schools; a methodist, every school of
    the district (the monthly test of several schools is set by the district or by a
    teacher who works in each of them)."""
    roles = people.roles_of(user)
    if roles.is_superuser:
        return Organization.objects.filter(is_active=True)
    return Organization.objects.filter(is_active=True).filter(
        Q(pk__in=roles.staff_org_ids)
        | Q(district__in=roles.district_ids)
        | Q(region__in=roles.region_ids)
    )


def can_assign_organization(user: Any, organization: Organization) -> bool:
    """Agrees with organizations_assignable_by."""
    roles = people.roles_of(user)
    return (
        roles.is_superuser
        or organization.pk in roles.staff_org_ids
        or people.manages_area(roles, organization.district_id, organization.region_id)
    )


def can_assign_quiz(user: Any, quiz: Quiz) -> bool:
    """One assigns a test one sees."""
    return can_view_quiz(user, quiz)


def can_manage_sitting(user: Any, sitting: Sitting) -> bool:
    """Who assigned it, and the district's methodists: change, cancel, re-grade, see all."""
    roles = people.roles_of(user)
    return (
        roles.is_superuser
        or sitting.created_by_id == user.pk
        or people.manages_area(roles, sitting.district_id, sitting.district.region_id)
    )


def can_cancel_sitting(user: Any, sitting: Sitting, *, check_state: bool = True) -> bool:
    """Its managers, while it is not cancelled and nobody has finished the test (results
    are never thrown away)."""
    if not can_manage_sitting(user, sitting):
        return False
    return not check_state or (
        not sitting.is_cancelled and not sitting.attempts.filter(status="finished").exists()
    )


def _target_org_ids(sitting: Sitting) -> set[int]:
    return {
        org_id
        for org_id in sitting.targets.values_list("organization_id", flat=True)
        if org_id is not None
    }


def can_view_sitting(user: Any, sitting: Sitting) -> bool:
    """Managers, staff of a school it was given to, and the students it was given to."""
    roles = people.roles_of(user)
    if can_manage_sitting(user, sitting):
        return True
    if roles.staff_org_ids & _target_org_ids(sitting):
        return True
    return is_target_student(user, sitting)


def can_view_sitting_as_staff(user: Any, sitting: Sitting) -> bool:
    """Agrees with sittings_visible_to: the staff's view (students, results), not the
    student's card."""
    roles = people.roles_of(user)
    if not (people.is_network_staff(roles) or roles.is_superuser):
        return False
    return can_manage_sitting(user, sitting) or bool(roles.staff_org_ids & _target_org_ids(sitting))


def sittings_visible_to(user: Any) -> QuerySet[Sitting]:
    """The staff's list: what one assigned, what one's schools take, one's district's."""
    roles = people.roles_of(user)
    if roles.is_superuser:
        return Sitting.objects.all()
    if not people.is_network_staff(roles):
        return Sitting.objects.none()
    schools = SittingTarget.objects.filter(
        sitting=OuterRef("pk"), organization__in=roles.staff_org_ids
    )
    return Sitting.objects.filter(
        Q(created_by=user.pk)
        | Q(district__in=roles.district_ids)
        | Q(district__region__in=roles.region_ids)
        | Exists(schools)
    )


def class_matches(target_class: str, student_class: str) -> bool:
    """«7Б» takes 7Б only; a bare number «7» takes the whole parallel (7А, 7Б, …)."""
    target, student = normalize_class(target_class), normalize_class(student_class)
    if target == student:
        return True
    return (
        target.isdigit() and student.startswith(target) and not student[len(target) :][:1].isdigit()
    )


def student_place(user: Any, sitting: Sitting) -> Membership | None:
    """The student membership by which `user` is given this sitting, or None."""
    roles = people.roles_of(user)
    if not roles.student_org_ids:
        return None
    memberships = list(
        Membership.objects.active().filter(
            user=user.pk, role=Role.STUDENT, organization__in=roles.student_org_ids
        )
    )
    targets = list(sitting.targets.all())
    for target in targets:
        if target.group_id is not None:
            continue
        for membership in memberships:
            if membership.organization_id == target.organization_id and class_matches(
                target.student_class, membership.student_class
            ):
                return membership
    group_ids = [target.group_id for target in targets if target.group_id is not None]
    if (
        group_ids
        and memberships
        and GroupMember.objects.filter(
            group__in=group_ids, user=user.pk, status=GroupMember.Status.ACTIVE
        ).exists()
    ):
        return memberships[0]
    return None


def is_target_student(user: Any, sitting: Sitting) -> bool:
    return student_place(user, sitting) is not None


def sittings_for_student(user: Any) -> QuerySet[Sitting]:
    """Sittings that may be given to this student (a superset, narrowed by `student_place`:
    class names are compared after folding, which SQL does not do)."""
    roles = people.roles_of(user)
    if not roles.student_org_ids:
        return Sitting.objects.none()
    group_ids = GroupMember.objects.filter(user=user.pk, status=GroupMember.Status.ACTIVE).values(
        "group_id"
    )
    targets = SittingTarget.objects.filter(sitting=OuterRef("pk")).filter(
        Q(organization__in=roles.student_org_ids) | Q(group__in=group_ids)
    )
    return Sitting.objects.filter(Exists(targets), is_cancelled=False)


def can_start_attempt(user: Any, sitting: Sitting, *, check_state: bool = True) -> bool:
    """A student it was given to, while it is open (`services.attempts` names the reason)."""
    if not is_target_student(user, sitting):
        return False
    return not check_state or sitting.is_open(timezone.now())


# --- Attempts and results ---------------------------------------------------------------


def can_view_attempt(user: Any, attempt: Attempt) -> bool:
    """Agrees with attempts_visible_to: the student, their parents, the staff of the school
    where they took it, and the sitting's managers."""
    roles = people.roles_of(user)
    return (
        attempt.student_id == user.pk
        or attempt.student_id in roles.child_ids
        or attempt.organization_id in roles.staff_org_ids
        or can_manage_sitting(user, attempt.sitting)
    )


def attempts_visible_to(user: Any) -> QuerySet[Attempt]:
    roles = people.roles_of(user)
    if roles.is_superuser:
        return Attempt.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Attempt.objects.none()
    return Attempt.objects.filter(
        Q(student=user.pk)
        | Q(student__in=roles.child_ids)
        | Q(organization__in=roles.staff_org_ids)
        | Q(sitting__created_by=user.pk)
        | Q(sitting__district__in=roles.district_ids)
        | Q(sitting__district__region__in=roles.region_ids)
    )


def can_review_answers(user: Any, attempt: Attempt, *, check_state: bool = True) -> bool:
    """The questions of a finished attempt with the right answers and feedback (added for the
    student's result page): the staff who see the attempt always — they hold the key —; the
    student and their parents as the test's `review` allows: never («score»), right after
    finishing («after_submit») or once the sitting has closed («after_close»)."""
    if not can_view_attempt(user, attempt):
        return False
    if check_state and not attempt.is_finished:
        return False
    roles = people.roles_of(user)
    if attempt.organization_id in roles.staff_org_ids or can_manage_sitting(user, attempt.sitting):
        return True
    review = attempt.sitting.quiz.review
    if review == Quiz.Review.SCORE_ONLY:
        return False
    if review == Quiz.Review.AFTER_CLOSE and check_state:
        return attempt.sitting.is_closed(timezone.now())
    return True


def can_see_names_of(user: Any, sitting: Sitting, organization_id: int) -> bool:
    """Whether results of this school's students are shown by name (else only figures)."""
    roles = people.roles_of(user)
    return organization_id in roles.staff_org_ids or can_manage_sitting(user, sitting)


def can_grade_attempt(user: Any, attempt: Attempt) -> bool:
    """A teacher of the student's school or the sitting's manager grades essays."""
    roles = people.roles_of(user)
    return attempt.organization_id in roles.teacher_org_ids | roles.admin_org_ids or (
        can_manage_sitting(user, attempt.sitting)
    )


def can_decide_journal(user: Any, attempt: Attempt, *, check_state: bool = True) -> bool:
    """Only the student decides whether the mark goes to the class journal (004, slide 9)."""
    if attempt.student_id != user.pk:
        return False
    return not check_state or (attempt.is_finished and attempt.mark is not None)


def can_view_journal(user: Any, organization: Organization) -> bool:
    """The school's teachers and head see the marks its students chose to send."""
    roles = people.roles_of(user)
    return organization.pk in roles.staff_org_ids or people.manages_area(
        roles, organization.district_id, organization.region_id
    )


def can_regrade(user: Any, sitting: Sitting) -> bool:
    return can_manage_sitting(user, sitting)


# --- Results, grading and progress (added with the results pages) ------------------------


def can_view_results(user: Any, sitting: Sitting) -> bool:
    """The figures of a sitting (summary, schools, classes, item statistics): its managers
    and the staff of a school it was given to; names only as `can_see_names_of` allows."""
    roles = people.roles_of(user)
    return can_manage_sitting(user, sitting) or bool(roles.staff_org_ids & _target_org_ids(sitting))


def attempts_gradable_by(user: Any) -> QuerySet[Attempt]:
    """Agrees with can_grade_attempt: the attempts of one's schools and of the sittings one
    manages (not one's own or one's children's, which `attempts_visible_to` includes)."""
    roles = people.roles_of(user)
    if roles.is_superuser:
        return Attempt.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Attempt.objects.none()
    return Attempt.objects.filter(
        Q(organization__in=roles.teacher_org_ids | roles.admin_org_ids)
        | Q(sitting__created_by=user.pk)
        | Q(sitting__district__in=roles.district_ids)
        | Q(sitting__district__region__in=roles.region_ids)
    )


def can_view_progress(user: Any, student: Any) -> bool:
    """A student's results month by month: the student, their parents, the staff of their
    school and the district's methodists (who see their personal data). Which attempts
    the page lists is still `attempts_visible_to`."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = people.roles_of(user)
    return (
        user.pk == student.pk
        or student.pk in roles.child_ids
        or (people.is_network_staff(roles) and people.can_view_personal_data(user, student))
    )

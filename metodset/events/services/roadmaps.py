"""Road maps (сетевые графики): planning joint events of two or more organizations, a group
or the district by month for an academic year; a line becomes an event when scheduled, and
is held, moved or cancelled (with a reason)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from metodset.accounts.models import District, Membership, Organization, Role, User
from metodset.accounts.selectors import search_people
from metodset.core import audit
from metodset.core.exceptions import DomainError
from metodset.core.models import AcademicYear
from metodset.events import permissions
from metodset.events.models import Event, EventKind, RoadMap, RoadMapLine
from metodset.events.services.common import deny
from metodset.groups.models import Group, GroupMember


def _district_for(
    actor: User, organizations: Sequence[Organization], group: Group | None
) -> District:
    if group is not None:
        return group.district
    districts = {org.district for org in organizations if org.district is not None}
    if len(districts) != 1:
        raise DomainError(_("Организации сетевого графика должны быть одного района."))
    return districts.pop()


def create_road_map(
    *,
    actor: User,
    title: str,
    academic_year: AcademicYear,
    organizations: Sequence[Organization] = (),
    group: Group | None = None,
    goal: str = "",
) -> RoadMap:
    """Two or more organizations (one of them the author's, for a school head), a group
    (its leader) or the district (its methodist) plan their joint work."""
    if not permissions.can_create_road_map(actor):
        raise deny()
    if not title.strip():
        raise DomainError(_("У сетевого графика должно быть название."))
    if group is None and len(organizations) < 2:
        raise DomainError(_("Сетевой график составляют две и более организации (или объединение)."))
    district = _district_for(actor, organizations, group)
    if not permissions.may_plan_for(actor, district, organizations, group):
        raise DomainError(
            _("Сетевой график составляет руководитель одной из организаций или объединения.")
        )
    with transaction.atomic():
        road_map = RoadMap.objects.create(
            title=title.strip(),
            district=district,
            academic_year=academic_year,
            group=group,
            goal=goal.strip(),
            created_by=actor,
        )
        road_map.organizations.set(organizations)
        audit.record(
            actor=actor, action="road_map.created", target=road_map, district_id=district.pk
        )
    return road_map


def update_road_map(
    *,
    actor: User,
    road_map: RoadMap,
    title: str,
    goal: str = "",
    organizations: Sequence[Organization] | None = None,
) -> RoadMap:
    if not permissions.can_manage_road_map(actor, road_map):
        raise deny()
    if not title.strip():
        raise DomainError(_("У сетевого графика должно быть название."))
    if organizations is not None and road_map.group_id is None and len(organizations) < 2:
        raise DomainError(_("Сетевой график составляют две и более организации."))
    with transaction.atomic():
        road_map.title, road_map.goal = title.strip(), goal.strip()
        road_map.save(update_fields=["title", "goal", "updated_at"])
        if organizations is not None:
            if _district_for(actor, organizations, road_map.group) != road_map.district:
                raise DomainError(_("Организации сетевого графика должны быть одного района."))
            if not permissions.may_plan_for(
                actor, road_map.district, organizations, road_map.group
            ):
                raise DomainError(
                    _("Среди организаций сетевого графика должна остаться ваша организация.")
                )
            road_map.organizations.set(organizations)
        audit.record(
            actor=actor,
            action="road_map.updated",
            target=road_map,
            district_id=road_map.district_id,
        )
    return road_map


def _check_month(road_map: RoadMap, month: datetime.date) -> datetime.date:
    month = month.replace(day=1)
    year = road_map.academic_year
    if not (year.starts_on.replace(day=1) <= month <= year.ends_on):
        raise DomainError(_("Месяц должен входить в учебный год %(year)s.") % {"year": str(year)})
    return month


def save_line(
    *,
    actor: User,
    road_map: RoadMap,
    line: RoadMapLine | None = None,
    month: datetime.date,
    title: str,
    kind: EventKind | None = None,
    audience: str = "",
    responsible_people: Sequence[User] = (),
    responsible_organizations: Sequence[Organization] = (),
) -> RoadMapLine:
    """Add a planned joint event, or change one."""
    if not permissions.can_manage_road_map(actor, road_map):
        raise deny()
    if not title.strip():
        raise DomainError(_("Назовите мероприятие."))
    month = _check_month(road_map, month)
    with transaction.atomic():
        created = line is None
        if line is None:
            line = RoadMapLine(road_map=road_map, position=road_map.lines.count() + 1)
        elif line.road_map_id != road_map.pk:
            raise deny()
        line.month, line.title, line.kind, line.audience = month, title.strip(), kind, audience
        line.save()
        line.responsible_people.set(responsible_people)
        line.responsible_organizations.set(responsible_organizations)
        audit.record(
            actor=actor,
            action="road_map.line",
            target=road_map,
            to_state="+" if created else "~",
            comment=line.title,
            district_id=road_map.district_id,
        )
    return line


def is_deletable(line: RoadMapLine) -> bool:
    """A line is deleted only before it was scheduled; afterwards it is cancelled."""
    return line.event_id is None


def delete_line(*, actor: User, line: RoadMapLine) -> None:
    if not permissions.can_manage_road_map(actor, line.road_map):
        raise deny()
    if not is_deletable(line):
        raise DomainError(
            _("По строке уже назначено мероприятие: отмените его или отметьте строку отменённой.")
        )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="road_map.line",
            target=line.road_map,
            to_state="-",
            comment=line.title,
            district_id=line.road_map.district_id,
        )
        line.delete()


def set_line_status(
    *,
    actor: User,
    line: RoadMapLine,
    status: str,
    reason: str = "",
    moved_to: datetime.date | None = None,
) -> RoadMapLine:
    """Held, moved (to a month, with a reason), cancelled (with a reason) or planned again."""
    if not permissions.can_manage_road_map(actor, line.road_map):
        raise deny()
    if status not in RoadMapLine.TRANSITIONS.get(line.status, set()):
        raise DomainError(
            _("Из состояния «%(from)s» в «%(to)s» перевести нельзя.")
            % {"from": line.get_status_display(), "to": RoadMapLine.Status(status).label}
        )
    if status in RoadMapLine.NEEDS_REASON and not reason.strip():
        raise DomainError(_("Укажите причину переноса или отмены."))
    if status == RoadMapLine.Status.MOVED:
        if moved_to is None:
            raise DomainError(_("Укажите, на какой месяц перенесено."))
        moved_to = _check_month(line.road_map, moved_to)
    return _set_status(actor, line, status, reason.strip(), moved_to)


def _set_status(
    actor: Any, line: RoadMapLine, status: str, reason: str, moved_to: datetime.date | None
) -> RoadMapLine:
    with transaction.atomic():
        before, month_before = line.status, line.month
        line.status, line.status_reason = status, reason
        changes: dict[str, Any] = {"line": line.pk}
        if status == RoadMapLine.Status.MOVED and moved_to is not None:
            line.moved_to = moved_to
            line.moved_from = month_before
            line.month = moved_to
            changes["month"] = [month_before.isoformat(), moved_to.isoformat()]
        line.save(update_fields=["status", "status_reason", "moved_to", "moved_from", "month"])
        audit.record(
            actor=actor,
            action="road_map.line",
            target=line.road_map,
            from_state=before,
            to_state=status,
            comment=f"{line.title}: {reason}" if reason else line.title,
            changes=changes,
            district_id=line.road_map.district_id,
        )
    return line


def link_event(*, actor: User, line: RoadMapLine, event: Event) -> RoadMapLine:
    """The line was scheduled: it now points at its event in the calendar."""
    if not permissions.can_manage_road_map(actor, line.road_map):
        raise deny()
    if not permissions.can_manage_event(actor, event):
        raise deny()
    if line.event_id is not None and line.event_id != event.pk:
        raise DomainError(_("По этой строке уже назначено мероприятие."))
    with transaction.atomic():
        line.event = event
        line.save(update_fields=["event"])
        audit.record(
            actor=actor,
            action="road_map.line",
            target=line.road_map,
            to_state="event",
            comment=line.title,
            district_id=line.road_map.district_id,
        )
    return line


def event_held(*, actor: Any, event: Event) -> None:
    """Attendance was marked: the line the event came from is «проведено»."""
    line = RoadMapLine.objects.filter(event=event).select_related("road_map").first()
    if line is not None and RoadMapLine.Status.HELD in RoadMapLine.TRANSITIONS[line.status]:
        _set_status(actor, line, RoadMapLine.Status.HELD, "", None)


def event_cancelled(*, actor: Any, event: Event) -> None:
    """The event was cancelled: its line is cancelled with the same reason."""
    line = RoadMapLine.objects.filter(event=event).select_related("road_map").first()
    if line is not None and line.status in {RoadMapLine.Status.PLANNED, RoadMapLine.Status.MOVED}:
        _set_status(actor, line, RoadMapLine.Status.CANCELLED, event.cancel_reason, None)


def progress_of(road_map: RoadMap) -> tuple[int, int]:
    """(held, planned): planned counts every line that was not cancelled."""
    statuses = list(road_map.lines.values_list("status", flat=True))
    held = statuses.count(RoadMapLine.Status.HELD)
    planned = len([s for s in statuses if s != RoadMapLine.Status.CANCELLED])
    return held, planned


# --- Reading: the plan as the page, the DOCX and the XLSX show it ----------------------------


def month_title(month: datetime.date) -> str:
    """«Октябрь 2026»: a heading of the plan."""
    return formats.date_format(month, "F Y")


def month_text(month: datetime.date) -> str:
    """«октябрь 2026»: a term (срок) in a table cell."""
    return formats.date_format(month, "F Y").lower()


def months_of(year: AcademicYear) -> list[datetime.date]:
    """The first days of the academic year's months, September to August."""
    first = year.starts_on.replace(day=1)
    months = []
    for step in range(12):
        index = first.month - 1 + step
        month = datetime.date(first.year + index // 12, index % 12 + 1, 1)
        if month > year.ends_on:
            break
        months.append(month)
    return months


def years_to_plan() -> list[AcademicYear]:
    """A new road map is for the current academic year or the next one."""
    current = AcademicYear.objects.current()
    following = AcademicYear.objects.for_date(current.ends_on + datetime.timedelta(days=1))
    return [current, following]


def people_to_pick(road_map: RoadMap, *, text: str = "", limit: int = 20) -> QuerySet[User]:
    """Who may be named responsible for a line: teachers, heads and methodists of the road
    map's district, found by words of the name (nobody for an empty search)."""
    staff = Membership.objects.active().filter(
        organization__district_id=road_map.district_id,
        role__in=[Role.TEACHER, Role.SCHOOL_ADMIN, Role.DISTRICT_METHODIST],
    )
    people = User.objects.filter(is_active=True, pk__in=staff.values("user"))
    if not text.strip():
        return people
    return search_people(people, text=text, match_email=False)[:limit]


def organizations_to_pick(road_map: RoadMap) -> QuerySet[Organization]:
    """The organizations a line may name responsible: the road map's own, or, for a group's
    road map without them, the district's."""
    own = road_map.organizations.all()
    if own.exists():
        return own
    return Organization.objects.active().filter(district_id=road_map.district_id)


def with_progress(road_maps: QuerySet[RoadMap]) -> QuerySet[RoadMap]:
    """Each road map with `held_count` and `planned_count`, the numbers of progress_of(),
    counted in the same query as the list."""
    return road_maps.annotate(
        held_count=Count("lines", filter=Q(lines__status=RoadMapLine.Status.HELD)),
        planned_count=Count("lines", filter=~Q(lines__status=RoadMapLine.Status.CANCELLED)),
    )


@dataclass
class PlanRow:
    """One line of the plan with what its cells show."""

    number: int
    line: RoadMapLine
    moved_from: datetime.date | None = None
    people: list[User] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)

    @property
    def month_text(self) -> str:
        return month_text(self.line.month)

    @property
    def next_statuses(self) -> set[str]:
        return {str(status) for status in RoadMapLine.TRANSITIONS.get(self.line.status, set())}

    @property
    def is_deletable(self) -> bool:
        return is_deletable(self.line)

    @property
    def may_be_scheduled(self) -> bool:
        """Still waiting for its event in the calendar."""
        return self.line.event_id is None and self.line.status in {
            RoadMapLine.Status.PLANNED,
            RoadMapLine.Status.MOVED,
        }

    @property
    def moved_from_month(self) -> str:
        """«октябрь 2026», while the line stands in another month than it was planned."""
        if self.moved_from is None or self.moved_from == self.line.month:
            return ""
        return month_text(self.moved_from)

    @property
    def moved_from_text(self) -> str:
        """«перенесено с октября 2026», while the line stands in another month."""
        if self.moved_from is None or self.moved_from == self.line.month:
            return ""
        return _("перенесено с %(month)s") % {"month": formats.date_format(self.moved_from, "E Y")}

    @property
    def responsible_text(self) -> str:
        names = [person.short_name for person in self.people]
        names += [organization.short_name for organization in self.organizations]
        return "; ".join(names)

    @property
    def completion_mark(self) -> str:
        """The «отметка о выполнении» of the paper form: empty while only planned;
        «перенесено с ноября 2026; причина: карантин» for a move."""
        line = self.line
        if line.status == RoadMapLine.Status.PLANNED:
            return ""
        mark = line.get_status_display()
        if self.moved_from_text:
            if line.status == RoadMapLine.Status.MOVED:
                mark = self.moved_from_text
            else:
                mark = f"{mark} ({self.moved_from_text})"
        if line.status_reason:
            mark = _("%(mark)s; причина: %(reason)s") % {
                "mark": mark,
                "reason": line.status_reason,
            }
        return str(mark)


@dataclass
class PlanMonth:
    month: datetime.date
    rows: list[PlanRow]

    @property
    def title(self) -> str:
        return month_title(self.month)


def plan_of(road_map: RoadMap) -> list[PlanMonth]:
    """Every month of the road map's academic year with its lines, numbered through."""
    lines = list(
        road_map.lines.select_related("kind", "event").prefetch_related(
            "responsible_people", "responsible_organizations"
        )
    )
    by_month: dict[datetime.date, list[RoadMapLine]] = {
        month: [] for month in months_of(road_map.academic_year)
    }
    for line in lines:
        by_month.setdefault(line.month, []).append(line)
    plan, number = [], 0
    for month in sorted(by_month):
        rows = []
        for line in by_month[month]:
            number += 1
            rows.append(
                PlanRow(
                    number=number,
                    line=line,
                    moved_from=line.moved_from,
                    people=sorted(
                        line.responsible_people.all(),
                        key=lambda person: (person.last_name, person.first_name),
                    ),
                    organizations=list(line.responsible_organizations.all()),
                )
            )
        plan.append(PlanMonth(month=month, rows=rows))
    return plan


def signatories(road_map: RoadMap) -> tuple[list[Organization], Organization | None]:
    """Whose heads sign the road map: (СОГЛАСОВАНО, УТВЕРЖДАЮ). The school of the author
    approves, the other participants agree; a group's road map without organizations is
    approved by the district's education department."""
    organizations = list(road_map.organizations.order_by("short_name"))
    if not organizations:
        department = (
            Organization.objects.active()
            .filter(district_id=road_map.district_id, kind__is_education_authority=True)
            .order_by("pk")
            .first()
        )
        return [], department
    author_orgs = set(
        Membership.objects.active()
        .filter(user_id=road_map.created_by_id or 0, role=Role.SCHOOL_ADMIN)
        .values_list("organization_id", flat=True)
    )
    approving = next((org for org in organizations if org.pk in author_orgs), organizations[0])
    return [org for org in organizations if org != approving], approving


def group_leaders(road_map: RoadMap) -> list[User]:
    if road_map.group_id is None:
        return []
    return [
        member.user
        for member in GroupMember.objects.filter(
            group_id=road_map.group_id,
            role=GroupMember.Role.LEADER,
            status=GroupMember.Status.ACTIVE,
        ).select_related("user")
    ]

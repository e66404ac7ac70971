"""Demo events of the demo district, made through the services as people would: a road
map of two schools with a line already held and one scheduled, a master class with a
waiting list, an open day for parents and students, a webinar of the РМО, and a seminar
that took place, with attendance, certificates and feedback."""

import datetime

from django.db import transaction
from django.utils import timezone

from metodset.accounts.demo import demo_email
from metodset.accounts.models import Membership, Organization, Role, User
from metodset.certificates.models import Certificate
from metodset.core.models import AcademicYear
from metodset.events import services
from metodset.events.models import Event, EventKind, RoadMap
from metodset.groups.models import Group

DEMO_DOMAIN = "@demo.metodset.ru"


def demo_events_exist() -> bool:
    return Event.objects.filter(created_by__email__endswith=DEMO_DOMAIN).exists()


def delete_demo_events() -> None:
    with transaction.atomic():
        RoadMap.objects.filter(created_by__email__endswith=DEMO_DOMAIN).delete()
        Certificate.objects.filter(
            source__startswith="events.registration:", issued_by__email__endswith=DEMO_DOMAIN
        ).delete()
        Event.objects.filter(created_by__email__endswith=DEMO_DOMAIN).delete()


def _school_of(person: User) -> Organization:
    membership = (
        Membership.objects.active()
        .filter(user=person, role__in=[Role.TEACHER, Role.SCHOOL_ADMIN])
        .select_related("organization__district")
        .first()
    )
    assert membership is not None, person  # noqa: S101 (the demo district is built first)
    return membership.organization


def _staff(organization: Organization, limit: int) -> list[User]:
    return [
        m.user
        for m in Membership.objects.active()
        .filter(organization=organization, role=Role.TEACHER)
        .select_related("user")
        .order_by("user_id")[:limit]
    ]


def _at(days: int, hour: int, zone: datetime.tzinfo) -> datetime.datetime:
    day = timezone.localdate(timezone=zone) + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)


def _data(kind: str, title: str, start: datetime.datetime, **fields: object) -> services.EventData:
    hours = float(fields.pop("length", 2))  # type: ignore[arg-type]
    values: dict[str, object] = {
        "kind": EventKind.objects.get(code=kind),
        "title": title,
        "sessions": [services.SessionData(start, start + datetime.timedelta(hours=hours))],
    }
    values.update(fields)
    return services.EventData(**values)  # type: ignore[arg-type]


def build_demo_events() -> int:
    methodist = User.objects.get(email=demo_email("methodist"))
    director = User.objects.get(email=demo_email("director"))
    teacher = User.objects.get(email=demo_email("teacher"))
    teacher2 = User.objects.get(email=demo_email("teacher2"))
    school = _school_of(director)
    other = _school_of(teacher2)
    district = school.district
    assert district is not None  # noqa: S101
    zone = district.zone
    department = Organization.objects.filter(
        district=district, kind__is_education_authority=True
    ).first()
    address = school.address or "с. Кожевниково"
    made = 0

    # A seminar that already took place: attendance, certificates, feedback. It is made
    # as announced a week ahead, people register, then it is moved to two weeks ago.
    held = services.create_event(
        actor=director,
        data=_data(
            "seminar",
            "Формирующее оценивание: листы самооценки в 5–9 классах",
            _at(7, 14, zone),
            description="Практический семинар: критерии, листы самооценки, рефлексия.",
            organizations=[school],
            address=address,
            room="актовый зал",
            hours=4,
            length=3,
        ),
    )
    people = [teacher, teacher2, *_staff(other, 3)]
    registrations = [services.register(actor=p, event=held) for p in people]
    back = datetime.timedelta(days=21)
    Event.objects.filter(pk=held.pk).update(
        starts_at=held.starts_at - back, ends_at=held.ends_at - back
    )
    for session in held.sessions.all():
        session.starts_at -= back
        session.ends_at -= back
        session.save()
    held.refresh_from_db()
    services.mark_attendance(actor=director, event=held, present=[r.pk for r in registrations[:-1]])
    services.issue_certificates(actor=director, event=held)
    services.leave_feedback(
        actor=teacher2, event=held, rating=5, comment="Готовые листы сразу взяли в работу."
    )
    services.write_report(
        actor=director,
        event=held,
        report="Участвовали педагоги двух школ; разобрали 12 листов самооценки.",
    )
    made += 1

    # A road map of the two schools for this academic year.
    year = AcademicYear.objects.current()
    road_map = services.create_road_map(
        actor=director,
        title=f"Сетевой график: {school.short_name} и {other.short_name}",
        academic_year=year,
        organizations=[school, other],
        goal="Совместная методическая работа и мероприятия для обучающихся двух школ.",
    )
    held_month = timezone.localtime(held.starts_at, zone).date().replace(day=1)
    master_start = _at(9, 15, zone)
    master_month = master_start.date().replace(day=1)
    last_month = year.ends_on.replace(day=1)

    def later(months: int) -> datetime.date:
        index = master_month.year * 12 + master_month.month - 1 + months
        return min(datetime.date(index // 12, index % 12 + 1, 1), last_month)

    plan = [
        (
            max(held_month, year.starts_on),
            "seminar",
            "Семинар по формирующему оцениванию",
            "педагоги",
        ),
        (
            master_month,
            "master-class",
            "Мастер-класс «Игровые технологии на уроках математики»",
            "педагоги",
        ),
        (later(1), "subject-week", "Неделя математики", "обучающиеся 5–9 классов"),
        (
            later(3),
            "pedagogical-council",
            "Выездной педагогический совет",
            "педагоги, администрация",
        ),
        (later(4), "open-day", "День открытых дверей", "родители, обучающиеся"),
        (later(6), "portfolio-defence", "Публичная защита портфолио", "обучающиеся 9 классов"),
    ]
    lines = []
    for number, (first, kind, title, audience) in enumerate(plan):
        lines.append(
            services.save_line(
                actor=director,
                road_map=road_map,
                month=first,
                title=title,
                kind=EventKind.objects.get(code=kind),
                audience=audience,
                responsible_people=[teacher if number % 2 == 0 else teacher2],
                responsible_organizations=[school if number % 2 == 0 else other],
            )
        )
    services.link_event(actor=director, line=lines[0], event=held)
    services.event_held(actor=director, event=held)

    # A master class with two places: two registered, one waiting.
    master = services.create_event(
        actor=director,
        data=_data(
            "master-class",
            "Игровые технологии на уроках математики",
            master_start,
            description="Покажем пять игр для устного счёта и разберём, как их адаптировать.",
            organizations=[school, other],
            address=address,
            room="каб. 21",
            capacity=2,
            hours=2,
        ),
    )
    services.link_event(actor=director, line=lines[1], event=master)
    for person in [teacher2, *_staff(other, 2)]:
        services.register(actor=person, event=master)
    made += 1

    # An open day for parents and students: the public афиша.
    services.create_event(
        actor=director,
        data=_data(
            "open-day",
            f"День открытых дверей в {school.short_name}",
            _at(16, 11, zone),
            description="Экскурсия по школе, открытые уроки, встреча с учителями.",
            organizations=[school],
            address=address,
            for_teachers=False,
            for_students=True,
            for_parents=True,
            visibility=Event.Visibility.PUBLIC,
            registration_enabled=False,
            length=4,
        ),
    )
    made += 1

    # A webinar of the district's РМО, if there is one.
    rmo = Group.objects.filter(district=district, kind__code="rmo").first()
    if rmo is not None and department is not None:
        services.create_event(
            actor=methodist,
            data=_data(
                "webinar",
                "Вебинар РМО: разбор заданий ОГЭ по математике",
                _at(5, 16, zone),
                organizations=[department],
                group=rmo,
                format=Event.Format.ONLINE,
                online_url="https://meet.example.ru/metodset-rmo",
                hours=2,
            ),
        )
        made += 1
    return made

"""Demo groups of the demo district, made by calling the services as people would: an РМО
with its appointed leader, an РПГ founded by application and order, an application waiting
in the department's queue, and an olympiad community open to students."""

import datetime

from django.db import transaction
from django.utils import timezone

from metodset.accounts.demo import demo_email
from metodset.accounts.models import Membership, Role, Subject, User
from metodset.groups import services
from metodset.groups.models import Group, GroupKind, ProblemGroupApplication

DEMO_DOMAIN = "@demo.metodset.ru"


def demo_groups_exist() -> bool:
    return Group.objects.filter(created_by__email__endswith=DEMO_DOMAIN).exists()


def delete_demo_groups() -> None:
    with transaction.atomic():
        ProblemGroupApplication.objects.filter(applicant__email__endswith=DEMO_DOMAIN).delete()
        Group.objects.filter(created_by__email__endswith=DEMO_DOMAIN).delete()


def _teachers_of_district(district_id: int, *, exclude: set[int]) -> list[User]:
    """One demo teacher from each school of the district, school by school."""
    rows = (
        Membership.objects.active()
        .filter(
            role=Role.TEACHER,
            organization__district_id=district_id,
            user__email__endswith=DEMO_DOMAIN,
        )
        .exclude(user_id__in=exclude)
        .select_related("user")
        .order_by("organization_id", "user_id")
    )
    seen: set[int] = set()
    people = []
    for row in rows:
        if row.organization_id in seen:
            continue
        seen.add(row.organization_id)
        people.append(row.user)
    return people


def build_demo_groups() -> int:
    methodist = User.objects.get(email=demo_email("methodist"))
    teacher = User.objects.get(email=demo_email("teacher"))
    student = User.objects.filter(email=demo_email("student")).first()
    home = services.organization_of(teacher)
    if home is None or home.district is None:
        return 0
    district = home.district
    others = _teachers_of_district(district.pk, exclude={teacher.pk})
    others = [p for p in others if services.organization_of(p) != home]
    if len(others) < 5:
        return 0
    today = timezone.localdate()
    year = today.year if today.month >= 9 else today.year - 1
    kinds = {kind.code: kind for kind in GroupKind.objects.all()}
    math = Subject.objects.filter(name__icontains="математик").first()
    made = 0
    with transaction.atomic():
        rmo = services.found_group(
            actor=methodist,
            kind=kinds["rmo"],
            district=district,
            title="РМО учителей математики",
            subject=math,
            description="Методическое объединение учителей математики района: обмен опытом, "
            "подготовка к ГИА, открытые уроки.",
            joining=Group.Joining.REQUEST,
        )
        services.appoint_leader(actor=methodist, group=rmo, person=others[0])
        for person in others[1:4]:
            services.invite_member(actor=others[0], group=rmo, person=person)
            services.answer_invitation(actor=person, group=rmo, accept=True)
        services.save_stage(
            actor=others[0],
            group=rmo,
            title="Заседание РМО: анализ результатов ОГЭ",
            starts_on=datetime.date(year, 9, 15),
            ends_on=datetime.date(year, 9, 15),
            responsible="Руководитель РМО",
        )
        made += 1

        application = services.submit_application(
            actor=teacher,
            title="Формирующее оценивание на уроках математики",
            subject=math,
            problem="Как использовать формирующее оценивание, чтобы ученики 5–9 классов "
            "видели свой прогресс и планировали учёбу.",
            goals="Собрать и проверить на практике приёмы формирующего оценивания.",
            expected_result="Сборник методических разработок уроков с листами оценки.",
            starts_on=datetime.date(year, 10, 1),
            ends_on=datetime.date(year + 1, 5, 31),
            participants=others[1:3],
            proposed_leader=teacher,
        )
        for person in others[1:3]:
            services.answer_participation(actor=person, application=application, agree=True)
        application.refresh_from_db()
        rpg = services.approve_application(
            actor=methodist,
            application=application,
            order_number="112-од",
            order_date=today,
        )
        for title, start, end in (
            ("Изучение литературы и опыта коллег", (year, 10, 1), (year, 11, 30)),
            ("Разработка и апробация уроков", (year + 1, 1, 10), (year + 1, 4, 15)),
            ("Оформление сборника, представление на РМО", (year + 1, 4, 16), (year + 1, 5, 31)),
        ):
            services.save_stage(
                actor=teacher,
                group=rpg,
                title=title,
                starts_on=datetime.date(*start),
                ends_on=datetime.date(*end),
            )
        services.start_thread(
            actor=teacher,
            group=rpg,
            title="С чего начинаем",
            body="Коллеги, предлагаю начать с **листов самооценки** для 6 класса.",
        )
        made += 1

        waiting = services.submit_application(
            actor=others[3],
            title="Смысловое чтение в основной школе",
            problem="Низкие результаты заданий на понимание текста в ВПР 5–7 классов.",
            expected_result="Банк заданий на смысловое чтение по предметам.",
            starts_on=today + datetime.timedelta(days=14),
            ends_on=today + datetime.timedelta(days=240),
            participants=[others[4]],
            proposed_leader=others[3],
        )
        services.answer_participation(actor=others[4], application=waiting, agree=True)

        community = services.found_group(
            actor=others[1],
            kind=kinds["community"],
            district=district,
            title="Олимпиадная математика",
            subject=math,
            description="Сообщество подготовки к олимпиадам: разборы задач, консультации, "
            "для учителей и учащихся 5–11 классов.",
            joining=Group.Joining.OPEN,
            students_may_join=True,
        )
        if student is not None:
            services.request_to_join(actor=student, group=community)
        made += 1
    return made

"""The order (приказ) founding an РПГ, as DOCX for signing: the decision of §3.1–3.2 with
the group's composition in an appendix."""

from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.accounts.models import Organization
from metodset.documents.docx import OfficialDocument
from metodset.groups.models import ApplicationParticipant, ProblemGroupApplication

MONTHS = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def _date(day: object) -> str:
    return f"«{day.day:02d}» {MONTHS[day.month - 1]} {day.year} г."  # type: ignore[attr-defined]


def _department(application: ProblemGroupApplication) -> Organization | None:
    """The district's education department, whose head signs the order."""
    return (
        Organization.objects.filter(
            district_id=application.district_id, kind__is_education_authority=True, is_active=True
        )
        .order_by("pk")
        .first()
    )


def composition(application: ProblemGroupApplication) -> list[tuple[str, str, bool]]:
    """(name, organization, is the leader) of the group as approved: the participants who
    agreed, which no longer change once the department has decided."""
    rows = application.participants.filter(
        consent=ApplicationParticipant.Consent.AGREED
    ).select_related("user", "organization")
    ordered = sorted(
        rows,
        key=lambda r: (
            r.user_id != application.proposed_leader_id,
            r.user.last_name,
            r.user.first_name,
        ),
    )
    return [
        (
            row.user.full_name,
            row.organization.name,
            row.user_id == application.proposed_leader_id,
        )
        for row in ordered
    ]


def order_docx(application: ProblemGroupApplication) -> bytes:
    department = _department(application)
    number = application.order_number or "____"
    day = _date(application.order_date) if application.order_date else "«___» __________ 20__ г."
    members = composition(application)
    leader = next((m for m in members if m[2]), None)
    title = _("О создании районной проблемной группы «%(title)s»") % {"title": application.title}
    doc = OfficialDocument(title=title)
    doc.centered(department.name if department else str(application.district), bold=True)
    doc.blank()
    doc.centered(_("ПРИКАЗ"), bold=True, size=16)
    doc.blank()
    doc.line(day, _("№ %(number)s") % {"number": number})
    doc.blank()
    doc.paragraph(title, bold=True, indent=False)
    doc.blank()
    # The date of the installation's time zone, as the term is counted (deadlines.py).
    submitted = timezone.localdate(application.submitted_at) if application.submitted_at else None
    doc.paragraph(
        _(
            "В соответствии с пунктами 3.1–3.2 Положения о сетевом взаимодействии педагогов "
            "образовательных учреждений района, на основании заявления %(applicant)s "
            "(%(organization)s)%(from_date)s"
        )
        % {
            "applicant": application.applicant.full_name,
            "organization": application.applicant_organization.name,
            "from_date": (_(" от %(date)s") % {"date": _date(submitted)}) if submitted else "",
        }
    )
    doc.blank()
    doc.paragraph(_("ПРИКАЗЫВАЮ:"), bold=True, indent=False)
    points = [
        _(
            "Создать районную проблемную группу «%(title)s» (далее — РПГ) для совместной работы "
            "педагогов над проблемой: %(problem)s"
        )
        % {"title": application.title, "problem": application.problem.rstrip(".") + "."},
        _("Установить срок работы РПГ с %(start)s по %(end)s.")
        % {"start": _date(application.starts_on), "end": _date(application.ends_on)},
        _("Утвердить состав РПГ (приложение к приказу)."),
    ]
    if leader:
        points.append(
            _("Назначить руководителем РПГ %(name)s (%(organization)s).")
            % {"name": leader[0], "organization": leader[1]}
        )
    points.append(
        _(
            "Руководителю РПГ представить в отдел общего образования продукт сетевого "
            "взаимодействия (%(result)s) и отчёт о работе группы до %(end)s."
        )
        % {"result": application.expected_result.rstrip("."), "end": _date(application.ends_on)}
    )
    points.append(_("Контроль за исполнением приказа оставляю за собой."))
    for index, text in enumerate(points, start=1):
        doc.paragraph(f"{index}. {text}")
    doc.blank()
    doc.blank()
    doc.line(_("Начальник управления образования"), "_______________ / _______________")
    doc.page_break()
    doc.centered(
        _("Приложение к приказу от %(date)s № %(number)s") % {"date": day, "number": number}
    )
    doc.blank()
    doc.centered(
        _("Состав районной проблемной группы «%(title)s»") % {"title": application.title}, bold=True
    )
    doc.blank()
    doc.table(
        [_("№"), _("Фамилия, имя, отчество"), _("Организация"), _("Роль в группе")],
        [
            [str(i), name, org, _("руководитель") if is_leader else _("участник")]
            for i, (name, org, is_leader) in enumerate(members, start=1)
        ],
    )
    return doc.to_bytes()


def order_filename(application: ProblemGroupApplication) -> str:
    number = "".join(c if c.isalnum() else "-" for c in application.order_number) or "proekt"
    return f"prikaz-rpg-{number}.docx"

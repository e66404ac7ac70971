"""The showcase «Лучшие практики» (who sees which products, filters, a bounded number of
queries), the protocols of РМС sessions (rights, drawing one up on the page, the DOCX) and
the admin of criteria sets."""

import datetime
import io
from typing import Any

import docx
import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from metodset.accounts.models import Role, Subject, User
from metodset.accounts.tests.factories import OrganizationFactory, person
from metodset.conftest import World
from metodset.documents.docx import DOCX_CONTENT_TYPE
from metodset.expertise import services
from metodset.expertise.models import CriteriaSet, Protocol, Verdict
from metodset.expertise.tests.factories import decided, expert_of, material, review, submitted
from metodset.materials.models import Material, MaterialType

pytestmark = pytest.mark.django_db

SHOWCASE = "/expertise/best/"
PROTOCOLS = "/expertise/protocols/"
NEW_PROTOCOL = "/expertise/protocols/new/"


@pytest.fixture
def experts(world: World) -> list[User]:
    third_school = OrganizationFactory(district=world.district, short_name="МБОУ СОШ №3")
    return [
        expert_of(world.department, "expert1@uo.test", last_name="Первова", first_name="Нина"),
        expert_of(world.other_school, "expert2@school2.test", last_name="Вторых", first_name="Ян"),
        expert_of(third_school, "expert3@school3.test", last_name="Третьяков", first_name="Лев"),
    ]


def page_text(client: Client, url: str, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


# --- The showcase ---------------------------------------------------------------------------


def test_guests_see_recommended_public_products_members_network_ones_too(
    teacher: User, colleague: User, methodist: User, experts: list[User], guest: Any, login: Any
) -> None:
    decided(
        teacher,
        methodist,
        experts,
        Verdict.PUBLICATION,
        title="Открытый урок «Дроби»",
        comment="Рекомендовано к публикации в региональном сборнике.",
        score=4,
    )
    decided(
        colleague,
        methodist,
        experts,
        Verdict.CONFERENCE,
        title="Сетевой практикум по геометрии",
        visibility=Material.Visibility.NETWORK,
    )
    decided(teacher, methodist, experts, Verdict.REVISION, title="Урок на доработке")
    decided(teacher, methodist, experts, Verdict.REJECTED, title="Отклонённый урок")

    text = page_text(login(guest), SHOWCASE)
    assert "Открытый урок «Дроби»" in text
    assert "Сетевой практикум" not in text
    assert "Урок на доработке" not in text
    assert "Отклонённый урок" not in text
    # The card: author and school, the decision, the experts' summary and average score.
    assert "Учителева А.П." in text
    assert "МБОУ СОШ №1" in text
    assert "рекомендовано к публикации" in text
    assert "Рекомендовано к публикации в региональном сборнике." in text
    assert "средний балл экспертов: 80\u00a0%" in text
    assert "Найдено: 1" in text

    member = page_text(login(teacher), SHOWCASE)
    assert "Открытый урок" in member
    assert "Сетевой практикум по геометрии" in member
    assert "рекомендовано к представлению на конференции" in member
    assert "Урок на доработке" not in member
    assert "Отклонённый урок" not in member


def test_filters_by_subject_type_purpose_decision_year_and_title(
    teacher: User, methodist: User, experts: list[User], guest: Any, login: Any
) -> None:
    maths = Subject.objects.get(name="Математика")
    presentation = MaterialType.objects.get(code="presentation")
    with time_machine.travel(datetime.datetime(2024, 11, 12, 9, tzinfo=datetime.UTC)):
        decided(teacher, methodist, experts, title="Ёлочные ИГРУШКИ на уроке", subject=maths)
    with time_machine.travel(datetime.datetime(2025, 10, 6, 9, tzinfo=datetime.UTC)):
        decided(
            teacher,
            methodist,
            experts,
            Verdict.DISSEMINATION,
            title="Презентация «Рельеф»",
            type=presentation,
            purpose="generalization",
        )
    client = login(guest)

    def titles(**params: Any) -> set[str]:
        text = page_text(client, SHOWCASE, **params)
        return {t for t in ("Ёлочные ИГРУШКИ", "Рельеф") if t in text}

    assert titles() == {"Ёлочные ИГРУШКИ", "Рельеф"}
    assert titles(subject=maths.pk) == {"Ёлочные ИГРУШКИ"}
    assert titles(type="presentation") == {"Рельеф"}
    assert titles(purpose="generalization") == {"Рельеф"}
    assert titles(purpose="publication") == {"Ёлочные ИГРУШКИ"}
    assert titles(decision="dissemination") == {"Рельеф"}
    assert titles(decision="conference") == set()
    assert titles(year="2024") == {"Ёлочные ИГРУШКИ"}
    assert titles(year="2025") == {"Рельеф"}
    # Case, ё and quotes do not matter.
    assert titles(q="елочные игрушки") == {"Ёлочные ИГРУШКИ"}
    assert titles(q="«РЕЛЬЕФ»") == {"Рельеф"}
    assert titles(q="уроке елочные") == {"Ёлочные ИГРУШКИ"}
    assert titles(q="елочные рельеф") == set()
    assert titles(q="нет такого") == set()
    # The years on offer are those of the decisions.
    text = page_text(client, SHOWCASE)
    assert "2024/2025" in text
    assert "2025/2026" in text
    assert "2023/2024" not in text


def test_showcase_queries_do_not_grow_with_the_cards(
    teacher: User,
    methodist: User,
    experts: list[User],
    guest: Any,
    login: Any,
    django_assert_max_num_queries: Any,
) -> None:
    decided(teacher, methodist, experts, title="Урок 1")
    client = login(guest)
    with CaptureQueriesContext(connection) as one:
        page_text(client, SHOWCASE)
    for n in range(2, 7):
        decided(teacher, methodist, experts, title=f"Урок {n}")
    with CaptureQueriesContext(connection) as six:
        text = page_text(client, SHOWCASE)
    assert "Найдено: 6" in text
    assert len(six) == len(one)
    with django_assert_max_num_queries(len(one)):
        page_text(client, SHOWCASE)


def test_showcase_paginates(
    teacher: User, methodist: User, experts: list[User], guest: Any, login: Any
) -> None:
    from metodset.expertise.views.showcase import PER_PAGE

    for n in range(PER_PAGE + 1):
        decided(teacher, methodist, experts, title=f"Урок номер {n:02d}")
    client = login(guest)
    first = page_text(client, SHOWCASE)
    second = page_text(client, SHOWCASE, page=2)
    assert "1 из 2" in first
    assert first.count('class="card h-100"') == PER_PAGE
    assert second.count('class="card h-100"') == 1


# --- Protocols: rights ----------------------------------------------------------------------


def test_protocols_are_for_the_districts_methodists(
    teacher: User,
    expert: User,
    methodist: User,
    experts: list[User],
    world: World,
    guest: Any,
    login: Any,
) -> None:
    submission = decided(teacher, methodist, experts)
    protocol = services.create_protocol(
        actor=methodist,
        district=world.district,
        number="1",
        held_on=timezone.localdate(),
        chair="Иванова И. И.",
        secretary="Петрова П. П.",
        members=experts,
        submissions=[submission],
    )
    pages = [
        reverse("expertise:protocol", args=[protocol.pk]),
        reverse("expertise:protocol_docx", args=[protocol.pk]),
    ]
    assert reverse("expertise:protocols") == PROTOCOLS
    assert reverse("expertise:protocol_create") == NEW_PROTOCOL

    for outsider in (teacher, expert):
        client = login(outsider)
        assert client.get(PROTOCOLS).status_code == 403
        assert client.get(NEW_PROTOCOL).status_code == 403
        assert client.post(NEW_PROTOCOL, {"number": "2"}).status_code == 403
        for url in pages:
            assert client.get(url).status_code == 404
        client.logout()

    far_methodist = person(
        world.far_school, Role.DISTRICT_METHODIST, email="far-methodist@far.test"
    )
    client = login(far_methodist)
    assert "Протоколов пока нет." in page_text(client, PROTOCOLS)
    for url in pages:
        assert client.get(url).status_code == 404
    client.logout()

    anonymous = login(guest)
    assert anonymous.get(PROTOCOLS).status_code == 302
    assert anonymous.get(pages[1]).status_code == 302

    own = login(methodist)
    assert own.get(PROTOCOLS).status_code == 200
    for url in pages:
        assert own.get(url).status_code == 200
    assert own.put(PROTOCOLS).status_code == 405
    assert Protocol.objects.count() == 1


# --- Protocols: drawing one up --------------------------------------------------------------


def test_methodist_draws_up_a_protocol_on_the_page(
    teacher: User, colleague: User, methodist: User, experts: list[User], world: World, login: Any
) -> None:
    earlier = decided(teacher, methodist, experts, title="Рассмотрен раньше")
    services.create_protocol(
        actor=methodist,
        district=world.district,
        number="7",
        held_on=timezone.localdate() - datetime.timedelta(days=30),
        chair="Иванова И. И.",
        secretary="Петрова П. П.",
        members=experts[:1],
        submissions=[earlier],
    )
    fresh = decided(colleague, methodist, experts, Verdict.CONFERENCE, title="Новый продукт")
    returned = decided(
        teacher, methodist, experts, Verdict.REVISION, title="Возвращён", comment="Доработать."
    )
    submitted(teacher, material=material(teacher, title="Ещё на экспертизе"))
    client = login(methodist)

    page = client.get(NEW_PROTOCOL)
    assert page.status_code == 200
    form = page.context["form"]
    assert set(form.initial["submissions"]) == {fresh.pk, returned.pk}
    assert form.initial["number"] == "8"
    assert form.initial["chair"] == "Иванова И. И."
    assert form.initial["held_on"] == timezone.localdate()
    text = page.content.decode()
    assert "Рассмотрен раньше" in text
    assert "в протоколе № 7" in text
    assert "Ещё на экспертизе" not in text
    assert {u.pk for u in form.fields["members"].queryset} == {e.pk for e in experts}

    # A refused form keeps what was entered.
    data = {
        "number": "",
        "held_on": "2026-03-05",
        "chair": "Сидорова С. С.",
        "secretary": "Кузнецова К. К.",
        "members": [experts[0].pk, experts[2].pk],
        "submissions": [fresh.pk],
    }
    refused = client.post(NEW_PROTOCOL, data)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert 'value="Сидорова С. С."' in text
    assert 'value="2026-03-05"' in text
    assert f'value="{experts[2].pk}"' in text
    bound = refused.context["form"]
    assert bound["submissions"].value() == [str(fresh.pk)]
    assert Protocol.objects.count() == 1

    data["number"] = "8"
    created = client.post(NEW_PROTOCOL, data)
    protocol = Protocol.objects.get(number="8")
    assert created.status_code == 302
    assert created["Location"] == protocol.get_absolute_url()
    assert protocol.district == world.district
    assert protocol.held_on == datetime.date(2026, 3, 5)
    assert protocol.created_by == methodist
    assert set(protocol.members.all()) == {experts[0], experts[2]}
    assert list(protocol.submissions.all()) == [fresh]
    item = protocol.items.get()
    assert (item.submission, item.position, item.round) == (fresh, 1, 1)
    assert (item.decision, item.comment) == (Verdict.CONFERENCE, fresh.decision_comment)
    assert item.average_percent == pytest.approx(80)
    detail = page_text(client, protocol.get_absolute_url())
    assert "Новый продукт" in detail
    assert "Сидорова С. С." in detail


def test_a_product_of_another_district_is_not_offered(
    teacher: User, methodist: User, experts: list[User], world: World, login: Any
) -> None:
    """The choice is the district's products only; a forged pk is refused by the form."""
    far_teacher = person(world.far_school, Role.TEACHER, email="far-teacher@far.test")
    far_methodist = person(
        world.far_school, Role.DISTRICT_METHODIST, email="far-methodist@far.test"
    )
    far_expert_school = OrganizationFactory(district=world.other_district, short_name="Школа Ф")
    far_experts = [
        expert_of(far_expert_school, "far-e1@far.test"),
        expert_of(OrganizationFactory(district=world.other_district), "far-e2@far.test"),
    ]
    foreign = decided(far_teacher, far_methodist, far_experts, title="Чужой район")
    client = login(methodist)
    response = client.post(
        NEW_PROTOCOL,
        {
            "number": "1",
            "held_on": "2026-03-05",
            "chair": "А",
            "secretary": "Б",
            "submissions": [foreign.pk],
        },
    )
    assert response.status_code == 200
    assert "Чужой район" not in response.content.decode()
    assert Protocol.objects.count() == 0


# --- Protocols: the DOCX --------------------------------------------------------------------


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_protocol_docx_names_members_products_and_decisions(
    teacher: User, colleague: User, methodist: User, experts: list[User], world: World, login: Any
) -> None:
    blind = decided(
        teacher, methodist, experts, Verdict.PUBLICATION, title="Урок «Дроби»", is_blind=True
    )
    other = decided(
        colleague,
        methodist,
        experts,
        Verdict.REJECTED,
        title="Сценарий праздника",
        comment="Не соответствует ФГОС.",
        score=2,
    )
    protocol = services.create_protocol(
        actor=methodist,
        district=world.district,
        number="12-РМС",
        held_on=datetime.date(2026, 3, 5),
        chair="Иванова И. И.",
        secretary="Петрова П. П.",
        members=experts[:2],
        submissions=[blind, other],
    )
    # Numbered by title, as the protocol lists them.
    assert [(i.position, i.submission) for i in protocol.items.all()] == [(1, other), (2, blind)]
    response = login(methodist).get(reverse("expertise:protocol_docx", args=[protocol.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="protokol-rms-12-')
    text = docx_text(response.content)
    assert "ПРОТОКОЛ № 12-РМС" in text
    assert "заседания районного методического совета" in text
    assert "«05» марта 2026 г." in text
    assert "Первова Нина" in text
    assert "Вторых Ян" in text
    assert "Третьяков" not in text
    assert "Председатель" in text
    assert "Иванова И. И." in text
    assert "Секретарь" in text
    assert "Петрова П. П." in text
    assert "Повестка".upper() in text.upper()
    assert "Урок «Дроби»" in text
    assert "Сценарий праздника" in text
    assert "рекомендовано к публикации" in text
    assert "отклонено" in text
    assert "Не соответствует ФГОС." in text
    # The blind expertise's author is named: the protocol is the department's document.
    assert teacher.full_name in text
    assert colleague.full_name in text
    assert "80\u00a0%" in text
    assert "40\u00a0%" in text


def test_protocol_keeps_the_decision_it_recorded(
    teacher: User, methodist: User, experts: list[User], world: World, login: Any
) -> None:
    """A product returned for revision and recommended later is offered for the next
    protocol again; the first protocol still says «на доработку»."""
    submission = decided(
        teacher, methodist, experts, Verdict.REVISION, comment="Добавьте критерии.", score=3
    )
    first = services.create_protocol(
        actor=methodist,
        district=world.district,
        number="1",
        held_on=timezone.localdate(),
        chair="Иванова И. И.",
        secretary="Петрова П. П.",
        members=experts,
        submissions=[submission],
    )
    services.resubmit(actor=teacher, submission=submission, changes_note="Критерии добавлены.")
    submission.refresh_from_db()
    for assignment in submission.assignments.filter(round=2):
        review(assignment, score=5)
    submission.refresh_from_db()
    services.decide_submission(
        actor=methodist, submission=submission, decision=Verdict.PUBLICATION, comment="Готово."
    )
    submission.refresh_from_db()
    client = login(methodist)
    assert client.get(NEW_PROTOCOL).context["form"].initial["submissions"] == [submission.pk]
    second = services.create_protocol(
        actor=methodist,
        district=world.district,
        number="2",
        held_on=timezone.localdate(),
        chair="Иванова И. И.",
        secretary="Петрова П. П.",
        members=experts,
        submissions=[submission],
    )
    # The items keep what they recorded; the submission has moved on.
    kept = first.items.get()
    assert (kept.round, kept.decision, kept.comment) == (1, Verdict.REVISION, "Добавьте критерии.")
    assert kept.average_percent == pytest.approx(60)
    latest = second.items.get()
    assert (latest.round, latest.decision, latest.comment) == (2, Verdict.PUBLICATION, "Готово.")
    assert latest.average_percent == pytest.approx(100)
    old = docx_text(client.get(reverse("expertise:protocol_docx", args=[first.pk])).content)
    new = docx_text(client.get(reverse("expertise:protocol_docx", args=[second.pk])).content)
    assert "на доработку" in old
    assert "Добавьте критерии." in old
    assert "60\u00a0%" in old
    assert "рекомендовано к публикации" not in old
    assert "рекомендовано к публикации" in new
    assert "100\u00a0%" in new
    assert "на доработку" not in new
    # The protocol's page reads the same items.
    page = page_text(client, first.get_absolute_url())
    assert "на доработку" in page
    assert "Добавьте критерии." in page
    assert "60\u00a0%" in page
    assert "рекомендовано к публикации" not in page


# --- Admin ------------------------------------------------------------------------------------


def test_criteria_sets_admin_renders_for_a_superuser(db: Any) -> None:
    admin = User.objects.create_superuser("root@uo.test", "Tomsk-2026")
    client = Client()
    client.force_login(admin, backend="metodset.accounts.backends.EmailBackend")
    default = CriteriaSet.objects.get(district__isnull=True)
    assert client.get("/admin/expertise/criteriaset/").status_code == 200
    assert client.get("/admin/expertise/criteriaset/add/").status_code == 200
    change = client.get(f"/admin/expertise/criteriaset/{default.pk}/change/")
    assert change.status_code == 200
    assert "Актуальность" in change.content.decode()
    assert client.get("/admin/expertise/submission/").status_code == 200


def test_methodists_edit_their_districts_criteria_sets(
    methodist: User, world: World, login: Any
) -> None:
    from metodset.accounts.services import METHODIST_GROUP, sync_admin_access

    codenames = set(
        Group.objects.get(name=METHODIST_GROUP)
        .permissions.filter(content_type__app_label="expertise")
        .values_list("codename", flat=True)
    )
    assert {"add_criteriaset", "change_criteriaset", "view_criterion", "add_criterion"} <= codenames
    sync_admin_access(methodist)
    client = login(methodist)
    shared = CriteriaSet.objects.get(district__isnull=True)
    own = CriteriaSet.objects.create(title="Критерии района", district=world.district)
    foreign = CriteriaSet.objects.create(title="Критерии соседей", district=world.other_district)
    listing = page_text(client, "/admin/expertise/criteriaset/")
    assert "Критерии района" in listing
    assert "Критерии соседей" not in listing
    assert client.get(f"/admin/expertise/criteriaset/{own.pk}/change/").status_code == 200
    assert client.get(f"/admin/expertise/criteriaset/{foreign.pk}/change/").status_code == 302
    # The shared set is read only for a methodist.
    assert client.post(f"/admin/expertise/criteriaset/{shared.pk}/change/", {}).status_code == 403

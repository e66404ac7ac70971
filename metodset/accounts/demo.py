"""The demo district: realistic people and organizations of «Томская область» to try the
platform with (`metodset seed_demo`, run by `make run`) and to measure it at region scale
(`bench/seed_region.py`).

Demo rows are marked so a rebuild can delete exactly them: districts by the slug prefix
`demo-`, people by the e-mail domain `@demo.metodset.ru`. Everything is created with
`bulk_create` in batches and the shared demo password is hashed once, so a region of
1,500 schools and 40,000 teachers takes minutes. Seeding is not a user's action: no audit
entries, no notifications, no e-mail.
"""

import importlib
import random
import string
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from metodset.accounts import services
from metodset.accounts.models import (
    District,
    Membership,
    Organization,
    OrganizationKind,
    ParentLink,
    Region,
    Role,
    Subject,
    User,
    name_key,
)

DEMO_EMAIL_DOMAIN = "demo.metodset.ru"
DEMO_SLUG_PREFIX = "demo-"
# Passes every validator of AUTH_PASSWORD_VALIDATORS, the similarity one included: it
# shares too little with «methodist», «demo» or «metodset» (a test checks each login).
DEMO_PASSWORD = "Tomsk-2026"  # noqa: S105  # a published demo password, not a secret
REGION_NAME = "Томская область"
BATCH_SIZE = 1000

ModelT = TypeVar("ModelT", bound=models.Model)


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_EMAIL_DOMAIN}"


def words(text: str) -> list[str]:
    """The words of a whitespace-separated list."""
    return text.split()


# --- Reference lists --------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictInfo:
    adjective: str  # masculine: «Кожевниковский»
    slug: str
    centre: str  # «с. Кожевниково»
    postcode: str
    phone_code: str

    @property
    def name(self) -> str:
        return f"{self.adjective} район"

    @property
    def feminine(self) -> str:
        """«Кожевниковская» (СОШ), «Первомайская»."""
        return self.adjective[:-2] + "ая" if self.adjective else ""

    @property
    def genitive(self) -> str:
        """«Кожевниковского» (района)."""
        return self.adjective[:-2] + "ого" if self.adjective else ""


# The municipal districts of Tomsk Oblast, those of the brief first.
DISTRICTS = [
    DistrictInfo("Кожевниковский", "kozhevnikovskiy", "с. Кожевниково", "636160", "38244"),
    DistrictInfo("Шегарский", "shegarskiy", "с. Мельниково", "636130", "38247"),
    DistrictInfo("Асиновский", "asinovskiy", "г. Асино", "636840", "38241"),
    DistrictInfo("Колпашевский", "kolpashevskiy", "г. Колпашево", "636460", "38254"),
    DistrictInfo("Томский", "tomskiy", "с. Богашёво", "634570", "3822"),
    DistrictInfo("Кривошеинский", "krivosheinskiy", "с. Кривошеино", "636300", "38251"),
    DistrictInfo("Первомайский", "pervomayskiy", "с. Первомайское", "636930", "38245"),
    DistrictInfo("Зырянский", "zyryanskiy", "с. Зырянское", "636850", "38243"),
    DistrictInfo("Бакчарский", "bakcharskiy", "с. Бакчар", "636200", "38249"),
    DistrictInfo("Чаинский", "chainskiy", "с. Подгорное", "636400", "38257"),
    DistrictInfo("Молчановский", "molchanovskiy", "с. Молчаново", "636330", "38256"),
    DistrictInfo("Парабельский", "parabelskiy", "с. Парабель", "636600", "38252"),
    DistrictInfo("Каргасокский", "kargasokskiy", "с. Каргасок", "636700", "38253"),
    DistrictInfo("Верхнекетский", "verkhneketskiy", "р. п. Белый Яр", "636500", "38258"),
    DistrictInfo("Тегульдетский", "teguldetskiy", "с. Тегульдет", "636900", "38246"),
    DistrictInfo("Александровский", "aleksandrovskiy", "с. Александровское", "636760", "38255"),
]

# Villages and the feminine adjective their school is named with.
VILLAGES = [
    ("Вороново", "Вороновская"),
    ("Уртам", "Уртамская"),
    ("Старая Ювала", "Староювалинская"),
    ("Малиновка", "Малиновская"),
    ("Новопокровка", "Новопокровская"),
    ("Песочнодубровка", "Песочнодубровская"),
    ("Батурино", "Батуринская"),
    ("Елгай", "Елгайская"),
    ("Десятово", "Десятовская"),
    ("Хмелёвка", "Хмелёвская"),
    ("Киреевск", "Киреевская"),
    ("Чилино", "Чилинская"),
    ("Осиновка", "Осиновская"),
    ("Анастасьевка", "Анастасьевская"),
    ("Бабарыкино", "Бабарыкинская"),
    ("Гынгазово", "Гынгазовская"),
    ("Маркелово", "Маркеловская"),
    ("Побочино", "Побочинская"),
    ("Баткат", "Баткатская"),
    ("Каргала", "Каргалинская"),
    ("Нащёково", "Нащёковская"),
    ("Монастырка", "Монастырская"),
    ("Северное", "Северная"),
    ("Берёзовка", "Берёзовская"),
    ("Николаевка", "Николаевская"),
    ("Михайловка", "Михайловская"),
    ("Ивановка", "Ивановская"),
    ("Сосновка", "Сосновская"),
    ("Озёрное", "Озёрненская"),
    ("Комсомольск", "Комсомольская"),
]

STREETS = [
    "ул. Ленина",
    "ул. Советская",
    "ул. Школьная",
    "ул. Молодёжная",
    "ул. Комсомольская",
    "ул. Садовая",
    "ул. Гагарина",
    "пер. Школьный",
    "ул. Кирова",
    "ул. Октябрьская",
    "ул. Пионерская",
    "ул. Лесная",
    "ул. Мира",
    "ул. Набережная",
    "ул. Победы",
]

KINDERGARTEN_NAMES = [
    "Солнышко",
    "Ромашка",
    "Колокольчик",
    "Берёзка",
    "Теремок",
    "Светлячок",
    "Радуга",
    "Сказка",
    "Улыбка",
    "Золотой ключик",
    "Алёнушка",
    "Рябинка",
    "Ласточка",
    "Родничок",
    "Незабудка",
]

ADDITIONAL_EDUCATION = [
    ("Дом детского творчества", "ДДТ"),
    ("Детско-юношеская спортивная школа", "ДЮСШ"),
    ("Детская школа искусств", "ДШИ"),
    ("Центр дополнительного образования", "ЦДО"),
    ("Станция юных техников", "СЮТ"),
]

COLLEGES = ["техникум агробизнеса", "промышленно-гуманитарный колледж", "педагогический колледж"]

# Most common Russian surnames, in the masculine form (feminine_surname() derives the other).
SURNAMES = words(
    """
Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов
Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев
Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев
Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин
Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов
Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов
Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин
Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов
Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров
Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев Ермаков Колесников Гончаров
Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов Громов Кириллов Малышев Панов
Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов Еремеев Тихомиров Галкин
Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов Прокофьев Харитонов Князев Цветков
Левин Митрофанов Воронов Аксёнов Мальцев Логинов Горшков Савин Краснов Майоров Демидов
Елисеев Рыбаков Сафонов Плотников Дёмин Хохлов Жданов Островский Покровский Вишневский
Успенский Шевченко Ткаченко Бондаренко Кравченко Савченко Руденко
"""
)

FEMALE_NAMES = words(
    """
Елена Ольга Татьяна Наталья Ирина Светлана Марина Людмила Галина Анна Юлия Екатерина
Надежда Валентина Любовь Оксана Лариса Евгения Мария Вера Нина Алла Инна Виктория
Анастасия Ксения Дарья Алёна Кристина Маргарита Лилия Тамара Лидия Раиса
"""
)

MALE_NAMES = words(
    """
Александр Сергей Андрей Алексей Дмитрий Владимир Евгений Николай Михаил Игорь Виктор Юрий
Олег Павел Иван Константин Максим Роман Денис Артём Вадим Василий Геннадий Анатолий
Валерий Станислав Илья Антон Кирилл Пётр
"""
)

GIRL_NAMES = words(
    """
Софья Анастасия Мария Анна Виктория Полина Елизавета Дарья Алиса Ксения Варвара Александра
Вероника Арина Екатерина Валерия Милана Ульяна Кира Василиса Алёна Ева Таисия Злата
"""
)

BOY_NAMES = words(
    """
Артём Максим Александр Михаил Иван Дмитрий Даниил Кирилл Матвей Егор Никита Илья Андрей
Алексей Тимофей Роман Владимир Ярослав Фёдор Степан Марк Лев Глеб Арсений Богдан Сергей
"""
)

# A father's name and the patronymics of his son and daughter.
PATRONYMICS = [
    ("Александр", "Александрович", "Александровна"),
    ("Сергей", "Сергеевич", "Сергеевна"),
    ("Андрей", "Андреевич", "Андреевна"),
    ("Алексей", "Алексеевич", "Алексеевна"),
    ("Дмитрий", "Дмитриевич", "Дмитриевна"),
    ("Владимир", "Владимирович", "Владимировна"),
    ("Евгений", "Евгеньевич", "Евгеньевна"),
    ("Николай", "Николаевич", "Николаевна"),
    ("Михаил", "Михайлович", "Михайловна"),
    ("Игорь", "Игоревич", "Игоревна"),
    ("Виктор", "Викторович", "Викторовна"),
    ("Юрий", "Юрьевич", "Юрьевна"),
    ("Олег", "Олегович", "Олеговна"),
    ("Павел", "Павлович", "Павловна"),
    ("Иван", "Иванович", "Ивановна"),
    ("Константин", "Константинович", "Константиновна"),
    ("Геннадий", "Геннадьевич", "Геннадьевна"),
    ("Анатолий", "Анатольевич", "Анатольевна"),
    ("Валерий", "Валерьевич", "Валерьевна"),
    ("Василий", "Васильевич", "Васильевна"),
    ("Пётр", "Петрович", "Петровна"),
    ("Григорий", "Григорьевич", "Григорьевна"),
    ("Борис", "Борисович", "Борисовна"),
    ("Фёдор", "Фёдорович", "Фёдоровна"),
    ("Леонид", "Леонидович", "Леонидовна"),
    ("Вячеслав", "Вячеславович", "Вячеславовна"),
    ("Максим", "Максимович", "Максимовна"),
    ("Роман", "Романович", "Романовна"),
    ("Денис", "Денисович", "Денисовна"),
    ("Антон", "Антонович", "Антоновна"),
    ("Илья", "Ильич", "Ильинична"),
    ("Кирилл", "Кириллович", "Кирилловна"),
]

# (position, subjects, weight) of a school's teachers.
SCHOOL_TEACHERS = [
    (
        "учитель начальных классов",
        ["Начальные классы", "Литературное чтение", "Окружающий мир"],
        5.0,
    ),
    ("учитель русского языка и литературы", ["Русский язык", "Литература"], 4.0),
    ("учитель математики", ["Математика", "Алгебра", "Геометрия"], 3.0),
    ("учитель математики и информатики", ["Математика", "Информатика"], 1.0),
    ("учитель английского языка", ["Иностранный язык (английский)"], 2.0),
    ("учитель немецкого языка", ["Иностранный язык (немецкий)"], 0.5),
    ("учитель истории и обществознания", ["История", "Обществознание"], 2.0),
    ("учитель географии", ["География"], 1.0),
    ("учитель биологии", ["Биология"], 1.0),
    ("учитель химии", ["Химия"], 0.7),
    ("учитель физики", ["Физика", "Астрономия"], 1.0),
    ("учитель информатики", ["Информатика"], 0.7),
    ("учитель физической культуры", ["Физическая культура"], 1.5),
    ("учитель музыки", ["Музыка"], 0.5),
    ("учитель изобразительного искусства", ["Изобразительное искусство"], 0.5),
    ("учитель технологии", ["Труд (технология)"], 0.7),
    ("преподаватель-организатор ОБЗР", ["Основы безопасности и защиты Родины"], 0.5),
    ("педагог-психолог", ["Коррекционная педагогика"], 0.5),
    ("учитель-логопед", ["Коррекционная педагогика"], 0.4),
    ("социальный педагог", ["Воспитательная работа"], 0.4),
    ("советник директора по воспитанию", ["Воспитательная работа"], 0.3),
]
KINDERGARTEN_TEACHERS = [
    ("воспитатель", ["Дошкольное образование"], 6.0),
    ("музыкальный руководитель", ["Дошкольное образование", "Музыка"], 1.0),
    ("инструктор по физической культуре", ["Дошкольное образование", "Физическая культура"], 1.0),
    ("учитель-логопед", ["Коррекционная педагогика"], 1.0),
    ("педагог-психолог", ["Коррекционная педагогика"], 0.5),
]
ADDITIONAL_TEACHERS = [
    ("педагог дополнительного образования", ["Дополнительное образование"], 6.0),
    ("тренер-преподаватель", ["Физическая культура", "Дополнительное образование"], 2.0),
    ("методист", ["Дополнительное образование"], 1.0),
]
COLLEGE_TEACHERS = [
    (position.replace("учитель ", "преподаватель ", 1), subjects, weight)
    for position, subjects, weight in SCHOOL_TEACHERS
    if position.startswith("учитель ") and "начальных" not in position
]
RESOURCE_CENTRE_STAFF = [
    ("методист РМЦ по начальному образованию", ["Начальные классы"], 1.0),
    ("методист РМЦ по русскому языку и литературе", ["Русский язык", "Литература"], 1.0),
    ("методист РМЦ по математике", ["Математика"], 1.0),
    ("методист РМЦ по воспитательной работе", ["Воспитательная работа"], 1.0),
]

# kind code → (head, deputy, teachers)
STAFF_BY_KIND: dict[str, tuple[str, str, list[tuple[str, list[str], float]]]] = {
    "school": ("директор", "заместитель директора по УВР", SCHOOL_TEACHERS),
    "gymnasium": ("директор", "заместитель директора по УВР", SCHOOL_TEACHERS),
    "lyceum": ("директор", "заместитель директора по УВР", SCHOOL_TEACHERS),
    "kindergarten": ("заведующий", "старший воспитатель", KINDERGARTEN_TEACHERS),
    "additional_education": ("директор", "заместитель директора по УВР", ADDITIONAL_TEACHERS),
    "college": ("директор", "заместитель директора по учебной работе", COLLEGE_TEACHERS),
}
GENERAL_SCHOOL_KINDS = frozenset({"school", "gymnasium", "lyceum"})

CATEGORIES = [
    (User.Category.HIGHEST, 30),
    (User.Category.FIRST, 35),
    (User.Category.COMPLIANCE, 20),
    (User.Category.NONE, 15),
]

TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        words("a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya"),
        strict=True,
    )
)


def translit(text: str) -> str:
    letters = (TRANSLIT.get(ch, ch) for ch in text.lower())
    return "".join(letters).replace("_", "").replace(" ", "")


def feminine_surname(surname: str) -> str:
    for ending in ("ов", "ев", "ёв", "ин", "ын"):
        if surname.endswith(ending):
            return surname + "а"
    if surname.endswith("ий"):
        return surname[:-2] + "ая"
    return surname  # Шевченко, Руденко: the same for both


# --- What a run makes and reports -------------------------------------------------------


@dataclass(frozen=True)
class DemoOptions:
    districts: int = 2
    schools: int = 12
    teachers_per_school: int = 12
    students_per_school: int = 30
    seed: int = 2026


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    person: str = ""
    organization: str = ""


# The fixed logins, in the order the table shows them.
FIXED_LOGINS = [
    ("methodist", "методист управления образования"),
    ("expert", "эксперт (член РМС)"),
    ("director", "директор школы"),
    ("teacher", "учитель"),
    ("teacher2", "учитель другой школы"),
    ("student", "обучающийся (7 «Б»)"),
    ("parent", "родитель обучающегося"),
    ("admin", "администратор платформы"),
]


@dataclass
class DemoSummary:
    districts: int = 0
    organizations: int = 0
    users: int = 0
    memberships: int = 0
    subject_links: int = 0
    parent_links: int = 0
    seconds: float = 0.0
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return (
            self.districts
            + self.organizations
            + self.users
            + self.memberships
            + self.subject_links
            + self.parent_links
        )


# --- Reading and deleting ---------------------------------------------------------------


def demo_districts() -> "models.QuerySet[District]":
    return District.objects.filter(slug__startswith=DEMO_SLUG_PREFIX)


def demo_users() -> "models.QuerySet[User]":
    return User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")


def demo_exists() -> bool:
    return demo_districts().exists()


def demo_logins() -> list[DemoLogin]:
    """The fixed logins as they are in the database now."""
    emails = {demo_email(key): label for key, label in FIXED_LOGINS}
    users = {
        user.email: user
        for user in User.objects.filter(email__in=emails).prefetch_related(
            models.Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("organization").order_by("pk"),
            )
        )
    }
    logins = []
    for email, label in emails.items():
        user = users.get(email)
        if user is None:
            continue
        memberships = list(user.memberships.all())
        organization = memberships[0].organization.short_name if memberships else ""
        logins.append(DemoLogin(email, label, user.full_name, organization))
    return logins


def delete_demo() -> int:
    """Delete every demo row and whatever refers to it; returns the number of rows."""
    deleted = 0
    with transaction.atomic():
        organizations = Organization.objects.filter(district__in=demo_districts())
        # Roles of non-demo people in demo organizations would protect the organizations.
        deleted += _force_delete(Membership.objects.filter(organization__in=organizations))
        deleted += _force_delete(demo_users())
        deleted += _force_delete(organizations)
        deleted += _force_delete(demo_districts())
    return deleted


def _force_delete(queryset: "models.QuerySet[Any]", depth: int = 0) -> int:
    """Delete, first deleting rows that PROTECT or RESTRICT them (rows of other apps that
    refer to demo people or organizations are demo rows too)."""
    deleted = 0
    for _attempt in range(20):
        try:
            return deleted + queryset.delete()[0]
        except (ProtectedError, RestrictedError) as error:
            if depth > 5:
                raise
            blockers = (
                error.protected_objects
                if isinstance(error, ProtectedError)
                else error.restricted_objects
            )
            by_model: dict[type[models.Model], list[Any]] = {}
            for obj in blockers:
                by_model.setdefault(type(obj), []).append(obj.pk)
            for model, pks in by_model.items():
                deleted += _force_delete(model._default_manager.filter(pk__in=pks), depth + 1)
    return deleted + queryset.delete()[0]


# --- Building ---------------------------------------------------------------------------


def ensure_reference_data() -> None:
    """Kinds and subjects come from a data migration; a test database flushed by a
    transactional test lacks them, so put them back the same way."""
    migration = importlib.import_module("metodset.accounts.migrations.0002_reference_data")
    codes = {row[0] for row in migration.KINDS}
    kinds_present = OrganizationKind.objects.filter(code__in=codes).count() == len(codes)
    subjects_present = Subject.objects.filter(name__in=migration.SUBJECTS).count() == len(
        migration.SUBJECTS
    )
    if not (kinds_present and subjects_present):
        from django.apps import apps

        migration.forwards(apps, None)


def build_demo(
    options: DemoOptions, *, progress: Callable[[str], None] | None = None
) -> DemoSummary:
    """Delete the previous demo and create a new one, in one transaction."""
    started = time.perf_counter()
    with transaction.atomic():
        ensure_reference_data()
        delete_demo()
        summary = _Builder(options, progress or (lambda _message: None)).build()
        methodists = demo_users().filter(
            memberships__role__in=[Role.DISTRICT_METHODIST, Role.REGION_METHODIST]
        )
        for methodist in methodists.distinct():
            services.sync_admin_access(methodist)
    summary.seconds = time.perf_counter() - started
    summary.logins = demo_logins()
    return summary


@dataclass
class _Plan:
    """One organization to create and how to name it."""

    kind: str
    short_name: str
    name: str


class _Builder:
    def __init__(self, options: DemoOptions, progress: Callable[[str], None]) -> None:
        if options.districts < 1:
            raise ValueError("districts must be at least 1")
        if options.schools < 2:
            raise ValueError("schools must be at least 2")
        self.options = options
        self.progress = progress
        self.rng = random.Random(options.seed)  # noqa: S311  # repeatable demo data, not secrets
        self.now = timezone.now()
        self.kinds = {kind.code: kind for kind in OrganizationKind.objects.all()}
        self.subjects = {subject.name: subject.pk for subject in Subject.objects.all()}
        self.password_hash = make_password(DEMO_PASSWORD)  # hashed once for every login
        self.region, _created = Region.objects.get_or_create(name=REGION_NAME)
        self.summary = DemoSummary()
        self.email_counter = 0
        self.org_counter = 0
        self.subject_through: Any = User.subjects.through

    # -- people --

    def unusable_password(self) -> str:
        # What make_password(None) gives, from the seeded generator (40k × secrets is slow).
        return UNUSABLE_PASSWORD_PREFIX + "".join(
            self.rng.choices(string.ascii_letters + string.digits, k=40)
        )

    def category(self) -> str:
        values = [value for value, _weight in CATEGORIES]
        weights = [weight for _value, weight in CATEGORIES]
        return str(self.rng.choices(values, weights)[0])

    def person(
        self,
        *,
        female: bool,
        adult: bool = True,
        surname: str | None = None,
        father: tuple[str, str, str] | None = None,
        position: str = "",
        email_key: str | None = None,
    ) -> User:
        surname = surname or self.rng.choice(SURNAMES)
        father = father or self.rng.choice(PATRONYMICS)
        if adult:
            first_name = self.rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        else:
            first_name = self.rng.choice(GIRL_NAMES if female else BOY_NAMES)
        last_name = feminine_surname(surname) if female else surname
        patronymic = father[2] if female else father[1]
        if email_key:
            email, password = demo_email(email_key), self.password_hash
        else:
            self.email_counter += 1
            local = f"{translit(last_name)}.{translit(first_name[0])}{translit(patronymic[0])}"
            email = demo_email(f"{local}.{self.email_counter}")
            password = self.unusable_password()
        return User(
            email=email,
            password=password,
            last_name=last_name,
            first_name=first_name,
            patronymic=patronymic,
            position=position,
            qualification_category=self.category() if adult and position else "",
            date_joined=self.now,
            accessibility={},
        )

    # -- organizations --

    def plan_district(self, info: DistrictInfo | None, count: int) -> list[_Plan]:
        """Names for `count` organizations: СОШ №1, Гимназия №2, Лицей №3, a kindergarten,
        a centre of additional education, a college, then more schools and kindergartens."""
        fem = info.feminine if info else ""
        masc = info.adjective if info else "Районный"
        centre = info.centre if info else ""
        order = ["school", "gymnasium", "lyceum", "kindergarten", "additional_education", "college"]
        repeat = ["school", "village_school", "kindergarten", "village_school", "village_school"]
        number = 0  # СОШ, гимназии and лицеи of the centre share the numbering
        kindergartens = 0
        additional = 0
        colleges = 0
        villages = list(VILLAGES)
        self.rng.shuffle(villages)
        plans = []
        for index in range(count):
            kind = (
                order[index] if index < len(order) else repeat[(index - len(order)) % len(repeat)]
            )
            if kind == "village_school" and villages:
                village, adjective = villages.pop()
                basic = self.rng.random() < 0.3
                level, level_full = ("ООШ", "основная") if basic else ("СОШ", "средняя")
                plans.append(
                    _Plan(
                        "school",
                        f"МКОУ «{adjective} {level}»",
                        f"Муниципальное казённое общеобразовательное учреждение «{adjective} "
                        f"{level_full} общеобразовательная школа» ({village})",
                    )
                )
                continue
            if kind == "village_school":
                kind = "school"
            if kind == "school":
                number += 1
                prefix = f"{fem} " if fem else ""
                plans.append(
                    _Plan(
                        "school",
                        f"МБОУ «{prefix}СОШ №{number}»",
                        f"Муниципальное бюджетное общеобразовательное учреждение «{prefix}средняя "
                        f"общеобразовательная школа №{number}»",
                    )
                )
            elif kind in {"gymnasium", "lyceum"}:
                number += 1
                word = "Гимназия" if kind == "gymnasium" else "Лицей"
                plans.append(
                    _Plan(
                        kind,
                        f"МАОУ «{word} №{number}»",
                        f"Муниципальное автономное общеобразовательное учреждение «{word} №{number}»",
                    )
                )
            elif kind == "kindergarten":
                kindergartens += 1
                title = KINDERGARTEN_NAMES[(kindergartens - 1) % len(KINDERGARTEN_NAMES)]
                plans.append(
                    _Plan(
                        kind,
                        f"МБДОУ «Детский сад №{kindergartens} «{title}»»",
                        f"Муниципальное бюджетное дошкольное образовательное учреждение «Детский "
                        f"сад №{kindergartens} «{title}»» {centre}".strip(),
                    )
                )
            elif kind == "additional_education":
                title, abbr = ADDITIONAL_EDUCATION[additional % len(ADDITIONAL_EDUCATION)]
                suffix = (
                    f" №{additional // len(ADDITIONAL_EDUCATION) + 1}"
                    if additional >= len(ADDITIONAL_EDUCATION)
                    else ""
                )
                additional += 1
                plans.append(
                    _Plan(
                        kind,
                        f"МБУ ДО «{abbr}{suffix}» {centre}".strip(),
                        f"Муниципальное бюджетное учреждение дополнительного образования "
                        f"«{title}{suffix}» {centre}".strip(),
                    )
                )
            else:  # college
                title = COLLEGES[colleges % len(COLLEGES)]
                suffix = f" №{colleges // len(COLLEGES) + 1}" if colleges >= len(COLLEGES) else ""
                colleges += 1
                plans.append(
                    _Plan(
                        kind,
                        f"ОГБПОУ «{masc} {title}{suffix}»",
                        f"Областное государственное бюджетное профессиональное образовательное "
                        f"учреждение «{masc} {title}{suffix}»",
                    )
                )
        return plans

    def organization(
        self, district: District, info: DistrictInfo | None, kind: str, short_name: str, name: str
    ) -> Organization:
        self.org_counter += 1
        centre = info.centre if info else ""
        code = info.phone_code if info else "3822"
        postcode = info.postcode if info else "634000"
        street = self.rng.choice(STREETS)
        return Organization(
            region=self.region,
            district=district,
            kind=self.kinds[kind],
            short_name=short_name,
            name=name,
            short_name_key=name_key(short_name),
            name_key=name_key(name),
            address=f"{postcode}, {REGION_NAME}, {centre}, {street}, д. {self.rng.randint(1, 60)}".replace(
                ", , ", ", "
            ),
            phone=f"+7 ({code}) {self.rng.randint(2, 5)}-{self.rng.randint(10, 99)}-{self.rng.randint(10, 99)}",
            email=demo_email(f"org{self.org_counter}"),
            created_at=self.now,
            updated_at=self.now,
        )

    # -- the run --

    def build(self) -> DemoSummary:
        options = self.options
        per_district = [
            options.schools // options.districts
            + (1 if index < options.schools % options.districts else 0)
            for index in range(options.districts)
        ]
        # The fixed logins: director and teacher in the first school, teacher2 in the next.
        second_school = (0, 1) if per_district[0] >= 2 else (1, 0)
        for index, count in enumerate(per_district):
            info = DISTRICTS[index] if index < len(DISTRICTS) else None
            self.build_district(index, info, count, second_school)
            self.progress(f"Район {index + 1} из {options.districts}: {count} организаций")
        admin = User(
            email=demo_email("admin"),
            password=self.password_hash,
            last_name="Администратор",
            first_name="Системный",
            is_staff=True,
            is_superuser=True,
            date_joined=self.now,
            accessibility={},
        )
        self.create(User, [admin])
        self.summary.users += 1
        return self.summary

    def build_district(
        self, index: int, info: DistrictInfo | None, count: int, second_school: tuple[int, int]
    ) -> None:
        number = index + 1
        name = info.name if info else f"Муниципальный район №{number}"
        slug = DEMO_SLUG_PREFIX + (info.slug if info else f"district-{number}")
        district = District.objects.create(
            region=self.region, name=name, slug=slug, time_zone="Asia/Tomsk"
        )
        self.summary.districts += 1
        genitive = f"{info.genitive} района" if info else f"района №{number}"

        department = self.organization(
            district,
            info,
            "education_department",
            f"Управление образования {genitive}",
            f"Управление образования Администрации {genitive}",
        )
        resource_centre = self.organization(
            district,
            info,
            "resource_centre",
            f"РМЦ {genitive}",
            f"Муниципальное казённое учреждение «Районный методический центр» {genitive}",
        )
        plans = self.plan_district(info, count)
        schools = [
            self.organization(district, info, plan.kind, plan.short_name, plan.name)
            for plan in plans
        ]

        users: list[User] = []
        memberships: list[Membership] = []
        subject_links: list[tuple[User, list[str]]] = []
        parent_links: list[tuple[User, User]] = []

        def add(
            user: User, organization: Organization, *roles: str, student_class: str = ""
        ) -> None:
            users.append(user)
            for role in roles:
                memberships.append(
                    Membership(
                        user=user,
                        organization=organization,
                        role=role,
                        position="" if role in {Role.STUDENT, Role.PARENT} else user.position,
                        student_class=student_class if role == Role.STUDENT else "",
                        created_at=self.now,
                        updated_at=self.now,
                    )
                )

        # The education department: its head and methodists, and the experts of the РМС.
        first = index == 0
        department_staff = [
            ("начальник управления образования", Role.DISTRICT_METHODIST, None),
            ("методист отдела общего образования", Role.DISTRICT_METHODIST, "methodist"),
            ("главный специалист отдела общего образования", Role.DISTRICT_METHODIST, None),
            ("эксперт районного методического совета", Role.EXPERT, "expert"),
            ("эксперт районного методического совета", Role.EXPERT, None),
            ("эксперт районного методического совета", Role.EXPERT, None),
        ]
        for position, role, key in department_staff:
            user = self.person(
                female=self.rng.random() < 0.8,
                position=position,
                email_key=key if first else None,
            )
            add(user, department, role)
            if department.director_name == "":
                department.director_name = user.full_name
        for position, subjects, _weight in RESOURCE_CENTRE_STAFF:
            user = self.person(female=self.rng.random() < 0.85, position=position)
            add(user, resource_centre, Role.TEACHER)
            subject_links.append((user, subjects))
            if resource_centre.director_name == "":
                resource_centre.director_name = user.full_name

        for school_index, (plan, school) in enumerate(zip(plans, schools, strict=True)):
            head, deputy, profiles = STAFF_BY_KIND[plan.kind]
            is_first_school = first and school_index == 0
            is_second_school = (index, school_index) == second_school
            staff = self.options.teachers_per_school
            if is_first_school or is_second_school:
                staff = max(staff, 2)
            for slot in range(staff):
                female = self.rng.random() < 0.8
                key = None
                roles: tuple[str, ...]
                if slot == 0:
                    position, subjects, roles = head, [], (Role.SCHOOL_ADMIN,)
                    key = "director" if is_first_school else None
                else:
                    position, subjects, _weight = self.rng.choices(
                        profiles, [weight for _p, _s, weight in profiles]
                    )[0]
                    roles = (Role.TEACHER,)
                    if slot == 1 and staff >= 6:
                        position, roles = deputy, (Role.SCHOOL_ADMIN, Role.TEACHER)
                    if slot == staff - 1 and is_first_school:
                        position, subjects, key = (
                            "учитель математики",
                            ["Математика", "Алгебра", "Геометрия"],
                            "teacher",
                        )
                    elif slot == staff - 1 and is_second_school:
                        position, subjects, key = (
                            "учитель русского языка и литературы",
                            ["Русский язык", "Литература"],
                            "teacher2",
                        )
                user = self.person(female=female, position=position, email_key=key)
                if key in {"teacher", "teacher2"}:
                    user.qualification_category = User.Category.HIGHEST
                add(user, school, *roles)
                if subjects:
                    subject_links.append((user, subjects))
                if slot == 0:
                    school.director_name = user.full_name

            if plan.kind not in GENERAL_SCHOOL_KINDS:
                continue
            students = self.options.students_per_school
            if is_first_school:
                students = max(students, 1)
            letters = "АБВГ"[: max(2, min(4, -(-students // (11 * 25))))]
            for slot in range(students):
                grade = 1 + slot % 11
                letter = letters[(slot // 11) % len(letters)]
                key = "student" if is_first_school and slot == 0 else None
                student_class = "7Б" if key else f"{grade}{letter}"
                female = self.rng.random() < 0.5
                surname = self.rng.choice(SURNAMES)
                father = self.rng.choice(PATRONYMICS)
                child = self.person(
                    female=female, adult=False, surname=surname, father=father, email_key=key
                )
                add(child, school, Role.STUDENT, student_class=student_class)
                if key or self.rng.random() < 0.5:
                    mother = key is not None or self.rng.random() < 0.75
                    parent = self.person(
                        female=mother,
                        surname=surname,
                        email_key="parent" if key else None,
                    )
                    if not mother:
                        # The father: his first name is the child's patronymic.
                        parent.first_name = father[0]
                    add(parent, school, Role.PARENT)
                    parent_links.append((parent, child))

        self.create(Organization, [department, resource_centre, *schools])
        self.summary.organizations += 2 + len(schools)
        self.create(User, users)
        self.summary.users += len(users)
        self.create(Membership, memberships)
        self.summary.memberships += len(memberships)
        through = self.subject_through
        links = [
            through(user_id=user.pk, subject_id=self.subjects[name])
            for user, names in subject_links
            for name in names
            if name in self.subjects
        ]
        self.create(through, links)
        self.summary.subject_links += len(links)
        self.create(ParentLink, [ParentLink(parent=p, child=c) for p, c in parent_links])
        self.summary.parent_links += len(parent_links)

    @staticmethod
    def create(model: type[ModelT], objects: Sequence[ModelT] | Iterable[ModelT]) -> None:
        rows = list(objects)
        for row in rows:
            if isinstance(row, User):
                row.search_name = row.compute_search_name()  # bulk_create skips save()
        model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)

"""What the events' API takes and gives: events, registrations, road maps. The field
descriptions are the API's documentation, in plain Russian (see the package docstring)."""

import datetime
from typing import Any, Literal

from ninja import Field, Schema

from metodset.accounts.api import ErrorOut

PER_PAGE = 20

ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


# --- Schemas: events ----------------------------------------------------------------------


class EventKindOut(Schema):
    code: str = Field(description="Код вида: seminar, master-class, open-day, contest…")
    name: str = Field(description="Вид мероприятия по-русски.")


class OrganizerOut(Schema):
    id: int = Field(description="Идентификатор организации.")
    short_name: str = Field(description="Краткое название организации.")


class GroupRefOut(Schema):
    id: int = Field(description="Идентификатор объединения.")
    title: str = Field(description="Название объединения.")


class MyRegistrationOut(Schema):
    id: int = Field(description="Идентификатор регистрации.")
    status: str = Field(
        description="confirmed — место за вами, waiting — в листе ожидания, pending — ждёт "
        "подтверждения организатора, cancelled — отменена, rejected — отклонена."
    )
    role: str = Field(description="participant — участник, speaker — выступающий.")


class EventOut(Schema):
    id: int = Field(description="Идентификатор мероприятия.")
    title: str = Field(description="Название.")
    kind: EventKindOut = Field(description="Вид мероприятия.")
    status: str = Field(
        description="draft — черновик (видят организаторы), published — объявлено, "
        "cancelled — отменено."
    )
    status_label: str = Field(description="Состояние по-русски.")
    starts_at: datetime.datetime = Field(
        description="Начало (первой части), ISO 8601 со смещением, в часовом поясе района."
    )
    ends_at: datetime.datetime = Field(
        description="Окончание (последней части), ISO 8601 со смещением, в поясе района."
    )
    time_zone: str = Field(description="Часовой пояс района (IANA), например Asia/Tomsk.")
    format: str = Field(description="offline — очно, online — онлайн, mixed — смешанный.")
    format_label: str = Field(description="Формат по-русски.")
    address: str = Field(description="Адрес (для очного и смешанного формата).")
    room: str = Field(description="Аудитория, кабинет.")
    online_url: str | None = Field(
        description="Ссылка на трансляцию: только зарегистрированным с местом и "
        "организаторам; иначе null."
    )
    organizers: list[OrganizerOut] = Field(description="Организации-организаторы.")
    group: GroupRefOut | None = Field(description="Объединение-организатор; null, если нет.")
    audience: list[Literal["teachers", "heads", "students", "parents"]] = Field(
        description="Для кого: teachers — педагоги, heads — руководители ОО, students — "
        "обучающиеся, parents — родители."
    )
    capacity: int | None = Field(description="Мест; null — без ограничения.")
    places_left: int | None = Field(
        description="Свободных мест; null, если число мест не ограничено."
    )
    registration_deadline: datetime.datetime | None = Field(
        description="Регистрация до (в поясе района); null — до окончания мероприятия."
    )
    registration_open: bool = Field(
        description="Открыта ли регистрация (при заполненных местах — в лист ожидания)."
    )
    registration_closed_reason: str = Field(
        description="Почему регистрация закрыта, по-русски; пусто, если открыта."
    )
    url: str = Field(description="Адрес страницы мероприятия на сайте.")
    ics_url: str = Field(description="Адрес файла .ics мероприятия для календаря.")
    my_registration: MyRegistrationOut | None = Field(
        description="Ваша регистрация; null, если вы не регистрировались (и для гостей)."
    )


class EventPageOut(Schema):
    total: int = Field(description="Сколько мероприятий подходит под условия.")
    page: int = Field(description="Номер страницы, с 1.")
    items: list[EventOut] = Field(description="Мероприятия этой страницы (до 20).")


class EventFilters(Schema):
    date_from: datetime.date | None = Field(
        None,
        alias="from",
        description="Не закончившиеся до этого дня (день — по часовому поясу установки).",
    )
    date_to: datetime.date | None = Field(
        None, alias="to", description="Начинающиеся не позже этого дня."
    )
    kind: str | None = Field(None, description="Код вида мероприятия (seminar, …).")
    audience: Literal["teachers", "heads", "students", "parents"] | None = Field(
        None, description="Только мероприятия для этой аудитории."
    )
    organization: int | None = Field(None, description="Организация-организатор (id).")
    group: int | None = Field(None, description="Объединение-организатор (id).")
    subject: int | None = Field(None, description="Предмет (id).")
    status: Literal["draft", "published", "cancelled"] | None = Field(
        None, description="Только в этом состоянии (черновики — свои, организаторам)."
    )
    q: str | None = Field(None, description="Слова из названия или описания.")
    page: int = Field(1, ge=1, description="Номер страницы, с 1.")


class EventSubjectOut(Schema):
    id: int = Field(description="Идентификатор предмета.")
    name: str = Field(description="Название предмета.")


class SessionOut(Schema):
    starts_at: datetime.datetime = Field(description="Начало части, в поясе района.")
    ends_at: datetime.datetime = Field(description="Окончание части, в поясе района.")
    title: str = Field(description="Часть программы; пусто, если не названа.")


class MaterialRefOut(Schema):
    id: int = Field(description="Идентификатор материала библиотеки.")
    title: str = Field(description="Название материала.")
    url: str = Field(description="Адрес материала на сайте.")


class EventDetailOut(EventOut):
    description: str = Field(description="Описание.")
    subject: EventSubjectOut | None = Field(description="Предмет; null, если не указан.")
    hours: int | None = Field(description="Объём, академических часов; null, если не указан.")
    registration_enabled: bool = Field(description="Нужна ли регистрация.")
    needs_approval: bool = Field(description="Подтверждает ли участие организатор.")
    visibility: str = Field(
        description="Кто видит: public — все, и гости; network — участники сети; "
        "organizers — организаторы и приглашённые."
    )
    cancel_reason: str = Field(description="Причина отмены; пусто, если не отменено.")
    sessions: list[SessionOut] = Field(description="Расписание: части мероприятия по порядку.")
    report: str = Field(description="Отчёт о мероприятии; пусто, пока не написан.")
    materials: list[MaterialRefOut] = Field(
        description="Материалы мероприятия из библиотеки (только те, что вам видны)."
    )
    confirmed: int = Field(description="Сколько участников с местом.")
    waiting: int = Field(description="Сколько в листе ожидания.")
    can_manage: bool = Field(
        description="Организатор ли вы: менять, отменять, видеть список, отмечать."
    )
    can_register: bool = Field(description="Можете ли вы зарегистрироваться сейчас.")


class SessionIn(Schema):
    starts_at: datetime.datetime = Field(
        description="Начало, ISO 8601; без смещения — по часовому поясу района организатора."
    )
    ends_at: datetime.datetime = Field(description="Окончание, ISO 8601, как начало.")
    title: str = Field("", description="Часть программы (необязательно).")


class EventIn(Schema):
    kind: str = Field(description="Код вида мероприятия (seminar, master-class, …).")
    title: str = Field(description="Название.")
    description: str = Field("", description="Описание.")
    subject_id: int | None = Field(None, description="Предмет (id), необязательно.")
    sessions: list[SessionIn] = Field(
        description="Даты и время: одна часть или несколько для многодневного мероприятия."
    )
    organization_ids: list[int] = Field(
        [], description="Организации-организаторы (id): свои; методисту — любые в районе."
    )
    group_id: int | None = Field(
        None, description="Объединение-организатор (id): то, которым вы руководите."
    )
    for_teachers: bool = Field(True, description="Для педагогов.")
    for_heads: bool = Field(False, description="Для руководителей ОО.")
    for_students: bool = Field(False, description="Для обучающихся.")
    for_parents: bool = Field(False, description="Для родителей.")
    format: Literal["offline", "online", "mixed"] = Field(
        "offline", description="offline — очно, online — онлайн, mixed — смешанный."
    )
    address: str = Field("", description="Адрес: нужен для очного и смешанного формата.")
    room: str = Field("", description="Аудитория, кабинет.")
    online_url: str = Field(
        "", description="Ссылка на трансляцию: нужна для онлайн и смешанного формата."
    )
    hours: int | None = Field(None, description="Объём, академических часов.")
    registration_enabled: bool = Field(True, description="Нужна ли регистрация.")
    capacity: int | None = Field(None, description="Мест; null — без ограничения.")
    registration_deadline: datetime.datetime | None = Field(
        None, description="Регистрация до, ISO 8601; без смещения — по поясу района."
    )
    needs_approval: bool = Field(False, description="Участие подтверждает организатор.")
    visibility: Literal["public", "network", "organizers"] = Field(
        "network",
        description="public — всем, и гостям (афиша); network — участникам сети; "
        "organizers — только организаторам и приглашённым.",
    )
    publish: bool = Field(
        True,
        description="Объявить сразу (true) или сохранить черновик (false). При изменении: "
        "true объявляет черновик, объявленное мероприятие остаётся объявленным.",
    )


class ReasonIn(Schema):
    reason: str = Field(description="Причина отмены: её увидят зарегистрированные.")


class RegistrationIn(Schema):
    person_id: int | None = Field(
        None,
        description="Кого зарегистрировать (id); по умолчанию — себя. Руководитель ОО "
        "регистрирует сотрудников и обучающихся своей организации, организатор — любых.",
    )
    role: Literal["participant", "speaker"] = Field(
        "participant",
        description="participant — участник; speaker — выступающий (назначает организатор, "
        "место не занимает).",
    )


class RegistrationOut(Schema):
    id: int = Field(description="Идентификатор регистрации.")
    event_id: int = Field(description="Мероприятие.")
    person_id: int = Field(description="Участник (id пользователя).")
    person_name: str | None = Field(
        description="ФИО участника: организаторам, самому участнику и тому, кто его "
        "зарегистрировал; иначе null."
    )
    organization: str | None = Field(
        description="Организация участника (видна тем же, кому ФИО); null, если скрыта или "
        "не указана."
    )
    is_student: bool = Field(description="Обучающийся ли участник.")
    status: str = Field(
        description="confirmed — зарегистрирован, waiting — лист ожидания, pending — ждёт "
        "подтверждения организатора, cancelled — отменил участие, rejected — отклонена."
    )
    status_label: str = Field(description="Состояние по-русски.")
    waiting_position: int | None = Field(
        description="Место в листе ожидания, с 1; null, если не в листе ожидания."
    )
    role: str = Field(description="participant — участник, speaker — выступающий.")
    role_label: str = Field(description="Роль по-русски.")
    attended: bool | None = Field(
        description="Присутствовал ли; null, пока присутствие не отмечено."
    )
    decision_comment: str = Field(description="Комментарий организатора к решению.")


class RegistrationFilters(Schema):
    status: Literal["confirmed", "waiting", "pending", "cancelled", "rejected"] | None = Field(
        None, description="Только регистрации в этом состоянии."
    )


class RegistrationDecisionIn(Schema):
    approve: bool = Field(description="true — подтвердить участие, false — отклонить.")
    comment: str = Field(
        "", description="Комментарий участнику; при отклонении обязателен (причина)."
    )


class AttendanceIn(Schema):
    present: list[int] = Field(
        description="Регистрации (id) тех, кто присутствовал; остальные зарегистрированные "
        "с местом отмечаются отсутствовавшими."
    )


class IssuedCertificateOut(Schema):
    number: str = Field(description="Номер сертификата, «2026-000123».")
    title: str = Field(description="«Сертификат участника» или «Сертификат выступающего».")
    holder_name: str = Field(description="ФИО получателя.")
    verify_url: str = Field(description="Адрес страницы проверки подлинности.")


class FeedbackIn(Schema):
    rating: int = Field(description="Оценка от 1 до 5.")
    comment: str = Field("", description="Отзыв (необязательно).")


class FeedbackOut(Schema):
    event_id: int = Field(description="Мероприятие.")
    rating: int = Field(description="Ваша оценка, от 1 до 5.")
    comment: str = Field(description="Ваш отзыв.")
    created_at: datetime.datetime = Field(description="Когда оставлен.")


# --- Schemas: road maps -------------------------------------------------------------------


class PersonRefOut(Schema):
    id: int = Field(description="Идентификатор пользователя.")
    short_name: str = Field(description="Фамилия и инициалы.")


class RoadMapOut(Schema):
    id: int = Field(description="Идентификатор сетевого графика.")
    title: str = Field(description="Название.")
    academic_year: int = Field(description="Учебный год: год его начала (2025 — 2025/2026).")
    academic_year_label: str = Field(description="Учебный год, «2025/2026».")
    district: str = Field(description="Район.")
    organizations: list[OrganizerOut] = Field(description="Организации-участники.")
    group: GroupRefOut | None = Field(description="Объединение; null, если нет.")
    goal: str = Field(description="Цель.")
    held: int = Field(description="Сколько мероприятий проведено.")
    planned: int = Field(description="Сколько запланировано (все строки, кроме отменённых).")
    url: str = Field(description="Адрес сетевого графика на сайте.")


class RoadMapPageOut(Schema):
    total: int = Field(description="Сколько сетевых графиков подходит под условия.")
    page: int = Field(description="Номер страницы, с 1.")
    items: list[RoadMapOut] = Field(description="Сетевые графики этой страницы (до 20).")


class RoadMapFilters(Schema):
    academic_year: int | None = Field(None, description="Учебный год: год начала (2025).")
    organization: int | None = Field(None, description="Организация-участник (id).")
    group: int | None = Field(None, description="Объединение (id).")
    page: int = Field(1, ge=1, description="Номер страницы, с 1.")


class LineOut(Schema):
    id: int = Field(description="Идентификатор строки.")
    month: str = Field(description="Месяц, «ГГГГ-ММ».")
    title: str = Field(description="Мероприятие.")
    kind: EventKindOut | None = Field(description="Форма (вид мероприятия); null, если не указана.")
    audience: str = Field(description="Участники, как написано в графике.")
    status: str = Field(
        description="planned — запланировано, held — проведено, moved — перенесено, "
        "cancelled — отменено."
    )
    status_label: str = Field(description="Состояние по-русски.")
    reason: str = Field(description="Причина переноса или отмены; пусто, если нет.")
    moved_to: str | None = Field(description="На какой месяц перенесено, «ГГГГ-ММ»; иначе null.")
    event_id: int | None = Field(
        description="Мероприятие в календаре, назначенное по строке; null, пока не назначено."
    )
    responsible_people: list[PersonRefOut] = Field(description="Ответственные.")
    responsible_organizations: list[OrganizerOut] = Field(description="Ответственные организации.")


class RoadMapDetailOut(RoadMapOut):
    lines: list[LineOut] = Field(description="Строки графика по месяцам.")
    can_manage: bool = Field(description="Можете ли вы менять график и состояния строк.")


class RoadMapIn(Schema):
    title: str = Field(description="Название.")
    academic_year: int | None = Field(
        None, description="Учебный год: год начала (2025 — 2025/2026); по умолчанию текущий."
    )
    organization_ids: list[int] = Field(
        [], description="Организации-участники (id): две и более, если нет объединения."
    )
    group_id: int | None = Field(None, description="Объединение (id), график которого это.")
    goal: str = Field("", description="Цель.")


class LineIn(Schema):
    month: str = Field(description="Месяц, «ГГГГ-ММ», в пределах учебного года графика.")
    title: str = Field(description="Мероприятие.")
    kind: str | None = Field(None, description="Код вида мероприятия (форма), необязательно.")
    audience: str = Field("", description="Участники, свободным текстом.")
    responsible_person_ids: list[int] = Field([], description="Ответственные (id).")
    responsible_organization_ids: list[int] = Field(
        [], description="Ответственные организации (id)."
    )


class LineStatusIn(Schema):
    status: Literal["planned", "held", "moved", "cancelled"] = Field(
        description="Новое состояние строки."
    )
    reason: str = Field("", description="Причина: обязательна для переноса и отмены.")
    moved_to: str | None = Field(
        None, description="Для переноса: месяц, «ГГГГ-ММ», в пределах учебного года."
    )


class LineEventIn(Schema):
    event_id: int = Field(description="Мероприятие (id), которым проводится строка.")

"""What the expertise's API takes and gives: submissions, assignments, reviews, decisions and
the showcase. The field descriptions are the API's documentation, in plain Russian (see the
package docstring)."""

import datetime
from typing import Any, Literal

from ninja import Field, Schema

from metodset.accounts.api import ErrorOut

PER_PAGE = 20

ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}

PurposeCode = Literal["generalization", "publication", "contest", "certification"]
VerdictCode = Literal["publication", "conference", "dissemination", "revision", "rejected"]
RecommendedCode = Literal["publication", "conference", "dissemination"]
SubmissionStatusCode = Literal["submitted", "in_review", "revision", "decided", "withdrawn"]

PURPOSES = (
    "generalization — обобщение опыта, publication — рекомендация к публикации, contest — "
    "участие в конкурсе, certification — аттестация."
)
VERDICTS = (
    "publication — рекомендовано к публикации, conference — к представлению на "
    "конференции, dissemination — к распространению в сети, revision — на доработку, "
    "rejected — отклонено."
)


# --- References -------------------------------------------------------------------------


class ExpertiseMaterialOut(Schema):
    id: int = Field(description="Идентификатор материала библиотеки.")
    title: str = Field(description="Название материала.")
    url: str = Field(description="Адрес материала на сайте.")


class AuthorOut(Schema):
    id: int = Field(description="Идентификатор автора (пользователя).")
    full_name: str = Field(description="ФИО автора.")
    short_name: str = Field(description="Фамилия и инициалы.")
    organization: str | None = Field(
        description="Организация автора на момент публикации материала."
    )


class ExpertisePersonOut(Schema):
    id: int = Field(description="Идентификатор пользователя.")
    short_name: str = Field(description="Фамилия и инициалы.")


class SubmittingGroupOut(Schema):
    id: int = Field(description="Идентификатор объединения.")
    title: str = Field(description="Название объединения.")


# --- Reviews ----------------------------------------------------------------------------


class ScoreOut(Schema):
    criterion_id: int = Field(description="Критерий (id).")
    criterion: str = Field(description="Название критерия.")
    max_score: int = Field(description="Наибольший балл по критерию.")
    score: int = Field(description="Балл эксперта.")
    comment: str = Field(description="Комментарий эксперта к баллу.")


class ReviewOut(Schema):
    id: int = Field(description="Идентификатор экспертного листа.")
    assignment_id: int = Field(description="Назначение эксперта, по которому выставлена оценка.")
    round: int = Field(description="Круг экспертизы (после доработки — следующий).")
    expert_label: str = Field(
        description="«Эксперт 1», «Эксперт 2»…: номер эксперта в этой экспертизе."
    )
    expert: ExpertisePersonOut | None = Field(
        description="Эксперт: методистам района и самому эксперту; иначе null (автор видит "
        "экспертные листы обезличенными)."
    )
    recommendation: str = Field(description="Рекомендация эксперта: " + VERDICTS)
    recommendation_label: str = Field(description="Рекомендация по-русски.")
    summary: str = Field(description="Общее заключение эксперта.")
    total: int = Field(description="Сумма баллов.")
    max_total: int = Field(description="Наибольшая возможная сумма.")
    percent: float = Field(description="Сумма в процентах от наибольшей, до десятых.")
    submitted_at: datetime.datetime = Field(description="Когда выставлена оценка.")
    scores: list[ScoreOut] = Field(description="Баллы по критериям, по порядку критериев.")


class SpreadOut(Schema):
    reviews: int = Field(description="Сколько экспертных листов в текущем круге.")
    low: float = Field(description="Наименьшая сумма, в процентах.")
    high: float = Field(description="Наибольшая сумма, в процентах.")
    spread: float = Field(description="Расхождение: наибольшая минус наименьшая, в п. п.")
    average: float = Field(description="Средняя сумма, в процентах.")
    needs_third: bool = Field(
        description="Две оценки расходятся больше чем на 30 п. п.: нужен третий эксперт."
    )


class ExpertiseCertificateOut(Schema):
    number: str = Field(description="Номер сертификата, «2026-000123».")
    title: str = Field(description="«Сертификат автора» или «Сертификат эксперта».")
    holder_name: str = Field(description="ФИО получателя.")
    verify_url: str = Field(description="Адрес страницы проверки подлинности.")


# --- Submissions ------------------------------------------------------------------------


class SubmissionOut(Schema):
    id: int = Field(description="Идентификатор заявки на экспертизу.")
    material: ExpertiseMaterialOut = Field(description="Материал на экспертизе.")
    purpose: str = Field(description="Цель экспертизы: " + PURPOSES)
    purpose_label: str = Field(description="Цель по-русски.")
    status: str = Field(
        description="submitted — получено, эксперты не назначены; in_review — на экспертизе; "
        "revision — возвращено на доработку; decided — решение принято; withdrawn — отозвано."
    )
    status_label: str = Field(description="Состояние по-русски.")
    round: int = Field(description="Круг экспертизы: 1, после доработки — 2 и далее.")
    is_blind: bool = Field(description="Слепая экспертиза: эксперты не видят автора.")
    received_at: datetime.datetime = Field(
        description="Когда получено (после доработки — когда подано повторно)."
    )
    due: datetime.date = Field(description="Последний день десятидневного срока экспертизы.")
    days_left: int | None = Field(
        description="Дней до конца срока: 0 — последний день, меньше нуля — просрочено; "
        "null, если экспертиза не идёт."
    )
    term: str | None = Field(
        description="Срок словами: «осталось 3 дня», «просрочено на 1 день»; null, если "
        "экспертиза не идёт."
    )
    overdue: bool = Field(description="Срок идущей экспертизы истёк.")
    decision: str = Field(description="Решение: " + VERDICTS + " Пусто, пока его нет.")
    decision_label: str = Field(description="Решение по-русски; пусто, пока его нет.")
    decided_at: datetime.datetime | None = Field(description="Когда принято решение.")
    author: AuthorOut | None = Field(
        description="Автор материала; null при слепой экспертизе для экспертов."
    )
    url: str = Field(description="Адрес страницы экспертизы на сайте.")


class SubmissionPageOut(Schema):
    total: int = Field(description="Сколько заявок подходит под условия.")
    page: int = Field(description="Номер страницы, с 1.")
    items: list[SubmissionOut] = Field(description="Заявки этой страницы (до 20).")


class SubmissionFilters(Schema):
    status: SubmissionStatusCode | None = Field(None, description="Только в этом состоянии.")
    purpose: PurposeCode | None = Field(None, description="Только с этой целью.")
    page: int = Field(1, ge=1, description="Номер страницы, с 1.")


class RoundOut(Schema):
    number: int = Field(description="Номер круга.")
    material_version: int = Field(description="Версия материала, которую оценивали.")
    changes_note: str = Field(description="Что изменил автор после доработки; пусто в первом.")
    submitted_at: datetime.datetime = Field(description="Когда подано.")


class ChangeOut(Schema):
    field: str = Field(description="Поле описания материала: title, annotation, files…")
    before: Any = Field(description="Было в прошлом круге.")
    after: Any = Field(description="Стало в текущем круге.")


class AssignmentRefOut(Schema):
    id: int = Field(description="Идентификатор назначения.")
    round: int = Field(description="Круг.")
    expert: ExpertisePersonOut = Field(description="Эксперт.")
    status: str = Field(
        description="assigned — назначен, declined — отказался, done — оценка выставлена, "
        "withdrawn — снят."
    )
    status_label: str = Field(description="Состояние по-русски.")
    due_on: datetime.date = Field(description="Оценить до (включительно).")
    decline_reason: str = Field(description="Причина отказа; пусто, если не отказывался.")


class SubmissionDetailOut(SubmissionOut):
    note: str = Field(description="Сопроводительное письмо автора.")
    group: SubmittingGroupOut | None = Field(
        description="Объединение, от имени которого подано; null, если нет или скрыто "
        "(слепая экспертиза)."
    )
    submitted_by: ExpertisePersonOut | None = Field(
        description="Кто подал (автор или руководитель объединения); null, если скрыто."
    )
    term_rule: str = Field(description="Как считается срок экспертизы.")
    decision_comment: str = Field(
        description="Заключение: замечания для доработки, причины отказа, рекомендации."
    )
    decided_by: ExpertisePersonOut | None = Field(description="Кто принял решение.")
    rounds: list[RoundOut] = Field(description="Круги экспертизы по порядку.")
    changes: list[ChangeOut] = Field(
        description="Что изменилось в описании материала с прошлого круга."
    )
    reviews: list[ReviewOut] | None = Field(
        description="Экспертные листы всех кругов: методистам района; автору — обезличенные, "
        "после решения или возврата на доработку; иначе null."
    )
    spread: SpreadOut | None = Field(
        description="Сравнение оценок текущего круга: только методистам района."
    )
    assignments: list[AssignmentRefOut] | None = Field(
        description="Назначенные эксперты всех кругов: только методистам района."
    )
    certificates: list[ExpertiseCertificateOut] = Field(
        description="Сертификаты по этой экспертизе: методистам — все, остальным — свои."
    )
    can_withdraw: bool = Field(description="Можете ли вы отозвать материал.")
    can_resubmit: bool = Field(description="Можете ли вы подать материал после доработки.")
    can_assign: bool = Field(description="Можете ли вы назначать экспертов.")
    can_decide: bool = Field(description="Можете ли вы принять решение.")


class SubmissionIn(Schema):
    material_id: int = Field(
        description="Опубликованный материал (id): свой или продукт "
        "объединения, которым вы руководите."
    )
    purpose: PurposeCode = Field(description="Цель экспертизы: " + PURPOSES)
    note: str = Field("", description="Сопроводительное письмо (необязательно).")
    is_blind: bool = Field(
        True, description="Слепая экспертиза: эксперты не увидят ваше имя и организацию."
    )
    group_id: int | None = Field(
        None, description="Объединение (id), от имени которого подаётся продукт."
    )


class ResubmitIn(Schema):
    changes_note: str = Field(description="Что изменено по замечаниям экспертов.")


class QueueRowOut(Schema):
    submission: SubmissionOut = Field(description="Заявка.")
    due: datetime.date = Field(description="Последний день срока экспертизы.")
    days_left: int = Field(description="Дней до конца срока; меньше нуля — просрочено.")
    term: str = Field(description="Срок словами: «осталось 3 дня», «просрочено на 1 день».")
    overdue: bool = Field(description="Срок истёк.")
    assigned: int = Field(description="Назначено экспертов в текущем круге (кроме отказавшихся).")
    done: int = Field(description="Из них выставили оценку.")


class QueueFilters(Schema):
    status: SubmissionStatusCode | None = Field(
        None, description="Только в этом состоянии; по умолчанию — идущие экспертизы."
    )


# --- Assignments and reviews ------------------------------------------------------------


class AssignmentIn(Schema):
    expert_id: int = Field(description="Эксперт (id) из экспертного совета района.")
    due_on: datetime.date | None = Field(
        None,
        description="Оценить до; по умолчанию — за два дня до конца срока экспертизы, но не "
        "раньше чем через два дня.",
    )


class CriterionOut(Schema):
    id: int = Field(description="Идентификатор критерия.")
    title: str = Field(description="Критерий.")
    description: str = Field(description="Что оценивается.")
    max_score: int = Field(description="Наибольший балл (шкала от 0).")


class DescriptionOut(Schema):
    title: str = Field(description="Название.")
    annotation: str = Field(description="Аннотация.")
    type: str = Field(description="Вид материала.")
    subject: str = Field(description="Предмет; пусто, если не указан.")
    grades: list[int] = Field(description="Классы.")
    level: str = Field(description="Код уровня образования: do, noo, ooo, soo, spo, dop.")
    topic: str = Field(description="Тема.")
    version: int = Field(description="Версия материала, которую оценивают в этом круге.")


class AssignmentOut(Schema):
    id: int = Field(description="Идентификатор назначения.")
    submission_id: int = Field(description="Заявка на экспертизу.")
    material: ExpertiseMaterialOut = Field(description="Материал для оценки.")
    purpose: str = Field(description="Цель экспертизы: " + PURPOSES)
    purpose_label: str = Field(description="Цель по-русски.")
    round: int = Field(description="Круг экспертизы.")
    status: str = Field(
        description="assigned — ждёт оценки, declined — вы отказались, done — оценка "
        "выставлена, withdrawn — снято (материал отозван)."
    )
    status_label: str = Field(description="Состояние по-русски.")
    due_on: datetime.date = Field(description="Оценить до (включительно).")
    days_left: int | None = Field(description="Дней до срока оценки; null, если оценка не ждётся.")
    term: str | None = Field(description="Срок словами; null, если оценка не ждётся.")
    overdue: bool = Field(description="Срок оценки истёк, а оценки нет.")
    decline_reason: str = Field(description="Причина отказа; пусто, если не отказывались.")
    url: str = Field(description="Адрес экспертного листа на сайте.")


class AssignmentDetailOut(AssignmentOut):
    expert: ExpertisePersonOut = Field(description="Эксперт.")
    is_blind: bool = Field(description="Слепая экспертиза: автор скрыт от эксперта.")
    author: AuthorOut | None = Field(
        description="Автор материала; null при слепой экспертизе для эксперта."
    )
    group: SubmittingGroupOut | None = Field(
        description="Объединение, подавшее продукт; null, если нет или скрыто."
    )
    description: DescriptionOut = Field(
        description="Материал, как его получили эксперты этого круга (описание версии)."
    )
    note: str = Field(description="Сопроводительное письмо автора.")
    changes_note: str = Field(description="Что изменил автор к этому кругу; пусто в первом.")
    changes: list[ChangeOut] = Field(
        description="Что изменилось в описании материала с прошлого круга."
    )
    criteria: list[CriterionOut] = Field(description="Критерии экспертного листа по порядку.")
    max_total: int = Field(description="Наибольшая возможная сумма баллов.")
    can_review: bool = Field(description="Можете ли вы выставить оценку сейчас.")
    can_decline: bool = Field(description="Можете ли вы отказаться.")
    review: ReviewOut | None = Field(description="Выставленная оценка; null, пока её нет.")


class AssignmentPageOut(Schema):
    total: int = Field(description="Сколько назначений подходит под условия.")
    page: int = Field(description="Номер страницы, с 1.")
    items: list[AssignmentOut] = Field(description="Назначения этой страницы (до 20).")


class AssignmentFilters(Schema):
    status: Literal["assigned", "declined", "done", "withdrawn"] | None = Field(
        None, description="Только в этом состоянии."
    )
    page: int = Field(1, ge=1, description="Номер страницы, с 1.")


class DeclineIn(Schema):
    reason: str = Field(description="Причина отказа: её увидит методист.")


class ScoreIn(Schema):
    criterion_id: int = Field(description="Критерий (id) из экспертного листа.")
    score: int = Field(description="Балл от 0 до наибольшего балла критерия.")
    comment: str = Field("", description="Комментарий к баллу (необязательно).")


class ReviewIn(Schema):
    scores: list[ScoreIn] = Field(description="Балл по каждому критерию экспертного листа.")
    recommendation: VerdictCode = Field(description="Рекомендация: " + VERDICTS)
    summary: str = Field(description="Общее заключение.")


class SubmissionDecisionIn(Schema):
    decision: VerdictCode = Field(description="Решение: " + VERDICTS)
    comment: str = Field(
        "",
        description="Заключение; для доработки и отказа обязательно (замечания, причины).",
    )


# --- The showcase -----------------------------------------------------------------------


class BestOut(Schema):
    id: int = Field(description="Идентификатор заявки на экспертизу.")
    material: ExpertiseMaterialOut = Field(description="Материал.")
    author: AuthorOut = Field(description="Автор материала.")
    subject: str | None = Field(description="Предмет; null, если не указан.")
    purpose: str = Field(description="Цель экспертизы: " + PURPOSES)
    purpose_label: str = Field(description="Цель по-русски.")
    decision: str = Field(description="Рекомендация РМС: " + VERDICTS)
    decision_label: str = Field(description="Рекомендация по-русски.")
    decision_comment: str = Field(description="Заключение экспертизы.")
    decided_at: datetime.datetime | None = Field(description="Когда принято решение.")
    average: float | None = Field(
        description="Средняя оценка экспертов последнего круга, в процентах; null, если нет."
    )


class BestPageOut(Schema):
    total: int = Field(description="Сколько лучших практик подходит под условия.")
    page: int = Field(description="Номер страницы, с 1.")
    items: list[BestOut] = Field(description="Лучшие практики этой страницы (до 20).")


class BestFilters(Schema):
    subject: int | None = Field(None, description="Предмет (id).")
    purpose: PurposeCode | None = Field(None, description="Цель экспертизы.")
    decision: RecommendedCode | None = Field(None, description="Рекомендация.")
    page: int = Field(1, ge=1, description="Номер страницы, с 1.")

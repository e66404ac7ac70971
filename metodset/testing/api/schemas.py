"""What the test bank's API takes and gives: questions, tests, sittings, attempts, results.

Every class is prefixed `Testing`: django-ninja names the OpenAPI components by class name,
and the other apps already have their `QuestionOut`, `GroupRefOut` … The field descriptions
are the API's documentation, in plain Russian (see the package docstring)."""

import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from metodset.accounts.api import ErrorOut

PER_PAGE = 20

ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}

Visibility = Literal["private", "school", "network"]
ReviewMode = Literal["score", "after_submit", "after_close"]


# --- Shared ----------------------------------------------------------------------------------


class TestingPersonOut(Schema):
    id: int = Field(description="Идентификатор пользователя.")
    name: str = Field(description="Фамилия и инициалы.")


class TestingOrganizationOut(Schema):
    id: int = Field(description="Идентификатор организации.")
    short_name: str = Field(description="Краткое название организации.")


class TestingSubjectOut(Schema):
    id: int = Field(description="Идентификатор предмета.")
    name: str = Field(description="Название предмета.")


class TestingConflictOut(Schema):
    detail: str = Field(description="Почему ответ не принят, по-русски.")


# --- The bank --------------------------------------------------------------------------------


class TestingQuestionFilters(Schema):
    category: str | None = Field(
        None,
        description="Категория: id или путь «Математика/5 класс» («//» — косая черта в "
        "названии); с подкатегориями.",
    )
    type: str | None = Field(
        None,
        description="Тип вопроса: single_choice, multiple_choice, true_false, short_answer, "
        "numerical, matching, ordering, cloze, essay, description.",
    )
    difficulty: int | None = Field(None, ge=1, le=5, description="Сложность 1–5.")
    subject: int | None = Field(None, description="Предмет (id).")
    mine: bool = Field(False, description="Только мои вопросы.")
    archived: bool = Field(False, description="Вопросы из архива вместо действующих.")
    q: str | None = Field(None, description="Слова из названия вопроса.")
    page: int = Field(1, ge=1, description="Номер страницы, с 1.")


class TestingCategoryRefOut(Schema):
    id: int = Field(description="Идентификатор категории.")
    path: str = Field(description="Путь категории: «Математика / 5 класс / Дроби».")


class TestingQuestionOut(Schema):
    id: int = Field(description="Идентификатор вопроса.")
    name: str = Field(description="Название.")
    type: str = Field(description="Тип вопроса (single_choice, essay, …).")
    type_label: str = Field(description="Тип вопроса по-русски.")
    category: TestingCategoryRefOut = Field(description="Категория банка.")
    author: TestingPersonOut = Field(description="Автор.")
    visibility: Visibility = Field(
        description="private — только автору, school — педагогам школы автора, network — "
        "педагогам всей сети."
    )
    difficulty: int | None = Field(description="Сложность 1–5; null — не указана.")
    subject: TestingSubjectOut | None = Field(description="Предмет; null — не указан.")
    grades: list[int] = Field(description="Классы 1–11.")
    tags: list[str] = Field(description="Метки.")
    current_version: int = Field(description="Номер текущей версии.")
    is_archived: bool = Field(description="В архиве: не попадает в новые тесты.")
    created_at: datetime.datetime = Field(description="Когда добавлен.")
    updated_at: datetime.datetime = Field(description="Когда изменён.")


class TestingQuestionPageOut(Schema):
    total: int = Field(description="Сколько вопросов подходит под условия.")
    page: int = Field(description="Номер страницы, с 1.")
    per_page: int = Field(description="Вопросов на странице.")
    items: list[TestingQuestionOut] = Field(description="Вопросы этой страницы.")


class TestingQuestionDetailOut(TestingQuestionOut):
    can_edit: bool = Field(description="Можете ли вы менять вопрос (автор).")
    item: dict[str, Any] = Field(
        description="Содержание текущей версии целиком: текст, варианты с оценками в "
        "процентах, отзывы, файлы в base64 — как его хранит банк (формат version 1)."
    )


class TestingCategoryOut(Schema):
    id: int = Field(description="Идентификатор категории.")
    name: str = Field(description="Название.")
    path: str = Field(description="Полный путь: «Математика / 5 класс».")
    parent_id: int | None = Field(description="Родительская категория; null — верхний уровень.")
    depth: int = Field(description="Уровень в дереве, с 0.")
    count: int = Field(description="Видимых вам действующих вопросов в ней и ниже.")


class TestingImportForm(Schema):
    format: str | None = Field(
        None,
        description="Формат: gift, moodlexml, aiken (xlsx — когда банк его читает); "
        "пусто — по расширению файла.",
    )
    category_path: str = Field(
        "",
        description="В какую категорию банка: «Математика/5 класс»; категории файла "
        "создаются внутри неё.",
    )
    visibility: Visibility = Field("private", description="Кому видны новые вопросы.")
    dry_run: bool = Field(False, description="Только проверить файл, ничего не сохраняя.")


class TestingImportItemOut(Schema):
    type: str = Field(description="Тип вопроса.")
    name: str = Field(description="Название.")
    category: str = Field(description="Куда он попадёт: путь категории банка.")
    source: str = Field(description="Где он в файле: «строка 12», «вопрос №7».")


class TestingImportErrorOut(Schema):
    line: int | None = Field(description="Строка файла (GIFT, Aiken); null, если нет.")
    element: str | None = Field(description="Элемент (Moodle XML); null, если нет.")
    message: str = Field(description="Что не так, по-русски.")


class TestingImportOut(Schema):
    items: list[TestingImportItemOut] = Field(description="Найденные вопросы.")
    errors: list[TestingImportErrorOut] = Field(description="Ошибки файла.")
    saved: int = Field(description="Сколько вопросов сохранено (0 при проверке).")


class TestingImportRefusedOut(Schema):
    detail: str = Field(description="Почему ничего не сохранено, по-русски.")
    errors: list[TestingImportErrorOut] = Field(
        [], description="Ошибки файла, все (пусто, если отказ не из-за них)."
    )


class TestingExportFilters(Schema):
    format: str = Field(description="Формат файла: gift, moodlexml, aiken (xlsx — когда есть).")
    category: str | None = Field(
        None, description="Категория: id или путь «Математика/5 класс»; пусто — весь банк."
    )


# --- Tests (quizzes) -------------------------------------------------------------------------


class TestingQuizFilters(Schema):
    mine: bool = Field(False, description="Только мои тесты.")
    subject: int | None = Field(None, description="Предмет (id).")
    q: str | None = Field(None, description="Слова из названия.")
    page: int = Field(1, ge=1, description="Номер страницы, с 1.")


class TestingQuizOut(Schema):
    id: int = Field(description="Идентификатор теста.")
    title: str = Field(description="Название.")
    description: str = Field(description="Инструкция для обучающихся (Markdown).")
    author: TestingPersonOut = Field(description="Автор.")
    organization: TestingOrganizationOut | None = Field(description="Организация автора.")
    visibility: Visibility = Field(description="Кто ещё может назначать тест своим классам.")
    subject: TestingSubjectOut | None = Field(description="Предмет; null — не указан.")
    grades: list[int] = Field(description="Классы.")
    time_limit_minutes: int | None = Field(description="Минут на попытку; null — до закрытия.")
    attempts_allowed: int = Field(description="Число попыток.")
    shuffle_items: bool = Field(description="Перемешивать вопросы.")
    shuffle_answers: bool = Field(description="Перемешивать варианты ответов.")
    review: ReviewMode = Field(
        description="Что видит обучающийся: score — только балл и отметку, after_submit — "
        "ответы и пояснения сразу, after_close — после закрытия тестирования."
    )
    mark_thresholds: list[list[int]] = Field(
        description="Шкала: пары [отметка, минимальный процент], ниже последней — «2»."
    )
    questions: int = Field(description="Сколько вопросов получает обучающийся.")
    max_score: Decimal = Field(description="Наибольший возможный балл.")
    can_edit: bool = Field(description="Можете ли вы менять тест (автор).")
    created_at: datetime.datetime = Field(description="Когда создан.")
    updated_at: datetime.datetime = Field(description="Когда изменён.")


class TestingQuizPageOut(Schema):
    total: int = Field(description="Сколько тестов подходит под условия.")
    page: int = Field(description="Номер страницы, с 1.")
    items: list[TestingQuizOut] = Field(description="Тесты этой страницы (до 20).")


class TestingSlotQuestionOut(Schema):
    id: int = Field(description="Идентификатор вопроса.")
    name: str = Field(description="Название вопроса.")
    type: str = Field(description="Тип вопроса.")


class TestingSlotOut(Schema):
    id: int = Field(description="Идентификатор места.")
    position: int = Field(description="Порядковый номер места в тесте, с 1.")
    kind: Literal["fixed", "random"] = Field(
        description="fixed — заданный вопрос, random — случайные вопросы из категории."
    )
    question: TestingSlotQuestionOut | None = Field(description="Заданный вопрос.")
    category: TestingCategoryRefOut | None = Field(description="Категория случайного выбора.")
    include_subcategories: bool = Field(description="Случайные — и из подкатегорий.")
    difficulty: int | None = Field(description="Случайные — только этой сложности.")
    count: int = Field(description="Сколько вопросов даёт место.")
    points: Decimal = Field(description="Баллов за каждый вопрос места.")


class TestingQuizDetailOut(TestingQuizOut):
    slots: list[TestingSlotOut] = Field(description="Места теста по порядку.")


class TestingQuizIn(Schema):
    title: str = Field(description="Название.")
    description: str = Field("", description="Инструкция для обучающихся (Markdown).")
    visibility: Visibility = Field("private", description="Кто ещё может назначать тест.")
    subject_id: int | None = Field(None, description="Предмет (id).")
    grades: list[int] = Field([], description="Классы 1–11.")
    time_limit_minutes: int | None = Field(
        None, description="Минут на попытку, 1–600; null — до закрытия тестирования."
    )
    attempts_allowed: int = Field(1, description="Число попыток, 1–10.")
    shuffle_items: bool = Field(False, description="Перемешивать вопросы.")
    shuffle_answers: bool = Field(True, description="Перемешивать варианты ответов.")
    review: ReviewMode = Field("after_close", description="Что видит обучающийся после теста.")
    mark_thresholds: list[list[int]] | None = Field(
        None, description="Шкала [[5, 85], [4, 65], [3, 45]]; null — прежняя или обычная."
    )


class TestingQuizPatchIn(Schema):
    title: str | None = Field(None, description="Название.")
    description: str | None = Field(None, description="Инструкция для обучающихся.")
    visibility: Visibility | None = Field(None, description="Кто ещё может назначать тест.")
    subject_id: int | None = Field(None, description="Предмет (id); null — убрать.")
    grades: list[int] | None = Field(None, description="Классы 1–11.")
    time_limit_minutes: int | None = Field(
        None, description="Минут на попытку; null — без ограничения."
    )
    attempts_allowed: int | None = Field(None, description="Число попыток, 1–10.")
    shuffle_items: bool | None = Field(None, description="Перемешивать вопросы.")
    shuffle_answers: bool | None = Field(None, description="Перемешивать варианты ответов.")
    review: ReviewMode | None = Field(None, description="Что видит обучающийся после теста.")
    mark_thresholds: list[list[int]] | None = Field(None, description="Шкала отметок.")


class TestingSlotsIn(Schema):
    question_ids: list[int] | None = Field(
        None, description="Заданные вопросы (id) по порядку — или category_id."
    )
    category_id: int | None = Field(
        None, description="Категория для случайного выбора — или question_ids."
    )
    count: int = Field(1, description="Сколько случайных вопросов, 1–100.")
    difficulty: int | None = Field(None, description="Только этой сложности 1–5.")
    include_subcategories: bool = Field(True, description="И из подкатегорий.")
    points: Decimal = Field(Decimal(1), description="Баллов за каждый вопрос, больше 0 и до 100.")


# --- Sittings --------------------------------------------------------------------------------


class TestingSittingFilters(Schema):
    state: Literal["upcoming", "open", "closed", "cancelled"] | None = Field(
        None, description="Только в этом состоянии."
    )
    page: int = Field(1, ge=1, description="Номер страницы, с 1.")


class TestingGroupRefOut(Schema):
    id: int = Field(description="Идентификатор объединения.")
    title: str = Field(description="Название объединения.")


class TestingTargetOut(Schema):
    organization: TestingOrganizationOut | None = Field(description="Школа (для класса).")
    student_class: str = Field(description="Класс «7Б» или параллель «7»; пусто для объединения.")
    group: TestingGroupRefOut | None = Field(description="Объединение; null для класса школы.")


class TestingSittingQuizOut(Schema):
    id: int = Field(description="Идентификатор теста.")
    title: str = Field(description="Название теста.")
    description: str = Field(description="Инструкция для обучающихся (Markdown).")
    questions: int = Field(description="Сколько вопросов.")
    max_score: Decimal = Field(description="Наибольший балл.")
    time_limit_minutes: int | None = Field(description="Минут на попытку; null — до закрытия.")
    attempts_allowed: int = Field(description="Число попыток.")
    review: ReviewMode = Field(description="Что видит обучающийся после теста.")


class TestingMyAttemptOut(Schema):
    id: int = Field(description="Идентификатор попытки.")
    number: int = Field(description="Номер попытки.")
    status: Literal["in_progress", "finished"] = Field(description="Идёт или завершена.")
    started_at: datetime.datetime = Field(description="Начата (в поясе района).")
    finished_at: datetime.datetime | None = Field(description="Завершена.")
    percent: Decimal | None = Field(description="Процент (после завершения).")
    mark: int | None = Field(description="Отметка 2–5; null, пока ждёт проверки.")


class TestingSittingOut(Schema):
    id: int = Field(description="Идентификатор тестирования.")
    title: str = Field(description="Название.")
    quiz: TestingSittingQuizOut = Field(description="Тест.")
    opens_at: datetime.datetime = Field(description="Открывается (ISO 8601, пояс района).")
    closes_at: datetime.datetime = Field(description="Закрывается (ISO 8601, пояс района).")
    time_zone: str = Field(description="Часовой пояс района (IANA).")
    state: Literal["upcoming", "open", "closed", "cancelled"] = Field(
        description="upcoming — ещё не открыто, open — идёт, closed — закрыто, "
        "cancelled — отменено."
    )
    cancel_reason: str = Field(description="Причина отмены; пусто, если не отменено.")
    created_by: TestingPersonOut = Field(description="Кто назначил.")
    targets: str = Field(description="Кому назначено: «7Б (МБОУ СОШ №1); 7 (Гимназия №2)».")
    can_manage: bool = Field(description="Можете ли вы менять и отменять тестирование.")
    can_start: bool = Field(description="Можете ли вы сейчас начать или продолжить попытку.")
    my_attempts: list[TestingMyAttemptOut] = Field(description="Ваши попытки (обучающемуся).")


class TestingSittingPageOut(Schema):
    total: int = Field(description="Сколько тестирований.")
    page: int = Field(description="Номер страницы, с 1.")
    items: list[TestingSittingOut] = Field(description="Тестирования этой страницы (до 20).")


class TestingSittingDetailOut(TestingSittingOut):
    target_list: list[TestingTargetOut] = Field(description="Кому назначено, по строкам.")


class TestingClassIn(Schema):
    organization_id: int = Field(description="Школа (id).")
    student_class: str = Field(description="Класс «7Б» или «7» — вся параллель.")


class TestingSittingIn(Schema):
    quiz_id: int = Field(description="Тест (id), который вам виден.")
    title: str = Field("", description="Название; пусто — название теста.")
    opens_at: datetime.datetime = Field(
        description="Открывается, ISO 8601; без смещения — по поясу района первой школы."
    )
    closes_at: datetime.datetime = Field(description="Закрывается, как opens_at.")
    classes: list[TestingClassIn] = Field([], description="Классы школ.")
    group_ids: list[int] = Field([], description="Объединения (id), которыми вы руководите.")


class TestingReasonIn(Schema):
    reason: str = Field(description="Причина; её увидят обучающиеся.")


# --- Attempts --------------------------------------------------------------------------------


class TestingOptionOut(Schema):
    index: int = Field(description="Номер варианта в исходном порядке (его и отправляйте).")
    text: str = Field(description="Текст варианта (безопасный HTML).")


class TestingClozeFieldOut(Schema):
    index: int = Field(description='Номер поля, с 0: ключ в ответе {"parts": {…}}.')
    kind: Literal["text", "number", "choice", "multiple"] = Field(
        description="text — слово, number — число, choice — один вариант, multiple — "
        "несколько вариантов."
    )
    options: list[TestingOptionOut] = Field(description="Варианты (для choice и multiple).")


class TestingAttemptItemOut(Schema):
    position: int = Field(description="Номер вопроса в попытке, с 1.")
    type: str = Field(description="Тип вопроса.")
    type_label: str = Field(description="Тип вопроса по-русски.")
    text: str = Field(
        description="Текст вопроса (безопасный HTML); поля cloze — "
        '<span class="cloze-field" data-field="k"></span>.'
    )
    points: Decimal = Field(description="Баллов за вопрос.")
    options: list[TestingOptionOut] = Field(
        description="Варианты в порядке показа (выбор, упорядочивание — начальный порядок)."
    )
    stems: list[TestingOptionOut] = Field(
        description='Соответствие: левые части; index — ключ в {"pairs": {…}}.'
    )
    choices: list[str] = Field(description="Соответствие: ответы, из которых выбирают.")
    fields: list[TestingClozeFieldOut] = Field(description="Поля cloze по порядку.")
    response_template: str = Field(description="Эссе: заготовка ответа.")
    response: dict[str, Any] | None = Field(description="Сохранённый ответ; null — нет.")
    answered_at: datetime.datetime | None = Field(description="Когда ответ сохранён.")
    flagged: bool = Field(description="Отмечен «вернуться к вопросу».")


class TestingSittingRefOut(Schema):
    id: int = Field(description="Идентификатор тестирования.")
    title: str = Field(description="Название тестирования.")


class TestingAttemptOut(Schema):
    id: int = Field(description="Идентификатор попытки.")
    sitting: TestingSittingRefOut = Field(description="Тестирование.")
    number: int = Field(description="Номер попытки.")
    status: Literal["in_progress", "finished"] = Field(description="Идёт или завершена.")
    started_at: datetime.datetime = Field(description="Начата (в поясе района).")
    deadline_at: datetime.datetime = Field(description="Завершится не позже.")
    finished_at: datetime.datetime | None = Field(description="Завершена.")
    finish: str = Field(
        description="Как завершена: submitted, timed_out, closed; пусто, пока идёт."
    )
    seconds_left: int = Field(description="Секунд до завершения (0 — время вышло).")
    time_zone: str = Field(description="Часовой пояс района (IANA).")
    items: list[TestingAttemptItemOut] = Field(
        description="Вопросы по порядку — без ключа, оценок и пояснений."
    )


class TestingAnswerIn(Schema):
    response: Any = Field(
        None,
        description='Ответ по типу вопроса: {"choice": 1}, {"choices": [0, 2]}, '
        '{"value": true}, {"text": "…"}, {"pairs": {"0": "ответ"}}, {"order": [2, 0, 1]}, '
        '{"parts": {"0": "…", "1": 2}}; индексы — в исходном порядке; null — стереть.',
    )
    flagged: bool | None = Field(
        None, description="Отметка «вернуться к вопросу»; без неё — не меняется."
    )


class TestingAnswerSavedOut(Schema):
    saved_at: datetime.datetime = Field(description="Когда ответ записан.")
    seconds_left: int = Field(description="Секунд до завершения попытки.")


class TestingReviewItemOut(Schema):
    position: int = Field(description="Номер вопроса.")
    type: str = Field(description="Тип вопроса.")
    type_label: str = Field(description="Тип вопроса по-русски.")
    text: str = Field(description="Текст вопроса (безопасный HTML).")
    points: Decimal = Field(description="Баллов за вопрос.")
    score: Decimal | None = Field(description="Полученный балл; null — ждёт проверки.")
    needs_grading: bool = Field(description="Ждёт проверки учителем.")
    response: dict[str, Any] | None = Field(description="Ответ как он сохранён.")
    your_answer: str = Field(description="Ответ словами.")
    right_answer: str = Field(description="Правильный ответ словами.")
    feedback: list[str] = Field(description="Пояснения к ответу (безопасный HTML).")
    general_feedback: str = Field(description="Общее пояснение к вопросу (HTML).")
    comment: str = Field(description="Комментарий учителя.")


class TestingResultOut(Schema):
    attempt_id: int = Field(description="Идентификатор попытки.")
    sitting: TestingSittingRefOut = Field(description="Тестирование.")
    student: TestingPersonOut = Field(description="Обучающийся.")
    number: int = Field(description="Номер попытки.")
    finish: str = Field(description="Как завершена: submitted, timed_out, closed.")
    finished_at: datetime.datetime | None = Field(description="Когда завершена.")
    score: Decimal | None = Field(description="Баллы.")
    max_score: Decimal = Field(description="Из скольких.")
    percent: Decimal | None = Field(description="Процент.")
    mark: int | None = Field(description="Отметка 2–5; null, пока эссе ждёт проверки.")
    needs_grading: bool = Field(description="Ждёт проверки учителем.")
    journal: Literal["", "send", "keep"] = Field(
        description="Отметка в журнал: пусто — не решено, send — выставить, keep — нет."
    )
    journal_decided_at: datetime.datetime | None = Field(description="Когда решено.")
    can_decide_journal: bool = Field(description="Можете ли вы сейчас решить про журнал.")
    review_shown: bool = Field(description="Показаны ли ответы и пояснения.")
    review_note: str = Field(description="Почему ответы не показаны (пусто, если показаны).")
    items: list[TestingReviewItemOut] | None = Field(
        description="Разбор по вопросам; null, если по правилам теста его не видно."
    )


class TestingJournalIn(Schema):
    send: bool = Field(description="true — выставить отметку в журнал, false — не выставлять.")


# --- Results of a sitting --------------------------------------------------------------------


class TestingAttemptRowOut(Schema):
    attempt_id: int = Field(description="Попытка.")
    student: TestingPersonOut = Field(description="Обучающийся.")
    student_class: str = Field(description="Класс.")
    number: int = Field(description="Номер попытки.")
    status: Literal["in_progress", "finished"] = Field(description="Идёт или завершена.")
    score: Decimal | None = Field(description="Баллы.")
    max_score: Decimal = Field(description="Из скольких.")
    percent: float | None = Field(description="Процент.")
    mark: int | None = Field(description="Отметка; null, пока ждёт проверки или идёт.")
    needs_grading: bool = Field(description="Ждёт проверки учителем.")
    journal: str = Field(description="Решение о журнале: пусто, send, keep.")
    finished_at: datetime.datetime | None = Field(description="Когда завершена.")


class TestingFiguresOut(Schema):
    assigned: int = Field(description="Скольким обучающимся назначено сейчас.")
    started: int = Field(description="Сколько начали.")
    finished: int = Field(description="Сколько завершили хотя бы одну попытку.")
    graded: int = Field(description="Сколько получили отметку.")
    pending: int = Field(description="Завершили, но работа ждёт проверки учителем.")
    mean_percent: float | None = Field(description="Средний процент (по лучшей попытке).")
    median_percent: float | None = Field(description="Медиана процента.")
    marks: dict[str, int] = Field(description="Сколько получили «2», «3», «4», «5».")


class TestingSchoolResultOut(TestingFiguresOut):
    organization: TestingOrganizationOut = Field(description="Школа.")
    names_shown: bool = Field(description="Показаны ли обучающиеся поимённо.")
    attempts: list[TestingAttemptRowOut] | None = Field(
        description="Попытки поимённо — учителям школы, назначившему и методистам; иначе null."
    )
    not_started: list[TestingPersonOut] | None = Field(
        description="Кому назначено, но кто не начинал (поимённо — тем же); иначе null."
    )


class TestingSittingResultsOut(Schema):
    sitting: TestingSittingRefOut = Field(description="Тестирование.")
    total: TestingFiguresOut = Field(description="По всем школам.")
    schools: list[TestingSchoolResultOut] = Field(description="По школам.")


class TestingJournalFilters(Schema):
    organization_id: int | None = Field(
        None, description="Школа (id); пусто — все школы, журнал которых вам виден."
    )


class TestingJournalRowOut(Schema):
    attempt_id: int = Field(description="Попытка.")
    organization: TestingOrganizationOut = Field(description="Школа.")
    student: TestingPersonOut = Field(description="Обучающийся.")
    student_class: str = Field(description="Класс.")
    mark: int = Field(description="Отметка.")
    percent: Decimal | None = Field(description="Процент.")
    decided_at: datetime.datetime | None = Field(description="Когда обучающийся решил.")

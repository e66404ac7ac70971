"""A demo library for the demo district: real DOCX files with Russian lesson texts,
published by the demo teachers, with comments and ratings, and indexed for search.

Built through the services (a material in the library is a published material), so the
demo is what a district would have after a few weeks of use.
"""

import io
import random
from typing import Any

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from metodset.accounts.models import Membership, Role, Subject, User
from metodset.materials import indexing, services
from metodset.materials.models import Material, MaterialFile, MaterialType
from metodset.search import engine

DEMO_DOMAIN = "@demo.metodset.ru"

TOPICS = {
    "Математика": [
        ("Сложение и вычитание обыкновенных дробей", [5, 6], "ooo"),
        ("Решение текстовых задач на движение", [5], "ooo"),
        ("Площадь прямоугольника и квадрата", [4, 5], "noo"),
    ],
    "Русский язык": [
        ("Правописание безударных гласных в корне слова", [3, 4], "noo"),
        ("Сложноподчинённые предложения с придаточными определительными", [9], "ooo"),
    ],
    "Литература": [("Образ Тараса Бульбы в повести Н. В. Гоголя", [7], "ooo")],
    "Биология": [("Фотосинтез: лабораторная работа с элодеей", [6, 7], "ooo")],
    "Физика": [("Закон Архимеда: исследовательская работа", [7, 8], "ooo")],
    "История": [("Реформы Петра I: работа с историческими источниками", [8], "ooo")],
    "География": [("Рельеф Томской области: практикум с картами", [8], "ooo")],
    "Информатика": [("Алгоритмы с ветвлением на языке Python", [8, 9], "ooo")],
    "Окружающий мир": [("Природные зоны России: урок-путешествие", [4], "noo")],
}
TYPES = ["lesson-plan", "technological-map", "kim", "methodical-development", "event-scenario"]
STAGES = [
    "Организационный момент: учитель приветствует обучающихся, проверяет готовность к уроку и создаёт доброжелательную атмосферу.",
    "Актуализация знаний: ученики отвечают на вопросы по прошлой теме, решают устные задания и вспоминают основные понятия.",
    "Постановка проблемы: учитель предлагает ситуацию, в которой прежних знаний не хватает, и ученики формулируют цель урока.",
    "Открытие нового знания: работа в парах и группах, выдвижение гипотез, проверка их на примерах и моделях.",
    "Первичное закрепление: обучающиеся выполняют задания по образцу с проговариванием во внешней речи.",
    "Самостоятельная работа с самопроверкой по эталону; учитель помогает тем, кто испытывает затруднения.",
    "Рефлексия: ученики оценивают свою работу по листу самооценки и называют, что получилось и что было трудным.",
    "Домашнее задание дифференцировано: базовый уровень, повышенный уровень и творческое задание по выбору.",
]
COMMENTS = [
    "Спасибо, очень подробная разработка! Возьму в работу.",
    "Хорошая идея с работой в группах. А сколько времени уходит на этап рефлексии?",
    "Использовала на открытом уроке — дети работали с интересом.",
    "Было бы здорово добавить критерии оценивания самостоятельной работы.",
]


def _docx(title: str, subject: str, grades: list[int], rng: random.Random) -> bytes:
    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph(f"Предмет: {subject}. Класс: {', '.join(map(str, grades))}.")
    document.add_heading("Ход урока", level=2)
    for stage in rng.sample(STAGES, k=6):
        document.add_paragraph(stage)
    table = document.add_table(rows=3, cols=2)
    for row, (stage, minutes) in enumerate(
        [("Этап", "Время"), ("Открытие нового знания", "15 мин"), ("Закрепление", "10 мин")]
    ):
        table.rows[row].cells[0].text = stage
        table.rows[row].cells[1].text = minutes
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def demo_library_exists() -> bool:
    return Material.objects.filter(author__email__endswith=DEMO_DOMAIN).exists()


def build_demo_library(*, seed: int = 2026) -> int:
    """Publish one material per topic by demo teachers of that subject; returns how many."""
    rng = random.Random(seed)  # noqa: S311 -- demo data, repeatable on purpose
    teachers = list(
        User.objects.filter(
            email__endswith=DEMO_DOMAIN,
            is_active=True,
            memberships__role=Role.TEACHER,
            memberships__status=Membership.Status.ACTIVE,
        )
        .distinct()
        .prefetch_related("subjects")
    )
    if not teachers:
        return 0
    fixed = User.objects.filter(email=f"teacher{DEMO_DOMAIN}").first()
    readers = teachers[:20]
    types = {t.code: t for t in MaterialType.objects.filter(code__in=TYPES)}
    created: list[Material] = []
    with transaction.atomic():
        for subject_name, topics in TOPICS.items():
            subject = Subject.objects.filter(name=subject_name).first()
            candidates = [
                t for t in teachers if subject and subject in t.subjects.all()
            ] or teachers
            for index, (title, grades, level) in enumerate(topics):
                author = (
                    fixed
                    if (fixed and subject_name == "Математика" and index == 0)
                    else rng.choice(candidates)
                )
                material = services.create_material(
                    actor=author,
                    title=title,
                    annotation=f"Методическая разработка урока для {grades[0]} класса: цели, ход урока по этапам, задания и лист самооценки.",
                    type=types[rng.choice(TYPES)],
                    level=level,
                    subject=subject,
                    grades=grades,
                    keywords=", ".join(w.strip(":,.") for w in title.lower().split() if len(w) > 4)[
                        :200
                    ],
                )
                data = _docx(title, subject_name, grades, rng)
                attached = services.attach_upload(
                    actor=author,
                    material=material,
                    upload=SimpleUploadedFile(f"{title[:40]}.docx", data),
                )
                _extract_now(attached)
                created.append(services.publish_material(actor=author, material=material))
        for material in created:
            others = [r for r in readers if r.pk != material.author_id]
            for reader in rng.sample(others, k=min(3, len(others))):
                services.rate_material(actor=reader, material=material, value=rng.choice([4, 5, 5]))
            if others and rng.random() < 0.6:
                services.add_comment(
                    actor=rng.choice(others), material=material, text=rng.choice(COMMENTS)
                )
    engine.index_many(indexing.all_documents(), rebuild=True)
    return len(created)


def _extract_now(material_file: MaterialFile) -> None:
    """The demo has no worker yet when it is built: read the text right away."""
    services.extract_file_text(material_file.pk)


def delete_demo_library() -> Any:
    return Material.objects.filter(author__email__endswith=DEMO_DOMAIN).delete()

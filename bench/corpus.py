"""The synthetic Russian library of the benchmarks: inflected school vocabulary with a Zipf
distribution, titles, annotations and 200–400 words of text, and 40+ teacher queries.

No Django here: `search_engine.py` (the engine alone) and `library_http.py` (the pages)
both draw from it, so their figures are about the same texts.
"""

import random
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path

# Stems with their ending sets, most frequent (school) vocabulary first.
NOUN_MASCULINE = ["", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах"]
NOUN_FEMININE = ["а", "ы", "е", "у", "ой", "", "ам", "ами", "ах"]
NOUN_NEUTER = ["е", "я", "ю", "ем", "ия", "ий", "ям", "ями", "ях"]
ADJECTIVE = ["ый", "ого", "ому", "ым", "ом", "ая", "ой", "ую", "ые", "ых", "ыми"]
VERB = ["ать", "ает", "ают", "ал", "ала", "али", "аем"]
REAL_STEMS: list[tuple[str, list[str]]] = [
    ("урок", NOUN_MASCULINE),
    ("класс", NOUN_MASCULINE),
    ("ученик", NOUN_MASCULINE),
    ("учител", ["ь", "я", "ю", "ем", "е", "и", "ей", "ям", "ями", "ях"]),
    ("задач", NOUN_FEMININE),
    ("тем", NOUN_FEMININE),
    ("предмет", NOUN_MASCULINE),
    ("программ", NOUN_FEMININE),
    ("метод", NOUN_MASCULINE),
    ("проект", NOUN_MASCULINE),
    ("тест", NOUN_MASCULINE),
    ("вопрос", NOUN_MASCULINE),
    ("ответ", NOUN_MASCULINE),
    ("текст", NOUN_MASCULINE),
    ("дроб", ["ь", "и", "ей", "ям", "ями", "ях"]),
    ("уравнен", NOUN_NEUTER),
    ("занят", NOUN_NEUTER),
    ("упражнен", NOUN_NEUTER),
    ("сочинен", NOUN_NEUTER),
    ("математическ", ["ий", "ого", "ому", "им", "ом", "ая", "ой", "ую", "ие", "их"]),
    ("школ", NOUN_FEMININE),
    ("карт", NOUN_FEMININE),
    ("технологическ", ["ий", "ая", "ой", "ую", "ие", "их"]),
    ("конспект", NOUN_MASCULINE),
    ("презентаци", ["я", "и", "ю", "ей", "й", "ям", "ями", "ях"]),
    ("деятельност", ["ь", "и", "ью"]),
    ("внеурочн", ADJECTIVE),
    ("проектн", ADJECTIVE),
    ("работ", NOUN_FEMININE),
    ("экзамен", NOUN_MASCULINE),
    ("подготовк", ["а", "и", "е", "у", "ой"]),
    ("олимпиад", NOUN_FEMININE),
    ("геометри", ["я", "и", "ю", "ей"]),
    ("треугольник", NOUN_MASCULINE),
    ("фотосинтез", NOUN_MASCULINE),
    ("клетк", ["а", "и", "е", "у", "ой", "ам", "ами", "ах"]),
    ("растени", ["е", "я", "ю", "ем", "й", "ям", "ями", "ях"]),
    ("истори", ["я", "и", "ю", "ей"]),
    ("войн", NOUN_FEMININE),
    ("литератур", NOUN_FEMININE),
    ("стихотворени", ["е", "я", "ю", "ем", "й", "ям", "ями", "ях"]),
    ("поэт", NOUN_MASCULINE),
    ("наречи", ["е", "я", "ю", "ем", "й", "ям", "ями", "ях"]),
    ("орфограмм", NOUN_FEMININE),
    ("диктант", NOUN_MASCULINE),
    ("алгоритм", NOUN_MASCULINE),
    ("исполнител", ["ь", "я", "ю", "ем", "е", "и", "ей"]),
    ("викторин", NOUN_FEMININE),
    ("игр", NOUN_FEMININE),
    ("родител", ["ь", "я", "ю", "ем", "е", "и", "ей", "ям", "ями", "ях"]),
    ("собрани", ["е", "я", "ю", "ем", "й"]),
    ("воспитани", ["е", "я", "ю", "ем"]),
    ("оценк", ["а", "и", "е", "у", "ой"]),
    ("функциональн", ADJECTIVE),
    ("грамотност", ["ь", "и", "ью"]),
    ("читательск", ["ий", "ая", "ой", "ую", "ие", "их"]),
    ("реш", VERB),
    ("изуч", ["ать", "ает", "ают", "ил", "или", "ение", "ения"]),
    ("провод", ["ить", "ит", "ят", "ил", "или"]),
    ("развива", ["ть", "ет", "ют", "л", "ли"]),
    ("химическ", ["ий", "ая", "ой", "ую", "ие", "их"]),
    ("реакци", ["я", "и", "ю", "ей", "й", "ям", "ях"]),
    ("физическ", ["ий", "ая", "ой", "ую", "ие", "их"]),
    ("закон", NOUN_MASCULINE),
    ("английск", ["ий", "ого", "ому", "им", "ом"]),
    ("язык", NOUN_MASCULINE),
    ("географи", ["я", "и", "ю", "ей"]),
    ("материк", NOUN_MASCULINE),
    ("музык", ["а", "и", "е", "у", "ой"]),
    ("рисован", NOUN_NEUTER),
]
SYLLABLES = [
    "ба",
    "ве",
    "ги",
    "до",
    "ку",
    "ла",
    "ме",
    "ни",
    "по",
    "ру",
    "са",
    "те",
    "фи",
    "хо",
    "це",
    "ча",
    "ше",
    "ю",
    "яр",
    "ст",
    "пр",
    "кр",
    "мн",
    "зв",
]
QUERIES = [
    "урок",
    "урок математики",
    "конспект урока",
    "технологическая карта урока",
    "класс",
    "дроби",
    "квадратные уравнения",
    "внеурочная деятельность",
    "проектная работа",
    "подготовка к экзамену",
    "олимпиада по математике",
    "презентация к уроку",
    "тест по истории",
    "фотосинтез",
    "клетка растения",
    "стихотворение поэта",
    "наречия",
    "орфограммы диктант",
    "алгоритмы исполнитель",
    "викторина для учеников",
    "родительское собрание",
    "функциональная грамотность",
    "читательская грамотность",
    "химические реакции",
    "физические законы",
    "английский язык",
    "география материки",
    "музыка",
    "рисование",
    "задачи на дроби",
    "геометрия треугольники",
    "литература",
    "история войны",
    "оценка работ",
    "методы воспитания",
    '"технологическая карта"',
    '"квадратные уравнения"',
    "урок -презентация",
    "как провести урок",
    "уравнение учеников класса",
    "ghbdtn",
    "фатосинтез",
]


def vocabulary(rng: random.Random, size: int) -> list[str]:
    """Word forms, the most frequent first: real school words, then synthetic stems."""
    words = [stem + ending for stem, endings in REAL_STEMS for ending in endings]
    forms = [NOUN_MASCULINE, NOUN_FEMININE, NOUN_NEUTER, ADJECTIVE, VERB]
    while len(words) < size:
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        words.extend(stem + ending for ending in rng.choice(forms))
    head, tail = words[:200], words[200:size]
    rng.shuffle(tail)
    return head + tail


def phrase_maker(rng: random.Random, size: int = 4000) -> Callable[[int], str]:
    """phrase(n): n words drawn with Zipf frequencies from the vocabulary."""
    words = vocabulary(rng, size)
    cumulative = list(accumulate(1.0 / (rank + 1) for rank in range(len(words))))

    def phrase(length: int) -> str:
        return " ".join(rng.choices(words, cum_weights=cumulative, k=length))

    return phrase


def size_on_disk(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]

"""Near-duplicate detection: MinHash over 5-word shingles, with LSH bands."""

from __future__ import annotations

import subprocess
import sys

import pytest

from metodset.materials import similarity
from metodset.materials.similarity import (
    NEAR_COPY_THRESHOLD,
    PERMUTATIONS,
    bands,
    estimated_jaccard,
    jaccard,
    normalize,
    shingles,
    signature,
    signature_from_bytes,
    signature_to_bytes,
)

ORIGINAL = """
Технологическая карта урока биологии в 6 классе. Тема: «Фотосинтез». Автор: Иванова Мария
Петровна, учитель биологии МБОУ «Средняя школа № 3».
Цель урока: сформировать у учащихся представление о фотосинтезе как о процессе образования
органических веществ из неорганических в клетках растений на свету.
Задачи урока. Образовательные: выяснить, какие условия необходимы для фотосинтеза, и
познакомить учащихся с ролью хлоропластов и хлорофилла. Развивающие: развивать умение
проводить простейшие опыты, наблюдать, сравнивать и делать выводы. Воспитательные:
воспитывать бережное отношение к растениям и понимание их значения для жизни на Земле.
Тип урока: урок открытия нового знания. Оборудование: комнатные растения, пеларгония,
выдержанная двое суток в темноте, раствор йода, спиртовка, стаканы с водой, презентация.
Ход урока. Организационный момент: учитель приветствует учащихся и проверяет готовность к
уроку. Актуализация знаний: учащиеся вспоминают строение листа, называют его части и
объясняют, зачем растению устьица. Постановка проблемы: учитель задаёт вопрос, откуда
растение берёт вещества для роста, если почва в горшке почти не убывает за много лет.
Учащиеся выдвигают гипотезы и записывают их в тетрадь. Изучение нового материала: учитель
рассказывает об опыте Ван Гельмонта, который пять лет выращивал иву в кадке с землёй.
Затем класс выполняет опыт с листом пеларгонии: лист кипятят в воде, обесцвечивают в
спирте и обрабатывают раствором йода. Освещённая часть листа синеет, а закрытая от света
часть остаётся светлой, значит, крахмал образуется только на свету. Учащиеся делают
вывод о том, что для фотосинтеза нужны свет, углекислый газ, вода и хлорофилл.
Закрепление: работа в парах с карточками, на которых нужно восстановить схему
фотосинтеза и указать исходные вещества и продукты. Рефлексия: учащиеся заканчивают
предложения «сегодня я узнал», «мне было трудно», «я хочу узнать больше о том».
Домашнее задание: прочитать параграф 12, ответить на вопросы в конце параграфа,
по желанию подготовить сообщение о значении фотосинтеза для атмосферы нашей планеты.
"""

# The same plan signed by another teacher and school, with a few sentences reworded.
EDITED_COPY = """
Технологическая карта урока биологии в 6 классе. Тема: «Фотосинтез». Автор: Петрова Анна
Сергеевна, учитель биологии МКОУ «Лицей № 1».
Цель урока: сформировать у учащихся представление о фотосинтезе как о процессе образования
органических веществ из неорганических в клетках растений на свету.
Задачи урока. Образовательные: выяснить, какие условия необходимы для фотосинтеза, и
познакомить учащихся с ролью хлоропластов и хлорофилла. Развивающие: развивать умение
проводить простейшие опыты, наблюдать, сравнивать и делать выводы. Воспитательные:
воспитывать бережное отношение к растениям и понимание их значения для жизни на Земле.
Тип урока: урок открытия новых знаний. Оборудование: комнатные растения, пеларгония,
выдержанная двое суток в темноте, раствор йода, спиртовка, стаканы с водой, презентация.
Ход урока. Организационный момент: учитель приветствует учащихся и проверяет готовность к
уроку. Актуализация знаний: учащиеся вспоминают строение листа, называют его части и
объясняют, зачем растению устьица. Постановка проблемы: учитель задаёт вопрос, откуда
растение берёт вещества для роста, если почва в горшке почти не убывает за много лет.
Ученики выдвигают свои предположения и записывают их. Изучение нового материала: учитель
рассказывает об опыте Ван Гельмонта, который пять лет выращивал иву в кадке с землёй.
Затем класс выполняет опыт с листом пеларгонии: лист кипятят в воде, обесцвечивают в
спирте и обрабатывают раствором йода. Освещённая часть листа синеет, а закрытая от света
часть остаётся светлой, значит, крахмал образуется только на свету. Учащиеся делают
вывод о том, что для фотосинтеза нужны свет, углекислый газ, вода и хлорофилл.
Закрепление: работа в парах с карточками, на которых нужно восстановить схему
фотосинтеза и указать исходные вещества и продукты. Рефлексия: учащиеся заканчивают
предложения «сегодня я узнал», «мне было трудно», «я хочу узнать больше о том».
Домашнее задание: параграф 14, вопросы после параграфа,
по желанию подготовить сообщение о значении фотосинтеза для атмосферы нашей планеты.
"""

# Another teacher's plan on the same topic, written independently.
SAME_TOPIC = """
Конспект урока по биологии для 6 класса «Фотосинтез — воздушное питание растений».
Составитель: Сидоров Олег Иванович, МБОУ «Гимназия № 5».
Цели: познакомить школьников с процессом фотосинтеза, показать значение зелёных растений
в природе и жизни человека, продолжить формирование умения работать с учебником и
микроскопом. Планируемые результаты: ученики объясняют, почему фотосинтез называют
воздушным питанием, перечисляют условия фотосинтеза и его продукты.
Оборудование: микроскопы, готовые препараты кожицы листа элодеи, таблица «Строение
листа», видеофрагмент о фотосинтезе, рабочие листы.
I. Мотивация. Ребята смотрят короткое видео о том, как растёт огромный дуб, и отвечают,
из чего состоит его древесина. II. Открытие нового. Школьники рассматривают под
микроскопом клетки элодеи и находят зелёные пластиды, зарисовывают их в рабочем листе.
Учитель объясняет, что в хлоропластах на свету из углекислого газа и воды образуются
сахар и кислород. По таблице ребята находят, как углекислый газ попадает в лист и куда
уходит кислород. III. Практикум. Группы получают описания трёх опытов и решают, какой
из них доказывает выделение кислорода, а какой — образование крахмала. Каждая группа
защищает свой ответ у доски. IV. Применение. Ребята объясняют, почему комнатные растения
ставят ближе к окну и зачем в теплицах повышают содержание углекислого газа. V. Итог.
Учитель подводит итоги, отмечает активных учеников и выставляет оценки. Задание на дом:
заполнить таблицу «Условия и продукты фотосинтеза», нарисовать плакат о роли лесов.
"""


def _replace_every(text: str, step: int) -> str:
    """Replace every `step`-th word, as a careless rewording would."""
    words = text.split()
    return " ".join(
        "изменено" if index % step == step - 1 else word for index, word in enumerate(words)
    )


def test_normalize_lower_cases_reads_yo_as_ye_and_keeps_only_words() -> None:
    """Punctuation goes, ё is е, digits stay words."""
    assert normalize("Ёжик, «ЁЛКА» — 5-й класс!") == ["ежик", "елка", "5", "й", "класс"]


def test_shingles_are_runs_of_five_words() -> None:
    """A six-word text has two shingles; a short one is one shingle."""
    assert shingles("раз два три четыре пять шесть") == {
        "раз два три четыре пять",
        "два три четыре пять шесть",
    }
    assert shingles("урок биологии") == {"урок биологии"}
    assert shingles("…") == set()


def test_edited_copy_is_a_near_copy() -> None:
    """A copy with a new author, school and a few reworded sentences scores above the threshold."""
    score = similarity.similarity(signature(ORIGINAL), signature(EDITED_COPY))
    assert score >= NEAR_COPY_THRESHOLD
    assert jaccard(ORIGINAL, EDITED_COPY) >= NEAR_COPY_THRESHOLD
    assert similarity.is_near_copy(signature(ORIGINAL), signature(EDITED_COPY))


def test_copy_with_every_thirtieth_word_replaced_is_still_a_near_copy() -> None:
    """One word in 30 changed keeps the estimate at the threshold or above."""
    reworded = _replace_every(ORIGINAL, 30)
    assert similarity.similarity(signature(ORIGINAL), signature(reworded)) >= NEAR_COPY_THRESHOLD


def test_different_text_on_the_same_topic_is_not_a_near_copy() -> None:
    """Two independent plans of the same lesson share words, not 5-word runs."""
    score = similarity.similarity(signature(ORIGINAL), signature(SAME_TOPIC))
    assert score < 0.2
    assert jaccard(ORIGINAL, SAME_TOPIC) < 0.2
    assert not similarity.is_near_copy(signature(ORIGINAL), signature(SAME_TOPIC))


def test_estimate_is_close_to_the_exact_jaccard() -> None:
    """With 128 permutations the estimate stays within 0.15 of the exact value."""
    for other in (EDITED_COPY, _replace_every(ORIGINAL, 30), _replace_every(ORIGINAL, 10)):
        exact = jaccard(ORIGINAL, other)
        assert estimated_jaccard(signature(ORIGINAL), signature(other)) == pytest.approx(
            exact, abs=0.15
        )


def test_near_copies_share_a_band_and_different_texts_do_not() -> None:
    """LSH bands make the edited copy a candidate and leave the other plan out."""
    original_bands = set(bands(signature(ORIGINAL)))
    assert len(original_bands) == 32
    assert original_bands & set(bands(signature(EDITED_COPY)))
    assert not original_bands & set(bands(signature(SAME_TOPIC)))


def test_identical_texts_score_one_and_whitespace_or_case_do_not_matter() -> None:
    """Formatting differences are not differences."""
    assert similarity.similarity(signature(ORIGINAL), signature(ORIGINAL.upper())) == 1.0


def test_empty_text_resembles_nothing_and_has_no_bands() -> None:
    """A file without text (a scan) is never a near copy, not even of another scan."""
    empty = signature("")
    assert len(empty) == PERMUTATIONS
    assert bands(empty) == []
    assert similarity.similarity(empty, signature("")) == 0.0
    assert similarity.similarity(empty, signature(ORIGINAL)) == 0.0


def test_signature_is_the_same_twice_and_in_another_process() -> None:
    """Signatures stored by one process compare with those of the next (no salted hash())."""
    first = signature(ORIGINAL)
    assert signature(ORIGINAL) == first
    script = (
        "import sys; from metodset.materials.similarity import signature, bands; "
        "text = sys.stdin.read(); sig = signature(text); "
        "print(','.join(map(str, sig))); print(' '.join(bands(sig)))"
    )
    completed = subprocess.run(  # noqa: S603 -- our own interpreter and a fixed script.
        [sys.executable, "-c", script],
        input=ORIGINAL,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PYTHONPATH": ":".join(sys.path)},
    )
    signature_line, bands_line = completed.stdout.splitlines()
    assert tuple(int(value) for value in signature_line.split(",")) == first
    assert bands_line.split() == bands(first)


def test_signature_round_trips_through_bytes() -> None:
    """A signature fits 1024 bytes and every value a signed 64-bit column."""
    sig = signature(ORIGINAL)
    packed = signature_to_bytes(sig)
    assert len(packed) == 1024
    assert signature_from_bytes(packed) == sig
    assert all(0 <= value < 2**63 for value in sig)


def test_signatures_of_the_wrong_length_are_refused() -> None:
    """Comparing a truncated signature is a programming error, not a score."""
    with pytest.raises(ValueError, match="128"):
        similarity.similarity((1, 2, 3), signature(ORIGINAL))
    with pytest.raises(ValueError, match="1024"):
        signature_from_bytes(b"\x00" * 10)

"""The search engine on a small Russian library: language, filters, facets, permissions."""

import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import tantivy

from metodset.search import engine
from metodset.search.analyzer import (
    ANALYZER_NAME,
    SPELLING_ANALYZER_NAME,
    spelling_analyzer,
    text_analyzer,
)
from metodset.search.engine import MaterialDocument, SearchResult, Visibility, search
from metodset.search.engine import index as engine_index

MATH, RUSSIAN, BIOLOGY, INFORMATICS, HISTORY = 1, 2, 3, 4, 5
SCHOOL_1, SCHOOL_2, SCHOOL_3 = 101, 102, 103
DISTRICT_A, DISTRICT_B = 11, 12
GUEST = Visibility.guest()
MEMBER = Visibility.member()
MODERATOR = Visibility.moderator()


def material(
    id: int,
    title: str,
    text: str,
    *,
    subject: int = MATH,
    grades: tuple[int, ...] = (5,),
    level: str = "ooo",
    type: str = "lesson_plan",
    organization: int = SCHOOL_1,
    district: int = DISTRICT_A,
    year: int = 2025,
    authors: tuple[int, ...] = (500,),
    annotation: str = "",
    keywords: tuple[str, ...] = (),
    **extra: Any,
) -> MaterialDocument:
    return MaterialDocument(
        id=id,
        title=title,
        annotation=annotation,
        text=text,
        keywords=keywords,
        subject_id=subject,
        subject_name={MATH: "Математика", RUSSIAN: "Русский язык"}.get(subject, ""),
        grades=grades,
        level_code=level,
        type_code=type,
        organization_id=organization,
        organization_name=f"Школа № {organization - 100}",
        district_id=district,
        year=year,
        author_ids=authors,
        published_at=extra.pop("published_at", datetime(2025, 9, 1, tzinfo=UTC)),
        **extra,
    )


def day(number: int) -> datetime:
    return datetime(2025, 10, number, tzinfo=UTC)


LIBRARY = [
    material(
        1,
        "Конспект урока математики: дроби",
        "На уроке ученики складывают дроби с одинаковыми знаменателями и решают задачи.",
        grades=(5,),
        published_at=day(1),
        rating=4.5,
        downloads=10,
    ),
    material(
        2,
        "Сборник уроков по теме «Дроби»",
        "Десять уроков для пятого класса: обыкновенные дроби, сравнение дробей, викторина в конце.",
        grades=(5, 6),
        published_at=day(2),
        rating=3.0,
        downloads=50,
    ),
    material(
        3,
        "Викторина по дробям для шестого класса",
        "Викторина помогает повторить дроби; команды отвечают на вопросы.",
        grades=(6,),
        type="quiz",
        published_at=day(3),
        rating=5.0,
        downloads=5,
    ),
    material(
        4,
        "Викторина «Знатоки природы»",
        "Игровая викторина о лесе, ежах и птицах для младших школьников.",
        subject=BIOLOGY,
        grades=(3, 4),
        level="noo",
        type="quiz",
        organization=SCHOOL_2,
        published_at=day(4),
        rating=4.0,
        downloads=70,
    ),
    material(
        5,
        "Квадратные уравнения: технологическая карта",
        "Технологическая карта урока: решаем квадратные уравнения через дискриминант.",
        grades=(8,),
        type="tech_map",
        organization=SCHOOL_2,
        year=2024,
        published_at=day(5),
        rating=2.0,
        downloads=1,
    ),
    material(
        6,
        "Уравнения и неравенства",
        "Линейные уравнения; в конце урока квадратные неравенства и их графики.",
        grades=(8, 9),
        organization=SCHOOL_2,
        year=2024,
        published_at=day(6),
    ),
    material(
        7,
        "Фотосинтез в листьях растений",
        "Лабораторная работа: как свет влияет на фотосинтез у комнатных растений.",
        subject=BIOLOGY,
        grades=(6,),
        type="lab",
        organization=SCHOOL_3,
        district=DISTRICT_B,
        published_at=day(7),
        rating=4.8,
        downloads=30,
    ),
    material(
        8,
        "Новогодняя ёлка в начальной школе",
        "Сценарий праздника у ёлки: ёжик и белочка поздравляют учеников.",
        subject=HISTORY,
        grades=(1, 2),
        level="noo",
        type="event",
        organization=SCHOOL_3,
        district=DISTRICT_B,
        published_at=day(8),
    ),
    material(
        9,
        "Ёж и его соседи по лесу",
        "Рассказ о еже для урока окружающего мира во втором классе.",
        subject=BIOLOGY,
        grades=(2,),
        level="noo",
        organization=SCHOOL_3,
        district=DISTRICT_B,
        published_at=day(9),
    ),
    material(
        10,
        "Python для школьников",
        "Первые программы на языке Python: переменные, циклы и условия.",
        subject=INFORMATICS,
        grades=(9, 10),
        level="soo",
        type="program",
        published_at=day(10),
        rating=3.5,
        downloads=200,
    ),
    material(
        11,
        "Алгоритмы и исполнители",
        "Линейные алгоритмы и ветвления; исполнитель Робот на клетчатом поле.",
        subject=INFORMATICS,
        grades=(7,),
        published_at=day(11),
    ),
    material(
        12,
        "Правописание наречий",
        "Дефисное и слитное написание наречий: упражнения и диктант.",
        subject=RUSSIAN,
        grades=(7,),
        organization=SCHOOL_2,
        published_at=day(12),
    ),
    material(
        13,
        "Как провести родительское собрание",
        "Советы классному руководителю: как подготовить и провести собрание с родителями.",
        subject=HISTORY,
        grades=(5, 6, 7),
        type="article",
        published_at=day(13),
    ),
    material(
        14,
        "Открытый урок русского языка",
        "Урок развития речи: сочинение по картине в седьмом классе.",
        subject=RUSSIAN,
        grades=(7,),
        organization=SCHOOL_3,
        district=DISTRICT_B,
        published_at=day(14),
        keywords=("сочинение", "развитие речи"),
    ),
    material(
        15,
        "<script>alert('x')</script> Опасный заголовок урока",
        "Текст про уроки & <b>разметку</b>.",
        subject=HISTORY,
        published_at=day(15),
    ),
    material(
        16,
        "Уравнения для сети",
        "Только для участников сети: уравнения с параметром.",
        grades=(11,),
        level="soo",
        visibility="network",
        published_at=day(16),
    ),
    material(
        17,
        "Черновик про уравнения",
        "Автор скрыл материал: уравнения высших степеней.",
        grades=(11,),
        level="soo",
        visibility="hidden",
        authors=(900,),
        published_at=day(17),
    ),
    material(
        18,
        "Уравнения, скрытые модератором",
        "Материал скрыт модератором: уравнения и неравенства.",
        grades=(10,),
        level="soo",
        hidden=True,
        authors=(901,),
        published_at=day(18),
    ),
]
PUBLIC = [doc for doc in LIBRARY if doc.visibility == "public" and not doc.hidden]


@pytest.fixture(autouse=True)
def library(settings: Any, tmp_path: Path) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "search"
    engine.index_many(LIBRARY)


def ids(result: SearchResult) -> list[int]:
    return [hit.id for hit in result.hits]


def find(query: str, viewer: Visibility = GUEST, **options: Any) -> SearchResult:
    return search(query, viewer=viewer, **options)


def test_morphology_finds_every_form_of_a_word() -> None:
    """«урок» finds «уроков», «уроки», «урока»; another form finds the same set."""
    expected = {1, 2, 5, 6, 9, 14, 15}  # урока, уроков, уроке, урок, уроки
    assert set(ids(find("урок"))) == expected
    assert set(ids(find("уроками"))) == expected


def test_yo_and_ye_are_the_same_letter() -> None:
    assert set(ids(find("елка"))) == {8}
    assert set(ids(find("ёж"))) == set(ids(find("еж"))) == {4, 9}  # «ежах», «Ёж»


def test_phrase_requires_adjacent_words() -> None:
    """«квадратные уравнения» as a phrase: not a document with «квадратные неравенства»."""
    assert set(ids(find('"квадратные уравнения"'))) == {5}
    assert 6 in ids(find("квадратные уравнения"))


def test_minus_word_excludes_documents() -> None:
    assert set(ids(find("викторина"))) == {2, 3, 4}
    assert set(ids(find("викторина -дроби"))) == {4}
    assert set(ids(find("викторина -дробями"))) == {4}
    # A minus phrase excludes the phrase, not each of its words.
    assert set(ids(find('уравнения -"квадратные уравнения"'))) == {6}


def test_documents_with_all_words_rank_first() -> None:
    """«дроби викторина»: the two documents with both words, then those with one."""
    result = find("дроби викторина")
    assert set(ids(result)[:2]) == {2, 3}
    assert set(ids(result)) == {1, 2, 3, 4}
    assert result.total == 4


def test_an_unknown_word_does_not_empty_a_query_of_several() -> None:
    result = find("дроби зюзюка")
    assert set(ids(result)) == {1, 2, 3}
    assert result.total == 3
    assert not result.used_fuzzy


def test_stop_and_question_words_do_not_empty_the_result() -> None:
    assert 13 in ids(find("как провести собрание"))
    assert find("почему и как").total == len(PUBLIC)


def test_typo_gets_a_suggestion_and_fuzzy_results() -> None:
    result = find("фатосинтез")
    assert result.suggestion == "фотосинтез"
    assert result.suggestion_text == "Возможно, вы искали: «фотосинтез»"
    assert result.used_fuzzy
    assert ids(result) == [7]


def test_known_words_get_no_suggestion_and_no_fuzzy() -> None:
    result = find("фотосинтез")
    assert result.suggestion is None
    assert not result.used_fuzzy


def test_wrong_keyboard_layout_is_read_in_the_other_one() -> None:
    """«ajnjcbyntp» is «фотосинтез» typed in the Latin layout."""
    result = find("ajnjcbyntp")
    assert ids(result) == [7]
    assert result.interpreted_query == "фотосинтез"
    assert result.suggestion is None


def test_transliteration_both_ways() -> None:
    assert ids(find("питон")) == [10]
    assert ids(find("algoritmy")) == [11]


def test_each_filter() -> None:
    def total(**filters: Any) -> int:
        return find("", filters=filters).total

    assert total(subject=[BIOLOGY]) == 3
    assert total(subject=[BIOLOGY, INFORMATICS]) == 5
    assert total(grade=6) == 4
    assert total(grade=[1, 2]) == 2
    assert total(type="quiz") == 2
    assert total(level=["noo"]) == 3
    assert total(organization=[SCHOOL_2]) == 4
    assert total(district=[DISTRICT_B]) == 4
    assert total(year=[2024]) == 2
    assert total(subject=MATH, grade=8, year=2024) == 2
    assert find("уравнения", filters={"grade": [9]}).total == 1


def test_unknown_filter_is_refused() -> None:
    with pytest.raises(ValueError, match="colour"):
        find("", filters={"colour": 1})


def test_facet_counts_are_exact_over_the_filtered_result() -> None:
    result = find("", filters={"district": [DISTRICT_A]}, per_page=1)
    expected = [doc for doc in PUBLIC if doc.district_id == DISTRICT_A]
    assert result.total == len(expected)

    def counts(name: str) -> dict[int | str, int]:
        return {value.value: value.count for value in result.facets[name]}

    assert counts("subject") == Counter(doc.subject_id for doc in expected)
    assert counts("grade") == Counter(grade for doc in expected for grade in doc.grades)
    assert counts("type") == Counter(doc.type_code for doc in expected)
    assert counts("level") == Counter(doc.level_code for doc in expected)
    assert counts("organization") == Counter(doc.organization_id for doc in expected)
    assert counts("year") == Counter(doc.year for doc in expected)

    words = find("викторина")
    assert {value.value: value.count for value in words.facets["type"]} == {
        "quiz": 2,
        "lesson_plan": 1,
    }


def test_sort_orders() -> None:
    assert ids(find("дроби", sort="newest")) == [3, 2, 1]
    assert ids(find("дроби", sort="rating")) == [3, 1, 2]
    assert ids(find("дроби", sort="downloads")) == [2, 1, 3]
    assert ids(find("", per_page=3)) == [15, 14, 13]  # no words: the newest first


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (GUEST, {5, 6}),
        (MEMBER, {5, 6, 16}),
        (Visibility.member(author_id=900), {5, 6, 16, 17}),
        (Visibility.member(author_id=901), {5, 6, 16, 18}),
        (MODERATOR, {5, 6, 16, 17, 18}),
    ],
)
def test_permissions_decide_hits_counts_and_facets(viewer: Visibility, expected: set[int]) -> None:
    result = find("уравнения", viewer=viewer)
    assert set(ids(result)) == expected
    assert result.total == len(expected)
    assert sum(value.count for value in result.facets["subject"]) == len(expected)


def test_remove_and_replace() -> None:
    engine.remove(7)
    assert find("фотосинтез").total == 0
    engine.index_material(material(3, "Игра по дробям", "Командная игра.", type="quiz"))
    assert find("викторина").total == 2
    assert ids(find("игра")) == [3]


def test_reindex_rebuilds_the_whole_index() -> None:
    engine.clear()
    assert find("").total == 0
    assert engine.index_many(LIBRARY[:5]) == 5
    assert find("").total == 5
    assert engine.index_many(LIBRARY[:5]) == 5  # replaces, does not duplicate
    assert find("").total == 5
    assert engine.index_many(LIBRARY[5:8], rebuild=True) == 3  # the rest is dropped
    assert {hit.id for hit in find("").hits} == {6, 7, 8}


def test_pagination_covers_every_hit_once() -> None:
    pages = [find("", page=page, per_page=4) for page in range(1, 6)]
    seen = [hit for result in pages for hit in ids(result)]
    assert len(seen) == len(set(seen)) == len(PUBLIC)
    assert all(result.total == len(PUBLIC) for result in pages)
    assert pages[-1].hits == []


def test_snippets_are_escaped_with_only_mark_tags() -> None:
    result = find("опасный урок")
    hit = next(hit for hit in result.hits if hit.id == 15)
    assert hit.title_html == (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <mark>Опасный</mark> заголовок "
        "<mark>урока</mark>"
    )
    assert hit.text_html == "Текст про <mark>уроки</mark> &amp; &lt;b&gt;разметку&lt;/b&gt;."


def test_snippet_keeps_the_letter_yo() -> None:
    hit = find("елки").hits[0]
    assert hit.title_html == "Новогодняя <mark>ёлка</mark> в начальной школе"


def test_a_writer_waits_for_another_to_finish() -> None:
    """Tantivy's lock is held by another writer: indexing waits, then succeeds."""
    index = engine_index.open_index()
    holder = index.writer(heap_size=15_000_000, num_threads=1)

    def release() -> None:
        time.sleep(0.3)
        holder.commit()
        holder.wait_merging_threads()

    thread = threading.Thread(target=release)
    thread.start()
    engine.index_material(material(40, "Ребусы на уроке", "Ребусы и загадки."))
    thread.join()
    assert ids(find("ребус")) == [40]


def test_a_commit_through_another_handle_is_seen_at_once() -> None:
    """Another process's commit (here: a second handle on the directory) is searchable by
    the next query, without reopening the index."""
    assert find("ребус").total == 0
    other = tantivy.Index.open(str(engine.index_dir()))
    other.register_tokenizer(ANALYZER_NAME, text_analyzer())
    other.register_tokenizer(SPELLING_ANALYZER_NAME, spelling_analyzer())
    writer = other.writer(heap_size=15_000_000, num_threads=1)
    writer.add_document(
        engine_index.to_tantivy_document(material(41, "Ребусы", "Ребусы на уроке."))
    )
    writer.commit()
    writer.wait_merging_threads()
    assert ids(find("ребус")) == [41]


def test_facets_can_be_left_out_and_the_total_stays() -> None:
    result = find("урок", facets=())
    assert result.total == 7
    assert result.facets == {}
    assert set(find("урок", facets=["grade"]).facets) == {"grade"}
    with pytest.raises(ValueError, match="colour"):
        find("урок", facets=["colour"])


def test_text_snippet_is_a_window_around_the_match() -> None:
    filler = "Ученики читают рассказ и отвечают на вопросы учителя. " * 30
    engine.index_material(
        material(42, "Чтение", filler + "Потом про ёжика пишут изложение. " + filler)
    )
    snippet = find("изложение").hits[0].text_html
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert "<mark>изложение</mark>" in snippet
    hits = {hit.id: hit.text_html for hit in find("ежика").hits}
    assert "<mark>ёжика</mark>" in hits[42]
    assert "у ёлки: <mark>ёжик</mark> и" in hits[8]
    assert len(snippet) < 400


def test_suggestions_never_reveal_words_of_materials_the_viewer_cannot_see() -> None:
    # «параметром» is only in a network-only material, «степеней» only in a hidden one.
    assert find("параметрм").suggestion is None
    assert find("параметрм", MEMBER).suggestion == "параметром"
    assert find("степеней").total == 0
    assert find("стпеней", MEMBER).suggestion is None
    assert find("стпеней", MODERATOR).suggestion == "степеней"


@pytest.mark.parametrize(
    "query",
    ["уравнения", "уравнения дроби", "дроби -уравнения", "python", "ghbdtn", "урок", "как"],
)
def test_the_count_agrees_with_the_ranked_documents(query: str) -> None:
    """Totals and facets come from the match field; the ranking from the per-field BM25
    query: both must see the same documents."""
    for viewer in (GUEST, MEMBER, MODERATOR):
        result = find(query, viewer, per_page=100)
        assert result.total == len(result.hits), (query, viewer)
        for page in (1, 2):
            paged = find(query, viewer, per_page=3, page=page)
            assert ids(paged) == ids(result)[(page - 1) * 3 : page * 3]

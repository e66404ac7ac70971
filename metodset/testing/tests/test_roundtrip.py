"""Import → export → import keeps every field a format can carry (hypothesis and samples)."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metodset.testing import formats
from metodset.testing.formats.gift import parse_gift, write_gift
from metodset.testing.formats.items import Item, ItemType, ParseError
from metodset.testing.formats.moodlexml import parse_moodle_xml, write_moodle_xml
from metodset.testing.tests.strategies import ROUND_TRIP, as_gift_keeps_it, items

FIXTURES = Path(__file__).parent / "fixtures"


@ROUND_TRIP
@given(st.lists(items(gift=True), min_size=1, max_size=5))
def test_gift_gives_back_every_item_it_can_carry(generated: list[Item]) -> None:
    problems: list[ParseError] = []
    written = write_gift(generated, problems=problems)

    result = parse_gift(written)

    assert problems == []
    assert result.errors == []
    assert result.items == [as_gift_keeps_it(item) for item in generated]


@ROUND_TRIP
@given(st.lists(items(), min_size=1, max_size=5))
def test_moodle_xml_gives_back_every_item_of_every_type(generated: list[Item]) -> None:
    result = parse_moodle_xml(write_moodle_xml(generated))

    assert result.errors == []
    assert result.items == generated


@ROUND_TRIP
@given(st.lists(items(gift=True), min_size=1, max_size=4))
def test_gift_file_through_moodle_xml_and_back_is_the_same_file(generated: list[Item]) -> None:
    gift = write_gift(generated)

    through_xml = parse_moodle_xml(write_moodle_xml(parse_gift(gift).items)).items

    assert write_gift(through_xml) == gift


@pytest.mark.parametrize(
    ("file_name", "format_name"),
    [
        ("sample.gift.txt", "gift"),
        ("sample.moodle.xml", "moodlexml"),
        ("sample.aiken.txt", "aiken"),
        ("sample.xlsx", "xlsx"),
    ],
)
def test_sample_files_survive_import_export_import(file_name: str, format_name: str) -> None:
    imported = formats.parse((FIXTURES / file_name).read_bytes(), format_name)

    again = formats.parse(formats.write(imported.items, format_name), format_name)

    assert again.errors == []
    assert again.items == imported.items
    assert again.categories == imported.categories


def test_the_moodle_xml_sample_keeps_its_images_byte_for_byte() -> None:
    data = (FIXTURES / "sample.moodle.xml").read_bytes()
    original = parse_moodle_xml(data).items[0]

    written = write_moodle_xml([original])
    again = parse_moodle_xml(written).items[0]

    assert set(again.files) == {"graph.png", "схема 1.png"}
    assert again.files == original.files
    assert again.files["graph.png"].startswith(b"\x89PNG\r\n\x1a\n")
    # Each image stays beside the text that links to it.
    question_text = written.split(b"</questiontext>")[0]
    assert b'<file name="graph.png"' in question_text
    assert "схема 1.png".encode() not in question_text


def test_dispatch_parses_and_writes_each_format_by_name() -> None:
    gift = "::Столица::Столица России?{=Москва ~Казань}".encode()

    result = formats.parse(gift, "gift")

    assert [item.name for item in result.items] == ["Столица"]
    for format_name in formats.FORMATS:
        written = formats.write(result.items, format_name)
        assert isinstance(written, bytes)
        assert formats.parse(written, format_name).items[0].answers == result.items[0].answers


def test_dispatch_reads_windows_1251_and_utf_8_with_bom() -> None:
    text = "::Вопрос::Ёлка — дерево?{T}"

    for data in (text.encode("cp1251"), text.encode("utf-8-sig"), text.encode("utf-16")):
        assert formats.parse(data, "gift").items[0].text == "Ёлка — дерево?"


def test_dispatch_refuses_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="docx"):
        formats.parse(b"", "docx")
    with pytest.raises(ValueError, match="docx"):
        formats.write([], "docx")


def test_writers_report_the_items_a_format_cannot_carry() -> None:
    ordering = Item(ItemType.ORDERING, "Порядок", "Расставьте.", answers=[])
    essay = Item(ItemType.ESSAY, "Эссе", "Напишите.")
    problems: list[ParseError] = []

    gift = formats.write([ordering, essay], "gift", problems=problems).decode()
    formats.write([ordering, essay], "aiken", problems=problems)

    assert "::Эссе::" in gift
    assert "Порядок" not in gift
    assert [str(problem) for problem in problems] == [
        "вопрос №1 (ordering «Порядок»): в GIFT нет вопросов на упорядочивание — экспортируйте их в Moodle XML",
        "вопрос №1 (ordering «Порядок»): в Aiken бывают только вопросы с одним правильным ответом",
        "вопрос №2 (essay «Эссе»): в Aiken бывают только вопросы с одним правильным ответом",
    ]

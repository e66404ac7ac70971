"""Hypothesis strategies for question items of every type, and what GIFT keeps of them.

Texts mix Cyrillic with every character the formats treat specially (`~ = # { } : \\`,
`[html]`-like prefixes, `%50%`, `->`, `_____`, `&`, `<`), stripped as every reader strips.
"""

from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from metodset.testing.formats.cloze import cloze_field
from metodset.testing.formats.items import (
    DEFAULT_PENALTY,
    FULL_CREDIT,
    TEXT_FORMATS,
    Answer,
    ClozeAnswer,
    ClozeKind,
    ClozePart,
    Item,
    ItemType,
    MatchPair,
    NumericalAnswer,
    format_number,
)

# No example database: it would write .hypothesis/ into the working tree.
ROUND_TRIP = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЁЖЩЯ"
SPECIAL = "~=#{}:\\[]%-><&\"'/_$@*!?.,;()+"
TEXT_ALPHABET = LETTERS + "abcXYZ019 " + SPECIAL + "\n"
NAME_ALPHABET = LETTERS + "abcXYZ019 " + SPECIAL
MARK_ALPHABET = LETTERS + "abc019 -_.]"  # id numbers and tags
PREFIXES = ["[html]", "[plain]", "[moodle]", "[x]", "%50%", "%-5%", "=", "~", "#", "::", "//", "\\"]
PREFIXES += ["$CATEGORY: ", "_____ ", "T", "{", "}"]


def _stripped(alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=1, max_size=max_size).map(str.strip).filter(bool)


def texts(max_size: int = 30) -> st.SearchStrategy[str]:
    plain = _stripped(TEXT_ALPHABET, max_size)
    return st.one_of(
        plain,
        st.builds(lambda prefix, text: (prefix + text).strip(), st.sampled_from(PREFIXES), plain),
        st.builds(lambda before, after: f"{before} _____ {after}", plain, plain),
    )


def optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), strategy)


# Built once: hypothesis validates every new strategy object on its first draw, which
# made building them inside the composites below cost most of the run.
TEXTS = texts()
OPTIONAL_TEXTS = optional(TEXTS)
SHORT_TEXTS = texts(15)
OPTIONAL_SHORT_TEXTS = optional(SHORT_TEXTS)
# GIFT reads "->" as the matching separator: its short answers and left sides avoid it.
TEXTS_WITHOUT_ARROW = TEXTS.filter(lambda text: "->" not in text)
OPTIONAL_TEXTS_WITHOUT_ARROW = optional(TEXTS_WITHOUT_ARROW)
NAMES = _stripped(NAME_ALPHABET, 20)
CATEGORY_PATHS = st.lists(
    _stripped(LETTERS + "abc019 -/$.", 12).filter(
        lambda name: name != "top" and not name.startswith("/") and not name.endswith("/")
    ),
    max_size=3,
)
MARKS = _stripped(MARK_ALPHABET, 12).filter(lambda mark: not mark.endswith("\\"))
OPTIONAL_MARKS = optional(MARKS)
MOODLE_OPTIONS = st.dictionaries(
    st.sampled_from(["hidden", "showstandardinstruction", "shownumcorrect", "layouttype"]),
    optional(_stripped(NAME_ALPHABET, 10)),
    max_size=2,
)
FILES = st.dictionaries(_stripped(LETTERS + "abc019 ._-", 10), st.binary(max_size=40), max_size=2)
NUMBERS = st.decimals(min_value=-(10**6), max_value=10**6, places=4)
TOLERANCES = st.decimals(min_value=0, max_value=100, places=3)
GRADES = st.decimals(min_value=0, max_value=10, places=2)
PENALTIES = st.decimals(min_value=0, max_value=1, places=7)
PARTIAL = st.sampled_from([Decimal(value) for value in ("50", "33.33333", "25", "12.5", "0")])
NEGATIVE = st.sampled_from([Decimal(value) for value in ("-50", "-100", "-33.33333", "0")])
PARTIAL_OR_NEGATIVE = st.one_of(PARTIAL, NEGATIVE)
ANY_FRACTION = st.one_of(PARTIAL, NEGATIVE, st.just(FULL_CREDIT))
PARTIAL_OR_FULL = st.one_of(PARTIAL, st.just(FULL_CREDIT))
NUMBERINGS = st.sampled_from(["abc", "ABCD", "123", "iii", "IIII", "none"])
CLOZE_FILLER = _stripped(LETTERS + "abc019 .,;!?", 20)


@st.composite
def choice_answers(draw: st.DrawFn, kind: ItemType) -> list[Answer]:
    count = draw(st.integers(2, 5))
    if kind is ItemType.SINGLE_CHOICE:
        right = [FULL_CREDIT]
        others = [draw(ANY_FRACTION) for _ in range(count - 1)]
    else:
        correct = draw(st.integers(1, min(3, count)))
        share = {1: FULL_CREDIT, 2: Decimal(50), 3: Decimal("33.33333")}[correct]
        right = [share] * correct
        others = [draw(NEGATIVE) for _ in range(count - correct)]
    fractions = draw(st.permutations(right + others))
    return [Answer(draw(TEXTS), fraction, draw(OPTIONAL_TEXTS)) for fraction in fractions]


@st.composite
def numerical_answers(draw: st.DrawFn) -> list[NumericalAnswer]:
    answers = [NumericalAnswer(draw(NUMBERS), draw(TOLERANCES), FULL_CREDIT, draw(OPTIONAL_TEXTS))]
    for _ in range(draw(st.integers(0, 2))):
        answers.append(
            NumericalAnswer(draw(NUMBERS), draw(TOLERANCES), draw(PARTIAL), draw(OPTIONAL_TEXTS))
        )
    answers = draw(st.permutations(answers))
    if draw(st.booleans()):  # "any other number", with feedback
        answers.append(NumericalAnswer(None, Decimal(0), Decimal(0), draw(OPTIONAL_TEXTS)))
    return list(answers)


@st.composite
def cloze_parts(draw: st.DrawFn) -> list[ClozePart]:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(list(ClozeKind)))
        weight = draw(st.integers(1, 5))
        if kind is ClozeKind.NUMERICAL:
            answers = [
                ClozeAnswer(
                    format_number(draw(NUMBERS)), fraction, draw(OPTIONAL_TEXTS), draw(TOLERANCES)
                )
                for fraction in [FULL_CREDIT, *draw(st.lists(PARTIAL, max_size=2))]
            ]
        else:
            fractions = [FULL_CREDIT, *draw(st.lists(PARTIAL_OR_NEGATIVE, max_size=3))]
            answers = [
                ClozeAnswer(draw(SHORT_TEXTS), fraction, draw(OPTIONAL_SHORT_TEXTS))
                for fraction in draw(st.permutations(fractions))
            ]
        parts.append(ClozePart(kind, weight, answers, cloze_field(kind, answers, weight)))
    return parts


@st.composite
def items(draw: st.DrawFn, *, gift: bool = False) -> Item:
    """An item of any type; `gift=True` keeps to the types and texts GIFT can carry."""
    kinds = list(ItemType)
    if gift:
        kinds = [kind for kind in kinds if kind not in (ItemType.ORDERING, ItemType.CLOZE)]
    kind = draw(st.sampled_from(kinds))
    item = Item(
        type=kind,
        name=draw(NAMES),
        text=draw(TEXTS),
        text_format=draw(st.sampled_from(TEXT_FORMATS)),
        category=draw(CATEGORY_PATHS),
        general_feedback=draw(OPTIONAL_TEXTS),
        default_grade=draw(GRADES),
        penalty=draw(PENALTIES),
        id_number=draw(OPTIONAL_MARKS),
        tags=draw(st.lists(MARKS, max_size=3)),
        hints=draw(st.lists(TEXTS, max_size=2)),
        moodle_options=draw(MOODLE_OPTIONS),
    )
    files = draw(FILES)
    for name in files:  # some files are linked from a text, others from nowhere
        where = draw(st.sampled_from(["text", "general_feedback", "nowhere"]))
        if where != "nowhere":
            setattr(
                item, where, f'{getattr(item, where)} <img src="@@PLUGINFILE@@/{name}">'.strip()
            )
    item.files = files

    if kind in (
        ItemType.SINGLE_CHOICE,
        ItemType.MULTIPLE_CHOICE,
        ItemType.MATCHING,
        ItemType.ORDERING,
    ):
        item.correct_feedback = draw(OPTIONAL_TEXTS)
        item.partially_correct_feedback = draw(OPTIONAL_TEXTS)
        item.incorrect_feedback = draw(OPTIONAL_TEXTS)
    if kind in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
        item.answers = draw(choice_answers(kind))
        item.shuffle_answers = draw(st.booleans())
        item.answer_numbering = draw(NUMBERINGS)
    elif kind is ItemType.TRUE_FALSE:
        item.correct_answer = draw(st.booleans())
        item.feedback_true = draw(OPTIONAL_TEXTS)
        item.feedback_false = draw(OPTIONAL_TEXTS)
    elif kind is ItemType.SHORT_ANSWER:
        answer_texts = TEXTS_WITHOUT_ARROW if gift else TEXTS
        feedback_texts = OPTIONAL_TEXTS_WITHOUT_ARROW if gift else OPTIONAL_TEXTS
        fractions = [FULL_CREDIT, *draw(st.lists(PARTIAL_OR_FULL, max_size=3))]
        item.answers = [
            Answer(draw(answer_texts), fraction, draw(feedback_texts)) for fraction in fractions
        ]
        item.case_sensitive = draw(st.booleans())
        item.fold_yo = draw(st.booleans())
    elif kind is ItemType.NUMERICAL:
        item.numerical_answers = draw(numerical_answers())
    elif kind is ItemType.MATCHING:
        left = TEXTS_WITHOUT_ARROW if gift else TEXTS
        item.pairs = [MatchPair(draw(left), draw(TEXTS)) for _ in range(draw(st.integers(2, 5)))]
        if draw(st.booleans()):
            item.pairs.append(MatchPair("", draw(TEXTS)))
        item.shuffle_answers = draw(st.booleans())
    elif kind is ItemType.ORDERING:
        item.answers = [
            Answer(draw(TEXTS), Decimal(0), draw(OPTIONAL_TEXTS))
            for _ in range(draw(st.integers(2, 5)))
        ]
    elif kind is ItemType.ESSAY:
        item.grader_info = draw(OPTIONAL_TEXTS)
        item.response_template = draw(OPTIONAL_TEXTS)
    elif kind is ItemType.CLOZE:
        parts = draw(cloze_parts())
        fillers = [draw(CLOZE_FILLER) for _ in range(len(parts) + 1)]
        item.text = fillers[0] + "".join(
            f" {part.source} {filler}" for part, filler in zip(parts, fillers[1:], strict=True)
        )
        item.cloze_parts = parts
    return item


def as_gift_keeps_it(item: Item) -> Item:
    """The item as GIFT brings it back: what the format has no place for takes the values
    Moodle's GIFT import gives (grade 1, penalty ⅓, a true/false penalty of 1 …)."""
    kept = replace(
        item,
        default_grade=Decimal(0) if item.type is ItemType.DESCRIPTION else Decimal(1),
        penalty={ItemType.TRUE_FALSE: Decimal(1), ItemType.DESCRIPTION: Decimal(0)}.get(
            item.type, DEFAULT_PENALTY
        ),
        files={},
        hints=[],
        moodle_options={},
        shuffle_answers=True,
        answer_numbering="abc",
        correct_feedback="",
        partially_correct_feedback="",
        incorrect_feedback="",
        case_sensitive=False,
        fold_yo=False,
        grader_info="",
        response_template="",
    )
    if item.type is ItemType.DESCRIPTION:
        kept.general_feedback = ""
    return kept

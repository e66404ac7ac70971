"""An Excel sheet a teacher fills in: one row, one question (a template comes with it).

The sheet «Вопросы» (or the workbook's first sheet) has a header row — Категория, Тип,
Название, Текст вопроса, Сложность, Ответы, Баллы, Отзыв, Метки, in any order, only Тип
and Текст вопроса required — and one item a row below it; empty rows are skipped. Тип is
a Russian label («один ответ», «несколько ответов», «верно/неверно», «краткий ответ»,
«числовой», «соответствие», «упорядочивание», «вложенные ответы», «эссе», «описание») or
the item type's own value (`single_choice`). Ответы holds one option a line: `cells`
says how each type writes them (a right option starts with «*», partial credit with
«50%», numbers as «3,14 ± 0,01», pairs as «левое -> правое», feedback after «#»); a
cloze item keeps its `{1:SHORTANSWER:=…}` fields in its text. Сложность (1–5) goes to
`Item.moodle_options[DIFFICULTY_OPTION]`, which the bank keeps as the question's
difficulty. A text with HTML tags is HTML, any other is plain text.

An error names its row as Excel numbers it (`ParseError.line`) and the sheet. The sheet
has no room for images, hints, penalties, ids, shuffling, combined feedback, a short
answer's case sensitivity or an essay's notes: writing drops them (or, for images,
reports the item as a problem and skips it); reading gives them Moodle's defaults, as
GIFT does.
"""

from .cells import TYPE_LABELS, text_format_of
from .reading import parse_xlsx
from .writing import unwritable_reason, write_xlsx, xlsx_template

__all__ = [
    "TYPE_LABELS",
    "parse_xlsx",
    "text_format_of",
    "unwritable_reason",
    "write_xlsx",
    "xlsx_template",
]

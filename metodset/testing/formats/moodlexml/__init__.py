"""Moodle XML (docs.moodle.org/en/Moodle_XML_format), both ways, for every item type.

`<quiz>` holds `<question type="…">` elements; a `type="category"` one switches the
category (`$course$/top/Алгебра/Дроби`) for the questions after it. Read: multichoice
(single, shuffleanswers, answernumbering), truefalse, shortanswer (usecase), numerical
(tolerance; units are ignored), matching, ordering, essay, description and cloze, with
their general, per-answer and combined feedback, fractions, defaultgrade, penalty,
idnumber, hints, tags, and the images embedded in base64 (`<file name=…>`), which the
texts link to as `@@PLUGINFILE@@/name`. Other simple settings (essay's responseformat,
ordering's layouttype, hidden …) are kept in `Item.moodle_options` and written back.

The file comes from users: entity declarations and external references are refused, as
defusedxml refuses them. Moodle's own quirks followed here: texts are stripped, a missing
`<single>` means single choice, a truefalse answer that is neither "true" nor "false"
counts by its order.

`reading` walks the file (`parse_moodle_xml`), `questions` reads one `<question>` into an
item, `writing` writes items (`write_moodle_xml`).
"""

from .reading import parse_moodle_xml
from .writing import write_moodle_xml

__all__ = ["parse_moodle_xml", "write_moodle_xml"]

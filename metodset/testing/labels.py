"""The Russian names of what the formats call in English, for pages, forms and documents."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from metodset.testing.formats.items import ItemType

# Keyed by ItemType; being a StrEnum, `TYPE_LABELS["single_choice"]` finds the same label.
TYPE_LABELS: dict[str, Promise] = {
    ItemType.SINGLE_CHOICE: _("один ответ"),
    ItemType.MULTIPLE_CHOICE: _("несколько ответов"),
    ItemType.TRUE_FALSE: _("верно/неверно"),
    ItemType.SHORT_ANSWER: _("краткий ответ"),
    ItemType.NUMERICAL: _("числовой ответ"),
    ItemType.MATCHING: _("соответствие"),
    ItemType.ORDERING: _("упорядочивание"),
    ItemType.CLOZE: _("пропуски (cloze)"),
    ItemType.ESSAY: _("эссе"),
    ItemType.DESCRIPTION: _("описание"),
}

FORMAT_LABELS: dict[str, Promise] = {
    "gift": _("GIFT"),
    "moodlexml": _("Moodle XML"),
    "aiken": _("Aiken"),
    "xlsx": _("Таблица Excel (XLSX)"),
}

TEXT_FORMAT_LABELS: dict[str, Promise] = {
    "html": _("HTML"),
    "plain": _("обычный текст"),
    "markdown": _("Markdown"),
    "moodle": _("формат Moodle (автоформат)"),
}


def type_label(item_type: str) -> str:
    """The Russian label of a type; an unknown one (a newer format's) is shown as it is."""
    label = TYPE_LABELS.get(item_type)
    return str(label) if label is not None else item_type

"""A question's text as a page shows it — the one place item HTML is made safe.

Texts come as HTML, Moodle's auto-format, plain text or Markdown, and imported items are
stored as the file had them, so everything shown goes through `item_html`: converted,
sanitized by nh3, with Moodle's `@@PLUGINFILE@@/name` images pointed at the version's own
files (served by `testing:version_file`) or, for an item not saved yet, inlined. Formulas
(`$$…$$`, `\\(…\\)`) are text here; KaTeX renders them in the page.
"""

import base64
import html
import re
from urllib.parse import unquote

import nh3
from django.urls import reverse
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe

from metodset.core.markup import render_markdown

HTML_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "span", "div", "ul", "ol",
    "li", "table", "caption", "thead", "tbody", "tr", "th", "td", "h3", "h4", "h5", "h6",
    "blockquote", "code", "pre", "hr", "a", "img", "figure", "figcaption",
}  # fmt: skip
HTML_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
IMAGE_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "svg": "image/svg+xml",
}
_PLUGINFILE_SRC = re.compile(r'src="@@PLUGINFILE@@/([^"]+)"')
_FORMULA = re.compile(r"\$\$.+?\$\$|\\\(.+?\\\)|\\\[.+?\\\]", re.DOTALL)
_MARKDOWN_ESCAPES = str.maketrans({"\\": "\\\\", "_": "\\_", "*": "\\*"})
_IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)")
_TAG = re.compile(r"<[^>]*>")


def sanitize(text: str) -> str:
    """Only harmless tags and attributes; relative image addresses stay for `item_html`."""
    return nh3.clean(
        text,
        tags=HTML_TAGS,
        attributes=HTML_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )


def _shield_formula(match: re.Match[str]) -> str:
    """A formula as Markdown leaves it alone: «\\(» would lose its backslash, «x_1» its
    underscore."""
    return match.group(0).translate(_MARKDOWN_ESCAPES)


def _images(body: str, version_id: int | None, files: dict[str, bytes] | None) -> str:
    def source(match: re.Match[str]) -> str:
        name = unquote(html.unescape(match[1]))
        mime = IMAGE_TYPES.get(name.rsplit(".", 1)[-1].lower())
        if mime is None:
            return 'src=""'
        if version_id is not None:
            return 'src="{}"'.format(
                html.escape(reverse("testing:version_file", args=[version_id, name]))
            )
        content = (files or {}).get(name)
        if content is None:
            return 'src=""'
        return f'src="data:{mime};base64,{base64.b64encode(content).decode("ascii")}"'

    return _PLUGINFILE_SRC.sub(source, body)


def item_html(
    text: str,
    text_format: str = "html",
    version_id: int | None = None,
    files: dict[str, bytes] | None = None,
) -> SafeString:
    """Safe HTML of a question's (or an answer's, or a feedback's) text."""
    if not text:
        return mark_safe("")
    if text_format == "markdown":
        body = str(render_markdown(_FORMULA.sub(_shield_formula, text)))
    elif text_format == "plain":
        body = linebreaks(text, autoescape=True)
    elif text_format == "moodle":  # Moodle's auto-format: HTML, paragraphs and breaks kept
        body = linebreaks(text, autoescape=False)
    else:
        body = text
    clean = _images(sanitize(body), version_id, files)
    # An image the author gave no description is decoration to a screen reader.
    return mark_safe(_IMAGE_WITHOUT_ALT.sub('<img alt=""', clean))  # noqa: S308 - sanitized by nh3


def plain_text(text: str) -> str:
    """The text without tags, for lists and exports."""
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())

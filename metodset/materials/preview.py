"""Documents shown on the page without downloading: DOCX through mammoth (its semantic
HTML, not the look), ODT from the extracted paragraphs; always sanitized by nh3."""

from typing import IO

import mammoth
import nh3
from django.utils.html import escape

PREVIEW_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "u",
    "s",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "a",
}
MAX_HTML = 2_000_000


def _clean(html: str) -> str:
    # Images are left out: they stay in the downloaded file, and data: URLs stay off the page.
    return nh3.clean(
        html[:MAX_HTML],
        tags=PREVIEW_TAGS,
        attributes={"a": {"href"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )


def docx_html(source: IO[bytes]) -> str:
    result = mammoth.convert_to_html(
        source, convert_image=mammoth.images.img_element(lambda _image: {"src": ""})
    )
    return _clean(str(result.value))


def text_html(text: str) -> str:
    """Paragraphs of plain text (ODT, ODP slides) as HTML."""
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    return "".join(f"<p>{escape(line)}</p>" for line in paragraphs)[:MAX_HTML]

from django import template
from django.utils.safestring import SafeString

from metodset.core.markup import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown of a user, sanitized."""
    return render_markdown(text)

"""The catalogue's rendered pages, kept for a minute; the generations that guests' kept
pages (core.guestcache) depend on.

Rendering thirty cards through Django templates and counting a million rows cost tens of
milliseconds a request; the catalogue is the library's busiest page and the same for
everyone with the same rights. A page is kept under a key with the library's generation,
which goes up whenever a material enters, leaves or changes in the catalogue (publish,
withdraw, hide, restore, edit), so such a change shows at once; counters on the cards
(views, downloads, rating) may lag by up to TTL seconds.
"""

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

TTL = 60
GENERATION_KEY = "materials:catalogue:generation"


# Each process re-reads the generation at most this often (a cache round trip is most of
# what a kept page costs); a change made in another process shows within this time.
LOCAL_SECONDS = 1.0
_local: dict[str, tuple[float, int]] = {}


def generation() -> int:
    now = time.monotonic()
    remembered = _local.get(GENERATION_KEY)
    if remembered is not None and now - remembered[0] < LOCAL_SECONDS:
        return remembered[1]
    value = cache.get(GENERATION_KEY)
    if value is None:
        _go_up(GENERATION_KEY)
        value = cache.get(GENERATION_KEY, 0)
    _local[GENERATION_KEY] = (now, int(value))
    return int(value)


def forget_local() -> None:
    """Drop the generation this process remembers for a second, after the cache itself
    was emptied (registered with core.guestcache.forget_parts)."""
    _local.clear()


def bump() -> None:
    """The catalogue changed: every kept page is out of date."""
    _local.clear()
    _go_up(GENERATION_KEY)


def _go_up(key: str) -> None:
    """The next generation; after a cache loss, one that no earlier generation had."""
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, time.time_ns() // 1000, None)


def kept(parts: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """The value for `parts` in the current generation, made and kept when missing."""
    key = "materials:catalogue:" + ":".join(str(part) for part in (generation(), *parts))
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, TTL)
    return value


def material_checks(material_id: int) -> dict[str, Any]:
    """What a kept page of the material depends on besides the library's generation: its
    own generation, which goes up when its page changes (comments, ratings, files)."""
    key = f"materials:page:{material_id}"
    return {key: cache.get(key)}


def bump_material(material_id: int) -> None:
    _go_up(f"materials:page:{material_id}")

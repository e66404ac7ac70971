"""What a process remembers between requests (caches of immutable rows, per-process
memos), registered so that tests — whose rolled-back ids come again — can make every
process forget at once."""

from collections.abc import Callable

_forgetters: list[Callable[[], None]] = []


def register(forget: Callable[[], None]) -> None:
    if forget not in _forgetters:
        _forgetters.append(forget)


def forget_all() -> None:
    for forget in _forgetters:
        forget()

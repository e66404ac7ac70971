"""Russian plural forms for counts in messages («1 день», «3 дня», «5 дней»).

Until a Russian message catalogue exists, ngettext knows only two forms; Russian needs three.
"""


def plural(n: int, one: str, few: str, many: str) -> str:
    """The form of a noun after the number n: one (1, 21), few (2–4, 22–24), many (the rest)."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many

"""Numbers read from what a browser sends: addresses, cookies, stored markup."""

import re

_PLAIN_NUMBER = re.compile(r"[0-9]{1,15}")


def plain_number(value) -> int | None:
    """A non-negative integer written in ASCII digits, or None.

    ``str.isdigit()`` accepts « ² » and other digits ``int()`` refuses, and thousands of
    digits overflow a database column: only up to 15 plain digits count.
    """
    value = str(value or "")
    return int(value) if _PLAIN_NUMBER.fullmatch(value) else None

"""French typography for text readers see."""

import re

# A narrow no-break space before « ; : ! ? » and inside guillemets, so that
# « modèle lorrain » never breaks at a line end.
NARROW_NBSP = "\u202f"
# A no-break space inside a time (« 9 h 05 »), as Django's own durations write « 3 heures »:
# a phone never shows « 9 h » at a line's end and « 05 » on the next.
NBSP = "\u00a0"
_SPACE_BEFORE = re.compile(r"[ \u00a0]+([;:!?»])")
_SPACE_AFTER = re.compile(r"(«)[ \u00a0]+")


def fix_french_spacing(text: str) -> str:
    text = _SPACE_BEFORE.sub(NARROW_NBSP + r"\1", text)
    return _SPACE_AFTER.sub(r"\1" + NARROW_NBSP, text)


def clock(hour: int, minute: int, *, whole_hours_short: bool = False) -> str:
    """« 9 h 05 » with no-break spaces; « 8 h » for 8:00 when ``whole_hours_short``."""
    if whole_hours_short and not minute:
        return f"{hour}{NBSP}h"
    return f"{hour}{NBSP}h{NBSP}{minute:02d}"

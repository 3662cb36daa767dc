"""French typography for text readers see."""

import re

# A narrow no-break space before « ; : ! ? » and inside guillemets, so that
# « modèle lorrain » never breaks at a line end.
NARROW_NBSP = "\u202f"
_SPACE_BEFORE = re.compile(r"[ \u00a0]+([;:!?»])")
_SPACE_AFTER = re.compile(r"(«)[ \u00a0]+")


def fix_french_spacing(text: str) -> str:
    text = _SPACE_BEFORE.sub(NARROW_NBSP + r"\1", text)
    return _SPACE_AFTER.sub(r"\1" + NARROW_NBSP, text)

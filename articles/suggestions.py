"""Find the known places and people an article names but is not tagged with."""

import re
import unicodedata

from .models import Article, Personality, Territory


def _fold(text: str) -> str:
    """Lower-case and strip accents, so « epinal » in a text still names « Épinal »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).replace("’", "'")


def _named_in(text: str, candidates):
    folded_text = _fold(text)
    found = []
    for candidate in candidates:
        name = _fold(candidate.name).strip()
        if name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded_text):
            found.append(candidate)
    return found


def untagged_mentions(article: Article) -> tuple[list[Territory], list[Personality]]:
    """Territories and personalities named in the title, standfirst or body, not yet tagged."""
    text = "\n".join([article.title or "", article.standfirst or "", article.body or ""])
    tagged_territories = set(article.territories.values_list("pk", flat=True)) if article.pk else set()
    tagged_personalities = set(article.personalities.values_list("pk", flat=True)) if article.pk else set()
    territories = _named_in(text, Territory.objects.exclude(pk__in=tagged_territories).only("pk", "name", "kind"))
    personalities = _named_in(text, Personality.objects.exclude(pk__in=tagged_personalities).only("pk", "name", "role"))
    return territories, personalities

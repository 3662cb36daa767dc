"""Find the known places and people an article names but is not tagged with."""

import re

from common.text import fold, whole_words_pattern

from .models import Article, Personality, Territory


def _named_in(text: str, candidates) -> list:
    """The candidates named in the text, whole, accents and case aside (see ``common.text``)."""
    candidates = list(candidates)
    pattern = whole_words_pattern(candidate.name for candidate in candidates)
    if pattern is None:
        return []
    found = set()
    # At every place, the longest name found there; names overlap (« Metz Métropole » names
    # « Metz » and « Métropole » too), so look at every place rather than after each match.
    for match in re.finditer(f"(?=({pattern.pattern}))", fold(text)):
        phrase = match.group(1)
        found.add(phrase)
        # Shorter names starting at the same place end where a word does: « metz » of « metz metropole ».
        found.update(phrase[: end.start()] for end in re.finditer(r"\W", phrase))
    return [candidate for candidate in candidates if fold(candidate.name).strip() in found]


def mentions_in(text: str, tagged_territories=(), tagged_personalities=()) -> tuple[list[Territory], list[Personality]]:
    """Territories and personalities named in the text, except those given (already tagged)."""
    territories = _named_in(text, Territory.objects.exclude(pk__in=tagged_territories).only("pk", "name", "kind"))
    personalities = _named_in(text, Personality.objects.exclude(pk__in=tagged_personalities).only("pk", "name", "role"))
    return territories, personalities


def untagged_mentions(article: Article) -> tuple[list[Territory], list[Personality]]:
    """Territories and personalities named in the saved title, standfirst or body, not yet tagged."""
    text = "\n".join([article.title or "", article.standfirst or "", article.body or ""])
    return mentions_in(
        text,
        set(article.territories.values_list("pk", flat=True)) if article.pk else (),
        set(article.personalities.values_list("pk", flat=True)) if article.pk else (),
    )

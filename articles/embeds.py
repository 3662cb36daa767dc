"""Posts and videos of other sites in an article, without their trackers.

Each provider is declared once here: how its addresses are recognised, what id is kept of them
(never foreign HTML), and how readers reach the content. Readers first get a facade (the provider's
name, the journalist's text, a link, and a button); nothing is asked of the provider until they click.
"""

import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    id_pattern: re.Pattern
    link: str  # the post or video on the provider's site, from {id}
    frame: str  # what the reader's browser loads after the click, from {id}


PROVIDERS = {
    provider.key: provider
    for provider in [
        Provider(
            key="youtube",
            name="YouTube",
            id_pattern=re.compile(r"[A-Za-z0-9_-]{11}"),
            link="https://www.youtube.com/watch?v={id}",
            frame="https://www.youtube-nocookie.com/embed/{id}",
        ),
    ]
}


def problem_with(provider_key: str, embed_id: str) -> str | None:
    """Why a stored embed can't be shown (a French message for the journalist), or None."""
    provider = PROVIDERS.get(provider_key)
    if provider is None:
        return _("Ce contenu intégré vient d’un site que nous ne savons pas intégrer (« %(provider)s »).") % {
            "provider": provider_key
        }
    if not provider.id_pattern.fullmatch(embed_id or ""):
        return _("L’adresse du contenu %(provider)s intégré n’est pas reconnue : collez-la à nouveau.") % {
            "provider": provider.name
        }
    return None


def render_embed(provider_key: str, embed_id: str, caption_html: str) -> str:
    provider = PROVIDERS.get(provider_key)
    if provider is None or problem_with(provider_key, embed_id):
        return ""
    return render_to_string(
        "articles/includes/embed.html",
        {
            "provider": provider,
            "link": provider.link.format(id=embed_id),
            "frame": provider.frame.format(id=embed_id),
            "caption": caption_html,
        },
    )

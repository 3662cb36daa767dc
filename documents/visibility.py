"""Which documents readers may download: what the apps above ``documents`` that show them say.

A document's address, ``/documents/<id>/``, is easy to guess: a budget uploaded for an
article under embargo must not be read before the article is. ``documents`` does not know
articles or pages (see the layers in pyproject.toml), so each app that shows documents
registers, from its ``AppConfig.ready()``, who may release one — « a published article links
to it », « a published page does ». Readers may download a document once any of them releases
it; until then its public address answers 404 to readers (not to staff who may view documents).
With nothing registered, every document is public, like the image library's files.
"""

from collections.abc import Callable

from .models import Document

# document -> True once something readers can see shows it.
Release = Callable[[Document], bool]

_releases: list[Release] = []


def register(release: Release) -> None:
    # Registering again (a second ready()) keeps it once.
    if release not in _releases:
        _releases.append(release)


def unregister(release: Release) -> None:
    if release in _releases:
        _releases.remove(release)


def hidden_from_readers(document: Document) -> bool:
    return bool(_releases) and not any(release(document) for release in _releases)

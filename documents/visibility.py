"""Which documents readers may download: rules that apps above ``documents`` add.

A document's address, ``/documents/<id>/``, is easy to guess: a budget uploaded for an
article under embargo must not be read before the article is. ``documents`` does not know
articles (see the layers in pyproject.toml), so an app that knows registers a rule from its
``AppConfig.ready()`` — say, « hidden while no published article links to it » — and the
public address answers 404 to readers (not to staff who may view documents) while a rule
hides it. With no rule registered, every document is public, like the image library's files.
"""

from collections.abc import Callable

from .models import Document

# document -> True while readers must not download it.
Rule = Callable[[Document], bool]

_rules: list[Rule] = []


def register(rule: Rule) -> None:
    # Registering a rule again (a second ready()) keeps it once.
    if rule not in _rules:
        _rules.append(rule)


def unregister(rule: Rule) -> None:
    if rule in _rules:
        _rules.remove(rule)


def hidden_from_readers(document: Document) -> bool:
    return any(rule(document) for rule in _rules)

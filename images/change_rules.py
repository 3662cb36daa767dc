"""Who may change a library image: rules that apps above ``images`` add.

What readers see of an image depends on the articles that show it, and ``images`` never
imports ``articles`` (see the layers in pyproject.toml). So an app that knows registers a rule
from its ``AppConfig.ready()`` (``articles``: once readers see an image, its alt text, caption
and credit are the editors' to change), and the image admin asks every rule before letting
someone change an image.
"""

from collections.abc import Callable
from typing import Any

from .models import Image

# (user, image) -> True when only an editor may change this image.
Rule = Callable[[Any, Image], bool]

_rules: list[Rule] = []


def register(rule: Rule) -> None:
    # Registering a rule again (a second ready()) keeps it once.
    if rule not in _rules:
        _rules.append(rule)


def reserved_to_editors(user, image: Image) -> bool:
    """Whether some rule keeps this user from changing this image: an editor must do it."""
    return any(rule(user, image) for rule in _rules)

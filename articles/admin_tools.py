"""Links that higher apps add to an article's admin page (« Passer cet article en direct »…).

``articles`` never imports those apps (see the layers in pyproject.toml): each registers a
function from its ``AppConfig.ready()``, called with the request and the article, that returns
a link — ``(label, url)`` — or None when it has nothing to offer this person for this article.
"""

from collections.abc import Callable

Tool = Callable[[object, object], tuple[str, str] | None]

_tools: dict[str, Tool] = {}


def register(name: str, tool: Tool) -> None:
    # By name: registering again (a second ready()) replaces the link rather than showing it twice.
    _tools[name] = tool


def links(request, article) -> list[tuple[str, str]]:
    """The links to show on this article's page, in the order the apps registered them."""
    return [link for tool in _tools.values() if (link := tool(request, article)) is not None]

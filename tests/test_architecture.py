"""The shape of the code: apps depend one way, and nothing hides an import inside a function.

import-linter (run by ``make test``) checks the layers between modules it can see; an import
written inside a function is seen too, but an import moved there to dodge a cycle is a sign
the layers are wrong. Django's plug-in point, ``AppConfig.ready()``, is the one exception.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "common", "pagecache", "images", "documents", "articles", "comments", "search", "pages",
    "live", "alerts", "popularity", "newsletters", "newsroom",
]  # fmt: skip


def project_modules() -> list[Path]:
    return sorted(path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)


def nested_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import of a project module (or a relative one) inside a function."""
    found = []

    def visit(node, function=None, in_app_config=False):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                is_config = any(getattr(base, "id", getattr(base, "attr", "")) == "AppConfig" for base in child.bases)
                visit(child, function, is_config)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name, in_app_config)
            elif isinstance(child, ast.Import | ast.ImportFrom) and function is not None:
                if in_app_config and function == "ready":
                    continue
                names = [child.module or ""] if isinstance(child, ast.ImportFrom) else [a.name for a in child.names]
                relative = isinstance(child, ast.ImportFrom) and child.level > 0
                if relative or any(name.split(".")[0] in APPS for name in names):
                    found.append((child.lineno, "." * getattr(child, "level", 0) + names[0]))
            else:
                visit(child, function, in_app_config)

    visit(ast.parse(source))
    return found


def test_the_checker_finds_an_import_hidden_in_a_function():
    source = """
from django.apps import AppConfig
import articles

def view():
    from comments.models import Comment
    from .models import Article
    import json

class CommentsConfig(AppConfig):
    def ready(self):
        from . import signals
"""
    assert nested_imports(source) == [(6, "comments.models"), (7, ".models")]


@pytest.mark.parametrize("path", project_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_project_import_inside_a_function(path):
    assert nested_imports(path.read_text()) == [], "import at module level, or move the code to the right layer"


# An article's status changes only through its workflow's operations (``Article.publish``,
# ``schedule``, ``unpublish``, ``submit_for_review``, ``send_back``), which check the rule and keep
# the version that emails the people concerned. Other models have a status of their own. Only the
# apps that can reach ``Article`` are read (the layers keep the others from importing it).
STATUS_APPS = ["articles", "comments", "search", "pages", "live", "alerts", "popularity", "wordpress", "newsroom"]
# Every write of a ``status`` attribute there, by (file, function, what is written), and why it may.
STATUS_WRITES_ALLOWED = {
    ("articles/models/articles.py", "_take_step", "self.status"): "the article's operations, all through here",
    ("comments/models.py", "_set_status", "comment.status"): "a comment's status, by Comment.moderate()",
    ("comments/moderation.py", "review", "comment.status"): "a new comment's first status, by the policy",
    # A system write recorded « Importé » (no email): the article as WordPress has it, status
    # included, when the importer creates it or updates one nobody has worked on here since.
    ("wordpress/importer.py", "write_post", "article.status"): "an article mirroring its WordPress post",
    ("wordpress/importer.py", "plan_comments", "row.comment.status"): "an imported comment's status",
    ("wordpress/importer.py", "update_comment", "ours.status"): "an imported comment's status",
    # A page (pages.Page) has no workflow, only draft or published (docs/decisions/static-pages.md).
    ("wordpress/page_import.py", "write_page", "page.status"): "a page mirroring its WordPress page",
    ("wordpress/page_import.py", "withdraw_page", "page.status"): "a page binned in WordPress, back to draft",
}


def status_writes(source: str) -> list[tuple[int, str | None, str]]:
    """(line, function, what) of every write of a ``status`` attribute: ``x.status = …`` (alone, in a
    tuple or augmented), ``setattr(x, "status", …)`` and ``….update(status=…)``."""
    found = []

    def visit(node, function=None):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name)
                continue
            targets = []
            if isinstance(child, ast.Assign):
                targets = child.targets
            elif isinstance(child, ast.AugAssign | ast.AnnAssign):
                targets = [child.target]
            for target in targets:
                for one in target.elts if isinstance(target, ast.Tuple | ast.List) else [target]:
                    if isinstance(one, ast.Attribute) and one.attr == "status":
                        found.append((child.lineno, function, ast.unparse(one)))
            if isinstance(child, ast.Call):
                name = getattr(child.func, "id", getattr(child.func, "attr", ""))
                if name == "setattr" and len(child.args) > 1 and getattr(child.args[1], "value", None) == "status":
                    found.append((child.lineno, function, f"{ast.unparse(child.args[0])}.status"))
                if name == "update" and any(keyword.arg == "status" for keyword in child.keywords):
                    found.append((child.lineno, function, f"{ast.unparse(child.func)}(status=…)"))
            visit(child, function)

    visit(ast.parse(source))
    return found


def project_status_writes() -> dict[tuple[str, str | None, str], list[int]]:
    writes = {}
    for app in STATUS_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = str(path.relative_to(ROOT))
            for line, function, what in status_writes(path.read_text()):
                writes.setdefault((name, function, what), []).append(line)
    return writes


def test_the_checker_finds_a_status_written():
    source = """
def take(article, comments):
    article.status = "published"
    article.status, article.published_at = "draft", None
    setattr(article, "status", "draft")
    comments.filter(pk=1).update(status="approved")
    print(article.status)
"""
    assert status_writes(source) == [
        (3, "take", "article.status"),
        (4, "take", "article.status"),
        (5, "take", "article.status"),
        (6, "take", "comments.filter(pk=1).update(status=…)"),
    ]


def test_only_the_workflow_operations_change_an_article_status():
    writes = project_status_writes()
    unexpected = [
        f"{path}:{','.join(map(str, lines))} in {function or 'the module'}(): {what} = …"
        for (path, function, what), lines in writes.items()
        if (path, function, what) not in STATUS_WRITES_ALLOWED
    ]
    assert not unexpected, (
        "An article's status changes only through its operations in articles/models/articles.py "
        "(article.publish(by=…), schedule, unpublish, submit_for_review, send_back), which check the rule "
        "and keep the version that notifies. Call one of them instead of:\n  "
        + "\n  ".join(unexpected)
        + "\nIf this is another model's own status, add it to STATUS_WRITES_ALLOWED with why."
    )
    stale = sorted(set(STATUS_WRITES_ALLOWED) - set(writes))
    assert not stale, f"STATUS_WRITES_ALLOWED names writes that are gone, remove them: {stale}"

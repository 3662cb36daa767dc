"""The shape of the code: apps depend one way, and nothing hides an import inside a function.

import-linter (run by ``make test``) checks the layers between modules it can see; an import
written inside a function is seen too, but an import moved there to dodge a cycle is a sign
the layers are wrong. Django's plug-in point, ``AppConfig.ready()``, is the one exception.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["common", "pagecache", "images", "articles", "comments", "search", "newsroom"]


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

"""App borders the code keeps: who may import whom, and settings read as declared."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("chats", "questions", "reviews", "templates_lib")
CODE_DIRS = (*APPS, "sellerdesk")


def _python_files(*dirs: str):
    for name in dirs:
        for path in (ROOT / name).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _imported_modules(tree: ast.AST):
    """Every absolute module an import names, nested (function-level) imports included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node, node.module
            for alias in node.names:
                yield node, f"{node.module}.{alias.name}"


@pytest.mark.parametrize("consumer", ["chats", "questions", "reviews"])
def test_templates_lib_never_imports_the_apps_that_use_it(consumer):
    for path in _python_files("templates_lib"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, module in _imported_modules(tree):
            assert module.split(".")[0] != consumer, (
                f"{path.relative_to(ROOT)}:{node.lineno} imports {module}"
            )


def test_no_app_hides_an_import_behind_except_import_error():
    """A missing module is a start-up error, never a silent fallback (management commands
    that explain a missing optional tool excepted)."""
    for path in _python_files(*CODE_DIRS):
        if "management" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Try):
                for handler in node.handlers:
                    names = {
                        getattr(t, "id", "")
                        for t in (
                            handler.type.elts
                            if isinstance(handler.type, ast.Tuple)
                            else [handler.type]
                        )
                        if t is not None
                    }
                    imports = [n for n in node.body if isinstance(n, ast.Import | ast.ImportFrom)]
                    assert not ({"ImportError", "ModuleNotFoundError"} & names and imports), (
                        f"{path.relative_to(ROOT)}:{node.lineno} guards an import"
                    )


def test_reviews_reads_templates_through_templates_lib_selectors():
    for path in _python_files("reviews"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "objects"
                and isinstance(node.value, ast.Name)
                and node.value.id in ("ReplyTemplate", "TemplateUse", "CustomVariable")
            ):
                raise AssertionError(
                    f"{path.relative_to(ROOT)}:{node.lineno} queries {node.value.id}; "
                    "use templates_lib.selectors"
                )


def test_settings_are_declared_and_read_directly():
    """``getattr(settings, "X", default)`` hides a setting nobody declared: declare it in
    settings/base.py and read ``settings.X``."""
    from django.conf import settings

    for path in _python_files(*CODE_DIRS):
        if "settings" in path.relative_to(ROOT).parts[:2]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr")
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id == "settings"
            ):
                raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno} reads settings so")
    for name in (
        "FIELD_ENCRYPTION_KEY",
        "WB_HTTP_TIMEOUT",
        "WB_RATE_LIMIT_REDIS_URL",
        "QUESTIONS_DEMO_TRICKLE_SECONDS",
    ):
        assert hasattr(settings, name), name

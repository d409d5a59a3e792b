"""The engine is pure domain code: it must import nothing from the web layer."""

import ast
from pathlib import Path

import matchmaker.engine

ENGINE = Path(matchmaker.engine.__file__).parent
FORBIDDEN = ("flask", "flask_", "sqlalchemy", "werkzeug", "jinja2", "wtforms")


def imported_modules(path: Path):
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package path
                package = path.relative_to(ENGINE.parent.parent).parent.parts
                base = ".".join(package[: len(package) - node.level + 1])
                yield f"{base}.{node.module}" if node.module else base
            else:
                yield node.module


def test_engine_imports_nothing_from_the_web_layer():
    files = sorted(ENGINE.rglob("*.py"))
    assert files
    for path in files:
        for module in imported_modules(path):
            top = module.split(".")[0]
            assert not top.startswith(FORBIDDEN), f"{path.name} imports {module}"
            if top == "matchmaker":
                assert module.startswith("matchmaker.engine"), f"{path.name} imports {module}"

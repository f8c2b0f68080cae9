"""The domain is plain rules over plain data: it never imports Flask or the database
(docs/architecture.md, Layers)."""
import ast
from pathlib import Path

import pytest

import app.domain

DOMAIN = Path(app.domain.__file__).parent
FORBIDDEN = {"flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug", "wtforms", "flask_wtf"}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
            if node.module.split(".")[:2] != ["app", "domain"] and node.module.startswith("app"):
                names.add(node.module)
    return names


@pytest.mark.parametrize("module", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_domain_modules_import_neither_flask_nor_the_database(module):
    imported = imported_packages(module)
    assert imported & FORBIDDEN == set()
    assert {name for name in imported if name.startswith("app.")} == set(), \
        "the domain imports only from app.domain"

"""The services' domain packages import only the packages their opening docstring allows.

Each package of `app/services/` says in its `__init__` docstring what it owns and, on a line
`May import: ...`, which other packages its modules may import. This test reads those lines
and every module's imports (at any depth, including imports inside functions)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import app.services

SERVICES = Path(app.services.__file__).parent
PACKAGES = sorted(p.name for p in SERVICES.iterdir() if (p / "__init__.py").exists())


def _allowed(package: str) -> set[str]:
    docstring = ast.get_docstring(ast.parse((SERVICES / package / "__init__.py").read_text()))
    assert docstring, f"app/services/{package}/__init__.py says nothing of what it owns"
    match = re.search(r"^May import: (.*)$", docstring, re.MULTILINE)
    assert match, f"app/services/{package} does not say which packages it may import"
    line = match[1].strip().rstrip(".")
    return set() if line.startswith("nothing") else {n.strip() for n in line.split(",")}


def _imported_packages(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["app", "services"] and len(parts) > 2:
                found.add(parts[2])
    return found


def test_every_module_lives_in_a_domain_package():
    loose = sorted(p.name for p in SERVICES.glob("*.py") if p.name != "__init__.py")
    assert loose == [], "modules outside a domain package: " + ", ".join(loose)


def test_each_package_imports_only_what_its_docstring_allows():
    wrong = []
    for package in PACKAGES:
        allowed = _allowed(package) | {package}
        for module in sorted((SERVICES / package).glob("*.py")):
            for used in sorted(_imported_packages(module.read_text()) - allowed):
                wrong.append(f"{package}/{module.name} imports {used}")
    assert wrong == []


def test_the_allowed_imports_form_layers_without_cycles():
    allowed = {package: _allowed(package) for package in PACKAGES}
    assert all(set(uses) <= set(PACKAGES) for uses in allowed.values()), allowed
    done: set[str] = set()
    while len(done) < len(allowed):
        ready = {p for p, uses in allowed.items() if p not in done and uses <= done}
        assert ready, f"the allowed imports of {sorted(set(allowed) - done)} form a cycle"
        done |= ready


def test_the_check_sees_a_forbidden_import():
    source = "def f():\n    from app.services.credit import consents\n"
    assert _imported_packages(source) == {"credit"}
    assert "credit" not in _allowed("ledger")

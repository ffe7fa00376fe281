"""The package's layering: the generic engine never imports a paper, and no paper imports another."""

import ast
from pathlib import Path

import netspectra

PACKAGE = Path(netspectra.__file__).parent
PAPERS = ("rr", "sb", "fp", "ff")


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the netspectra modules a file imports (relative imports resolved)."""
    package = ".".join(("netspectra", *path.relative_to(PACKAGE).parent.parts))
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    return {n for n in names if n.startswith("netspectra")}


def test_the_engine_never_imports_a_paper():
    engine = [p for p in PACKAGE.rglob("*.py") if "papers" not in p.relative_to(PACKAGE).parts]
    assert len(engine) > 10
    for path in engine:
        bad = {m for m in imported_modules(path) if m.startswith("netspectra.papers")}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


def test_no_paper_imports_another():
    for paper in PAPERS:
        for path in (PACKAGE / "papers" / paper).rglob("*.py"):
            others = {m for m in imported_modules(path) for o in PAPERS if o != paper
                      and m.startswith(f"netspectra.papers.{o}")}
            assert not others, f"papers/{paper}/{path.name} imports {others}"


def test_every_paper_package_has_the_same_shape():
    for paper in PAPERS:
        folder = PACKAGE / "papers" / paper
        for part in ("catalogue", "experiments", "figures", "claims"):
            assert (folder / f"{part}.py").exists() or (folder / part / "__init__.py").exists(), (paper, part)

"""The floors of docs/architecture.md, checked on the source: who may import whom, no
import circles, modules and entry-point functions of a readable size."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("graph", "ingest", "service", "viz")
#: package → packages it must never import
FORBIDDEN = {"graph": {"ingest", "service", "viz"}, "ingest": {"service", "viz"},
             "viz": {"service", "ingest"}}
MAX_MODULE_LINES = 400
MAX_ENTRY_FUNCTION_LINES = 60


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{alias.name}" for alias in node.names}
    return out


def import_graph() -> nx.DiGraph:
    known = modules()
    graph = nx.DiGraph()
    for name, path in known.items():
        graph.add_node(name)
        for target in imports(path):
            if target in known and target != name:
                graph.add_edge(name, target)
    return graph


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_floors(package: str) -> None:
    wrong = sorted((u, v) for u, v in import_graph().edges()
                   if u.split(".")[0] == package and v.split(".")[0] in FORBIDDEN[package])
    assert wrong == []


def test_no_import_circles() -> None:
    graph = import_graph()
    # a package's __init__ importing its own modules is how a registry is built, not a circle
    graph.remove_edges_from([(u, v) for u, v in list(graph.edges()) if v.startswith(u + ".")])
    assert sorted(sorted(c) for c in nx.simple_cycles(graph)) == []


def test_module_size() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines())
             for name, path in modules().items()}
    assert {n: s for n, s in sizes.items() if s > MAX_MODULE_LINES} == {}


def test_entry_points_stay_thin() -> None:
    long = {}
    for name, path in modules().items():
        if not name.startswith(("service.api", "service.cli")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_ENTRY_FUNCTION_LINES:
                    long[f"{name}.{node.name}"] = length
    assert long == {}


def test_the_checks_see_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from service.context import Context\nimport viz.report\n")
    assert {"service.context", "viz.report"} <= imports(bad)

"""The house rules, checked on the source: data flows one way and no module imports in a cycle.

Every import counts, also those inside functions: a lazy import from a higher stage is still a
dependency on it. A registry entry written as a "module:attribute" string is not an import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "aligner"

# Stages from the bottom up: a module may import its own stage and the ones below it.
STAGES = [
    {"aligner", "aligner.errors", "aligner.paths", "aligner.registry", "aligner.signature", "aligner.logistic",
     "aligner.progress",
     "aligner.document",
     "aligner.bitext", "aligner.cache"},
    {"aligner.text"},
    {"aligner.segment"},
    {"aligner.translate"},
    {"aligner.embed"},
    {"aligner.align"},
    {"aligner.score"},
    {"aligner.pairing"},
    {"aligner.formats"},
    {"aligner.review"},
    {"aligner.bench"},
    {"aligner.pipeline"},
    {"aligner.cli"},
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> int:
    for rank, members in enumerate(STAGES):
        if any(module == m or (m != "aligner" and module.startswith(m + ".")) for m in members):
            return rank
    raise AssertionError(f"{module} belongs to no stage: add it to STAGES")


def imports_of(path: Path):
    """(line, imported module) for every aligner import in the file, wherever it stands."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [target] if node.module else [f"{target}.{alias.name}" for alias in node.names]
            # `from . import x` imports the submodule x when it is one.
            for name in names:
                if name.startswith("aligner"):
                    yield node.lineno, _existing_module(name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("aligner"):
                    yield node.lineno, alias.name


def _existing_module(name: str) -> str:
    while name and not ((PACKAGE.parent / name.replace(".", "/")).with_suffix(".py").is_file()
                        or (PACKAGE.parent / name.replace(".", "/") / "__init__.py").is_file()):
        name = name.rpartition(".")[0]
    return name


SOURCES = sorted(PACKAGE.rglob("*.py"))
GRAPH = {module_name(path): {target for _, target in imports_of(path)} - {module_name(path)} for path in SOURCES}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_no_module_imports_a_later_stage(path):
    here = module_name(path)
    wrong = [f"line {line}: {target}" for line, target in imports_of(path) if stage_of(target) > stage_of(here)]
    assert not wrong, f"{here} (stage {stage_of(here)}) imports a later stage: {wrong}"


def test_no_import_cycles():
    # Package __init__ modules re-export their own submodules; an edge from a submodule to its
    # own package's __init__ is the same module family, not a cycle worth reporting.
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for target in sorted(GRAPH.get(node, ())):
            if target == node.rpartition(".")[0] or node == target.rpartition(".")[0]:
                continue
            if state.get(target) == "open":
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, stack)
        stack.pop()
        state[node] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(cycle) for cycle in cycles)


def test_stage_table_covers_every_subpackage():
    for path in SOURCES:
        stage_of(module_name(path))


def test_the_check_sees_a_later_import():
    """The walker finds imports inside functions too (so the stage test can fail)."""
    pipeline = PACKAGE / "cli" / "run.py"
    assert any(target.startswith("aligner.pipeline") for _, target in imports_of(pipeline))


MAX_FUNCTION_LINES = 80


def function_lengths(source: str):
    """(qualified name, first line, lines) of every function and method in ``source``, from its
    ``def`` line to its last line (decorators not counted; a nested function counts in its own
    right and inside the function that holds it)."""
    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield f"{prefix}{child.name}", child.lineno, child.end_lineno - child.lineno + 1
                yield from visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                yield from visit(child, f"{prefix}{child.name}.")
            else:
                yield from visit(child, prefix)

    yield from visit(ast.parse(source), "")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_functions_are_at_most_80_lines(path):
    long = [f"{name} (line {line}): {lines} lines" for name, line, lines in function_lengths(path.read_text(encoding="utf-8"))
            if lines > MAX_FUNCTION_LINES]
    assert not long, f"{module_name(path)}: functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_the_length_check_counts_from_def_to_the_last_line_without_decorators():
    source = "@decorator\n@another\ndef f():\n    x = 1\n\n    return x\n\n\nclass C:\n    def m(self):\n        pass\n"
    assert list(function_lengths(source)) == [("f", 3, 4), ("C.m", 10, 2)]

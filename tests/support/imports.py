"""What a module of ours can import, read from the source (every `import` statement, those inside functions too),
for the checks of what each Lambda zip must carry (tests/deploy/test_packages.py).

Importing a handler finds what it imports at once; a lazy import inside a function runs only on the request that
needs it, so a zip checked against imports alone could miss it. The source says both. `if TYPE_CHECKING:` blocks
are left out: they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

OURS = ("bot", "intents")


def source_of(root: Path, module: str) -> Path | None:
    """The file of one of our modules under root (a package's __init__.py), or None when it is not ours."""
    if module.split(".")[0] not in OURS:
        return None
    base = root.joinpath(*module.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.exists():
            return candidate
    return None


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imported_names(module: str, source: Path) -> set[str]:
    """Every name one module's `import` statements can import: `from a import b` is `a`, and `a.b` if a submodule."""
    package = module if source.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source.read_text(), str(source)))
    return found


def reachable(root: Path, start: str, *, stop: tuple[str, ...] = ()) -> dict[str, Path]:
    """Our modules `start` can import, directly or not, each with its file; their parent packages too. `stop`:
    modules (and their submodules) not followed, as those a zip leaves out on purpose."""
    seen: dict[str, Path] = {}
    todo = [start]
    while todo:
        module = todo.pop()
        if module in seen or any(module == each or module.startswith(f"{each}.") for each in stop):
            continue
        source = source_of(root, module)
        if source is None:
            continue
        seen[module] = source
        parts = module.split(".")
        todo += [".".join(parts[:end]) for end in range(1, len(parts))]
        todo += imported_names(module, source)
    return seen


def third_party(root: Path, modules: dict[str, Path], standard: frozenset[str]) -> dict[str, set[str]]:
    """Of these modules' import statements, the top-level names that are neither ours nor the standard library's,
    by module."""
    found = {}
    for module, source in modules.items():
        names = {name.split(".")[0] for name in imported_names(module, source)} - set(OURS) - standard
        if names - {""}:
            found[module] = names - {""}
    return found

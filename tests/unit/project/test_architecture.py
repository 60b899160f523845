"""The file list is the architecture: each stage imports only the stages before it, no import
cycle exists (not even under TYPE_CHECKING), and the public API and old import paths hold.

docs/architecture.md draws the same map; this test is what keeps the two true.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import langchain_cometapi

PACKAGE = Path(langchain_cometapi.__file__).parent
ROOT = "langchain_cometapi"

# stage -> the package modules it may import (prefixes; a stage may always import itself)
ALLOWED: dict[str, tuple[str, ...]] = {
    "errors": (),
    "_version": (),
    "_models": (),
    "tokens": ("_models",),
    "_wire": ("errors", "_models"),
    "_http": ("errors", "_version", "_wire.usage"),
    "cache": ("errors", "_models", "tokens", "_wire.usage", "_wire.validate"),
    "_copying": ("_wire",),
    "_batching": ("_wire", "cache"),
    "chat_models": (
        "errors",
        "_version",
        "_models",
        "tokens",
        "_wire",
        "_http",
        "cache",
        "_copying",
        "_batching",
    ),
    "cache_report": ("cache",),
    # The emulator is an independent oracle: it reuses no pipeline stage (image headers aside),
    # and its chat-model factory is the one place it touches the model.
    "testing": ("errors", "tokens._media", "chat_models"),
    "demo": ("errors", "chat_models", "cache", "testing"),
    "__init__": ("_version", "chat_models", "cache"),
}


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        yield ".".join([ROOT, *parts]), path


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").exists() or (PACKAGE / relative).is_dir()


def _imports(module: str, path: Path) -> set[str]:
    """Package modules ``module`` imports anywhere (function bodies and TYPE_CHECKING too)."""
    is_package = path.name == "__init__.py"
    base = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith(ROOT))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - node.level + 1]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith(ROOT):
                continue
            for alias in node.names:  # ``from . import x`` may name a submodule
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _is_module(candidate) else target)
    found.discard(module)
    return found


def _stage(module: str) -> str:
    rest = module[len(ROOT) + 1 :] if module != ROOT else "__init__"
    return rest.split(".")[0]


GRAPH = {module: _imports(module, path) for module, path in _modules()}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_each_module_imports_only_earlier_stages(module: str) -> None:
    stage = _stage(module)
    assert stage in ALLOWED, f"{module}: stage {stage!r} is not on the map (docs/architecture.md)"
    for target in GRAPH[module]:
        target_stage = _stage(target)
        if target_stage == stage or target == ROOT:
            continue
        relative = target[len(ROOT) + 1 :]
        assert any(relative == a or relative.startswith(a + ".") for a in ALLOWED[stage]), (
            f"{module} imports {target}, which stage {stage!r} may not use"
        )


def test_no_import_cycle() -> None:
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(GRAPH.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])


PUBLIC = [
    "Breakpoint",
    "CachePlan",
    "CachePlanner",
    "CachePolicy",
    "CacheReport",
    "CacheReportCallback",
    "ChatCometAPI",
    "__version__",
]


def test_public_api_is_pinned() -> None:
    assert sorted(langchain_cometapi.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(langchain_cometapi, name) is not None


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("langchain_cometapi.cache_report", ["CacheReport", "CacheReportCallback", "CacheTurn"]),
        ("langchain_cometapi.cache", ["CachePlan", "CachePlanner", "CachePolicy", "CacheReport"]),
        ("langchain_cometapi.tokens", ["estimate_request_tokens", "estimate_text_tokens"]),
        ("langchain_cometapi.testing", ["MessagesEmulator", "Reply", "emulated_chat_model"]),
        ("langchain_cometapi.errors", ["CometAPIError", "APIStatusError", "StreamError"]),
        ("langchain_cometapi.chat_models", ["ChatCometAPI"]),
    ],
)
def test_public_import_paths_keep_working(path: str, names: list[str]) -> None:
    module = importlib.import_module(path)
    for name in names:
        assert hasattr(module, name), f"{path}.{name}"


MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_modules_and_functions_stay_small(module: str) -> None:
    """Small private modules and short functions (the house style): a module over 400 lines or
    a function over 60 is a sign that a concept wants its own module."""
    path = dict(_modules())[module]
    source = path.read_text()
    assert source.count("\n") <= MAX_MODULE_LINES, f"{module}: over {MAX_MODULE_LINES} lines"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{module}.{node.name}: {length} lines"

"""The README and the guides say what the code does: their Python blocks run, offline.

Every ```python block of the README and of the pages below runs in order, one namespace per
page, against an EmulatorServer on loopback (COMETAPI_KEY / COMETAPI_BASE_URL point at it, as
they would point at CometAPI). Blocks fenced as ```py are illustrations and are not run.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from langchain_cometapi.testing import EmulatorServer, MessagesEmulator

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs"
PAGES = [
    ROOT / "README.md",
    DOCS / "index.md",
    DOCS / "quickstart.md",
    DOCS / "migrating.md",
    *sorted((DOCS / "guides").glob("*.md")),
]
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)


def python_blocks(page: Path) -> list[str]:
    return [code for lang, code in FENCE.findall(page.read_text("utf-8")) if lang == "python"]


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[MessagesEmulator]:
    emulator = MessagesEmulator()
    with EmulatorServer(emulator) as server:
        monkeypatch.setenv("COMETAPI_KEY", "docs-test-key")
        monkeypatch.setenv("COMETAPI_BASE_URL", server.base_url)
        yield emulator


def test_pages_exist_and_have_runnable_blocks() -> None:
    for page in PAGES:
        assert page.exists(), page
    assert sum(len(python_blocks(p)) for p in PAGES) >= 20


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_blocks_run(page: Path, endpoint: MessagesEmulator) -> None:
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for number, code in enumerate(python_blocks(page), 1):
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"{page.name}#block{number}", "exec"), namespace)
        except Exception as exc:
            pytest.fail(f"{page.name} block {number} raised {exc!r}\n---\n{code}")
    code = "".join(python_blocks(page))
    if code and "MessagesEmulator(" not in code:  # pages that bring no emulator of their own
        assert endpoint.requests, f"{page.name}: no block reached the endpoint"


def test_readme_has_exactly_two_setup_commands() -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("## Try it: two commands", 1)[1].split("\n## ", 1)[0]
    block = FENCE.search(section)
    assert block is not None and block.group(1) == "bash"
    commands = [line.split("#")[0].strip() for line in block.group(2).splitlines()]
    assert [c for c in commands if c] == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert "\ndemo:" in makefile and "\ntest:" in makefile
    assert "-m langchain_cometapi.demo" in makefile


def test_readme_explains_every_runtime_dependency() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme.split("## Why each dependency is there", 1)[1].split("\n## ", 1)[0]
    for requirement in project["dependencies"]:
        name = re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0]
        assert f"| `{name}` |" in table, f"README does not say why {name} is a dependency"


def test_changelog_has_the_package_version() -> None:
    from langchain_cometapi import __version__

    changelog = (ROOT / "CHANGELOG.md").read_text("utf-8")
    assert f"## [{__version__}]" in changelog

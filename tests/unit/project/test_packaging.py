"""The distribution works outside this checkout: build the sdist and wheel, install, import, run.

Slow (a fresh virtualenv and the runtime dependencies from the package index) and the only
unit test that needs the index, so it is marked ``packaging``: ``-m "not packaging"`` skips it.
All network use is in pip subprocesses; this process opens no socket.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[3]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
DIST_NAME = PROJECT["name"].replace("-", "_")

pytestmark = pytest.mark.packaging


def _env() -> dict[str, str]:
    """No PYTHONPATH or key leaking in: the fresh venv must stand on its own."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "COMETAPI_KEY", "COMETAPI_API_KEY")
    return {k: v for k, v in os.environ.items() if k not in drop}


def _run(*cmd: str | Path, cwd: Path, timeout: float = 300) -> str:
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=_env(), capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def _source_copy(dest: Path) -> Path:
    """Only what git would ship: no build/, egg-info or caches from this checkout."""
    src = dest / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(ROOT / "langchain_cometapi", src / "langchain_cometapi", ignore=ignore)
    return src


def test_sdist_and_wheel_build_install_and_run(tmp_path: Path) -> None:
    src = _source_copy(tmp_path)
    dist = tmp_path / "dist"
    # python -m build: the sdist first, then the wheel built *from the sdist*, so a file
    # missing from the sdist breaks the wheel too.
    _run(sys.executable, "-m", "build", "--outdir", dist, src, cwd=tmp_path)
    version = PROJECT["version"]
    sdist = dist / f"{DIST_NAME}-{version}.tar.gz"
    wheel = dist / f"{DIST_NAME}-{version}-py3-none-any.whl"
    assert sdist.exists() and wheel.exists(), sorted(p.name for p in dist.iterdir())

    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        metadata = zf.read(f"{DIST_NAME}-{version}.dist-info/METADATA").decode()
    assert "langchain_cometapi/py.typed" in names
    assert "langchain_cometapi/testing/__init__.py" in names
    assert not any(n.startswith(("tests/", "examples/", "benchmarks/")) for n in names)
    assert f"{DIST_NAME}-{version}.dist-info/licenses/LICENSE" in names
    assert "License-Expression: MIT" in metadata
    assert "Project-URL: Documentation" in metadata
    assert "# langchain-cometapi" in metadata  # the README is the long description
    with tarfile.open(sdist) as tf:
        assert f"{DIST_NAME}-{version}/LICENSE" in tf.getnames()

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    probe = (
        "import langchain_cometapi as m; "
        "from langchain_cometapi.testing import MessagesEmulator; "
        "print(m.__version__); print(m.__file__)"
    )
    version_out, location = _run(python, "-c", probe, cwd=tmp_path).splitlines()
    assert version_out == version
    assert Path(location).is_relative_to(venv)  # the installed copy, not this checkout

    # the installed package works end to end: the demo's conversation, offline
    out = _run(python, "-m", "langchain_cometapi.demo", "--only-rag", cwd=tmp_path)
    assert "OFFLINE DEMO" in out and "Cache report" in out

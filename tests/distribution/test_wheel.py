"""The wheel carries the bundled resources, and an installed copy outside the repository finds them.

The wheel is built here with ``pip wheel --no-build-isolation`` (hatchling is a dev dependency, so no
network is needed), installed with ``--target`` into a temporary folder, and run from a folder outside the
repository with that folder first on ``PYTHONPATH``, so the checkout cannot be what it finds.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RESOURCES = sorted(p for p in (REPO / "resources").rglob("*") if p.is_file())


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        str(REPO),
        "-w",
        str(out),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (path,) = out.glob("lmstudio_workbench-*.whl")
    return path


def test_wheel_holds_every_bundled_resource_byte_for_byte(wheel):
    assert RESOURCES, "resources/ is empty"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for path in RESOURCES:
            inside = "lmstudio/resources/" + path.relative_to(REPO / "resources").as_posix()
            assert inside in names, f"{inside} missing from {wheel.name}"
            assert _digest(zf.read(inside)) == _digest(path.read_bytes()), inside
        assert not any(n.startswith("share/") for n in names), "resources must be package data, not data-files"
        assert "lmstudio/__init__.py" in names and not any(n.startswith("tests/") for n in names)


def test_installed_wheel_outside_the_repository_prepares_the_bundled_corpus(wheel, tmp_path):
    site = tmp_path / "site"
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        "--target",
        str(site),
        str(wheel),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "LMSTUDIO_CACHE": str(tmp_path / "cache")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=work, env=env, capture_output=True, text=True, timeout=300)

    probe = run(
        "-c",
        "import json, lmstudio; from lmstudio.core.paths import resources_dir; "
        "from lmstudio.core.data.corpus import bundled_corpora; "
        "corpora = {k: str(v) for k, v in bundled_corpora().items()}; "
        "print(json.dumps([lmstudio.__file__, str(resources_dir()), corpora]))",
    )
    assert probe.returncode == 0, probe.stderr
    package, resources, corpora = json.loads(probe.stdout)
    assert Path(package).is_relative_to(site), f"imported {package}, not the installed wheel"
    assert Path(resources) == site / "lmstudio" / "resources"
    assert corpora and all(Path(p).is_relative_to(site) and Path(p).is_file() for p in corpora.values())
    # the window's Chinese catalog and the Chinese stop words travel in the wheel too
    assert (Path(resources) / "i18n" / "lmstudio_zh_CN.qm").is_file()
    assert (Path(resources) / "stopwords" / "zh.txt").is_file()

    shakespeare = next(p for p in corpora.values() if p.endswith("tinyshakespeare.txt"))
    out = work / "prepared"
    done = run("-m", "lmstudio", "prepare", "--corpus", shakespeare, "--stopwords", "en", "--out", str(out))
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["splits"]["train"]["tokens"] > 100_000
    default = run("-m", "lmstudio", "prepare", "--out", str(work / "default"))  # no --corpus: the bundled default
    assert default.returncode == 0, default.stderr

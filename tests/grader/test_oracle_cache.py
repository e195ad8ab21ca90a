"""oracle 磁盘缓存 / The on-disk cache of compiled sympy oracles: hits, keys, trust, same values."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from grader.oracles import diskcache

ROOT = Path(__file__).resolve().parents[2]


def _build(calls: list[int]):  # type: ignore[no-untyped-def]
    """x ↦ (x² + 1, 2x) 的构造器 / A builder that counts its calls."""

    def build():  # type: ignore[no-untyped-def]
        calls.append(1)
        x = sp.Symbol("x", real=True)
        return [x], [x**2 + sp.Rational(1, 3), sp.diff(x**2, x)], True

    return build


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """空缓存目录与空内存缓存 / An empty cache folder and an empty in-memory cache."""
    folder = tmp_path / "oc"
    monkeypatch.setenv("NNKIT_ORACLE_CACHE", str(folder))
    monkeypatch.setattr(diskcache, "_sources", {})
    return folder


def test_second_process_loads_instead_of_deriving(cache: Path, monkeypatch) -> None:
    calls: list[int] = []
    f = diskcache.compiled("test", ("square", 1), _build(calls))
    assert calls == [1]
    files = list(cache.glob("*.py"))
    assert len(files) == 1 and (files[0].stat().st_mode & 0o777) == 0o600
    assert (cache.stat().st_mode & 0o777) == 0o700
    monkeypatch.setattr(diskcache, "_sources", {})  # as in a new process
    before = diskcache.stats["disk"]
    g = diskcache.compiled("test", ("square", 1), _build(calls))
    assert calls == [1] and diskcache.stats["disk"] == before + 1
    assert f(3.0) == g(3.0) and str(g(3.0)[0]).startswith("9.333")
    # other parameters → another key → derived
    diskcache.compiled("test", ("square", 2), _build(calls))
    assert calls == [1, 1] and len(list(cache.glob("*.py"))) == 2


def test_untrusted_cache_is_ignored(cache: Path, monkeypatch) -> None:
    calls: list[int] = []
    diskcache.compiled("test", ("trust",), _build(calls))
    (path,) = cache.glob("*.py")
    path.write_text("raise SystemExit('poisoned')\n")
    path.chmod(0o666)  # writable by others: never executed
    monkeypatch.setattr(diskcache, "_sources", {})
    rejected = diskcache.stats["rejected"]
    f = diskcache.compiled("test", ("trust",), _build(calls))
    assert calls == [1, 1] and diskcache.stats["rejected"] == rejected + 1
    assert float(f(0.0)[1]) == 0.0
    cache.chmod(0o777)  # a world-writable folder is not trusted either
    path.chmod(0o600)
    monkeypatch.setattr(diskcache, "_sources", {})
    diskcache.compiled("test", ("trust",), _build(calls))
    assert len(calls) == 3


def test_disabled_cache_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NNKIT_ORACLE_CACHE", "off")
    monkeypatch.setattr(diskcache, "_sources", {})
    assert diskcache.cache_dir() is None
    calls: list[int] = []
    diskcache.compiled("test", ("off",), _build(calls))
    assert calls == [1]


_PROBE = """
import json
from grader.oracles import diskcache, symbolic as S
arch = S.Arch((2, 3, 1), ("tanh", "sigmoid"), "bce")
J, g = S.gradient(arch, [0.1 * k - 0.5 for k in range(arch.n_params)], [[0.3, -0.2]], [1.0])
print(json.dumps({"J": J.hex(), "g": [v.hex() for v in g.tolist()], "stats": diskcache.stats}))
"""


def test_cached_oracle_gives_bitwise_identical_values(tmp_path: Path) -> None:
    env = {**os.environ, "NNKIT_ORACLE_CACHE": str(tmp_path / "oc")}
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", _PROBE], env=env, cwd=ROOT, capture_output=True, check=True
            ).stdout
        )
        for _ in range(2)
    ]
    assert runs[0]["stats"]["derived"] > 0 and runs[0]["stats"]["disk"] == 0
    assert runs[1]["stats"]["derived"] == 0 and runs[1]["stats"]["disk"] > 0
    assert runs[0]["J"] == runs[1]["J"] and runs[0]["g"] == runs[1]["g"]


def test_arrays_cache_round_trip_and_trust(cache: Path) -> None:
    import numpy as np

    calls: list[int] = []

    def load() -> dict[str, np.ndarray]:
        calls.append(1)
        return {"X": np.arange(6.0).reshape(2, 3), "y": np.array([1, 2])}

    first = diskcache.arrays("test", ("v", 1), load)
    again = diskcache.arrays("test", ("v", 1), load)
    assert calls == [1]
    for k in ("X", "y"):
        assert first[k].dtype == again[k].dtype and np.array_equal(first[k], again[k])
    diskcache.arrays("test", ("v", 2), load)  # another version: loaded afresh
    assert calls == [1, 1]
    for path in cache.glob("*.npz"):
        path.chmod(0o666)  # writable by others: ignored
    diskcache.arrays("test", ("v", 1), load)
    assert calls == [1, 1, 1]


def test_heldout_digits_come_from_the_cache_without_scikit_learn(tmp_path: Path) -> None:
    probe = (
        "import sys; from grader.suites import heldout; X, y = heldout.digits(); "
        "print(X.shape, int(y.sum()), float(X.sum()), 'sklearn' in sys.modules)"
    )
    env = {**os.environ, "NNKIT_ORACLE_CACHE": str(tmp_path / "oc")}
    outs = [
        subprocess.run(
            [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert outs[0][:-1] == outs[1][:-1] and outs[0][0] == b"(1797,"
    assert outs[0][-1] == b"True" and outs[1][-1] == b"False"  # 2nd run: no scikit-learn import

"""构建失败即停、--check 检测漂移 / The build is fail-closed and --check detects drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.manifest import A1
from grader.release import build as build_mod
from grader.release.build import BuildError, build, secret_and_public_lines, verify_release


def test_clean_copy_has_no_drift(course_copy: Path) -> None:
    report = build(course_copy, check=True)
    assert report.drift == []
    assert report.assignments


def test_leftover_marker_fails(course_copy: Path) -> None:
    test_file = course_copy / "solutions/a1/tests/test_a1_neurons.py"
    test_file.write_text(test_file.read_text() + "\n# ### BEGIN SOLUTION leftover\n")
    with pytest.raises(BuildError, match="leftover marker 'BEGIN SOLUTION'"):
        build(course_copy, check=True)


def test_solution_line_in_release_fails(course_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """剥离漏掉一行解答 → 构建失败 / A stripper that lets one solution line through fails."""
    real = build_mod.strip_module

    def leaky(a, module, text):
        out = real(a, module, text)
        return (
            out + "\n    return np.where(z >= 0, 1.0, -1.0).astype(z.dtype)\n"
            if module == "activations" and a.id == "a1"
            else out
        )

    monkeypatch.setattr(build_mod, "strip_module", leaky)
    with pytest.raises(BuildError, match=r"activations.py:\d+: .*leaked solution line"):
        build(course_copy, check=True)


def test_hidden_test_fails(course_copy: Path) -> None:
    test_file = course_copy / "solutions/a2/tests/test_a2_network.py"
    hidden = (
        "\n### BEGIN HIDDEN TESTS\nassert one_update is not None  # hidden\n### END HIDDEN TESTS\n"
    )
    test_file.write_text(test_file.read_text() + hidden)
    with pytest.raises(BuildError, match="BEGIN HIDDEN TESTS"):
        build(course_copy, check=True)


def test_stripper_bug_is_caught(course_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """若 .py 没被剥离（如 nbgrader 原样复制），验证步骤必须拦下 / If stripping fails."""
    monkeypatch.setattr(build_mod, "strip_module", lambda a, module, text: text)
    with pytest.raises(BuildError) as info:
        build(course_copy, check=True)
    msg = str(info.value)
    assert "leaked solution line" in msg and "NotImplementedError" in msg


def test_planted_line_in_release_is_caught(tmp_path: Path) -> None:
    """直接检查验证函数 / verify_release on a release with one planted solution line."""
    root = Path(build_mod.ROOT)
    src = {
        str(p.relative_to(root / "solutions/a1")): p.read_text()
        for p in (root / "solutions/a1").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and ".pytest_cache" not in p.parts
    }
    secret, public = secret_and_public_lines(src)
    release = tmp_path / "a1"
    for rel in src:
        (release / rel).parent.mkdir(parents=True, exist_ok=True)
        (release / rel).write_bytes((root / "assignments/a1" / rel).read_bytes())
    verify_release(A1, release, src, secret - public)  # the committed release is clean
    target = release / "neurons.py"
    target.write_text(target.read_text() + "\n\nz = X @ w + b\n")
    with pytest.raises(BuildError, match=r"neurons.py:\d+: .*leaked solution line"):
        verify_release(A1, release, src, secret - public)
    target.write_text(target.read_text() + "\nfrom nncore.activations import sigmoid\n")
    with pytest.raises(BuildError, match="imports the reference"):
        verify_release(A1, release, src, secret - public)


def test_check_detects_release_drift(course_copy: Path) -> None:
    path = course_copy / "assignments/a1/neurons.py"
    path.write_text(path.read_text().replace("about 1 lines", "about 9 lines"))
    (course_copy / "assignments/a1/stray.txt").write_text("x")
    report = build(course_copy, check=True)
    assert "assignments/a1/neurons.py: 与新构建不同 / differs vs a fresh build" in report.drift
    assert any("stray.txt" in d and "extra" in d for d in report.drift)


def test_check_detects_solution_drift_from_nncore(course_copy: Path) -> None:
    path = course_copy / "solutions/a1/activations.py"
    path.write_text(path.read_text().replace("return 1 - t * t", "return 1 - t**2"))
    report = build(course_copy, check=True)
    assert any(d.startswith("solutions/a1/activations.py") for d in report.drift)


def test_signature_mismatch_fails(course_copy: Path) -> None:
    path = course_copy / "solutions/a1/activations.py"
    text = path.read_text().replace(
        "def leaky_relu(z: np.ndarray, slope: float = 0.01)",
        "def leaky_relu(z: np.ndarray, slope: float = 0.02)",
    )
    path.write_text(text)
    with pytest.raises(BuildError, match="signature differs from nncore"):
        build(course_copy, check=True)

"""`python -m nncore example 1|exercise` 的输出 / The example commands' output."""

import json
import subprocess
import sys

import pytest


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nncore", *args], capture_output=True, text=True, timeout=120
    )


def test_example1_json_flags_the_slide_errors():
    out = run("example", "1", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    rows = {(r["section"], r["name"]): r for r in report["rows"]}
    assert len(report["gradient"]) == 12 and len(report["updated"]) == 12
    assert rows[("forward", "a1^(2)")]["status"] == "ok"
    assert rows[("updated", "w11^(2)")]["status"] == "ok"
    assert rows[("updated", "w21^(2)")]["status"] == "slip"  # slide: 0.7979, correct 0.7978
    for name in ("w11^(1)", "w12^(1)", "w21^(1)", "w22^(1)"):
        assert rows[("updated", name)]["status"] == "wrong"
    assert rows[("gradient", "dJ/dw11^(1)")]["status"] == "wrong"


def test_example1_text_shows_values_beside_the_slide():
    out = run("example", "1")
    assert out.returncode == 0
    assert "0.6502" in out.stdout and "讲义有误 / slide is wrong" in out.stdout


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_exercise_with_samples_and_loss(loss, tmp_path):
    samples = tmp_path / "s.csv"
    samples.write_text("0.1,0.9,1\n0.5,0.5,0\n")
    report = json.loads(
        run("example", "exercise", "--samples", str(samples), "--loss", loss, "--json").stdout
    )
    assert report["m"] == 2 and report["loss"] == loss and len(report["updated"]) == 9


def test_exercise_bad_samples_exit_2_with_message():
    out = run("example", "exercise", "--samples", '{"X": [[0.1, 0.2]], "y": [3]}')
    assert out.returncode == 2
    assert "y must be 0 or 1" in out.stderr and "y 必须是 0 或 1" in out.stderr

"""练习题命令行：CSV（有无表头）、与 my_samples() 相同的拒绝规则、双语帮助 / The 练习题 CLI."""

import subprocess
import sys

import numpy as np
import pytest

from nncore.examples.exercise import DEFAULT_THETA, one_update, parse_samples


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nncore", "example", "exercise", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("header", ["", "x1,x2,y\n", "# my samples\nx1, x2, y\n"])
def test_csv_with_or_without_header(header: str, tmp_path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(header + "0.1,0.2,0\n0.9, 0.7, 1\n")
    X, y = parse_samples(str(path))
    assert X.tolist() == [[0.1, 0.2], [0.9, 0.7]] and y.ravel().tolist() == [0.0, 1.0]
    new = one_update(np.array(DEFAULT_THETA), X, y, 0.1)
    assert new.shape == (9,) and not np.allclose(new, DEFAULT_THETA)


@pytest.mark.parametrize(
    ("samples", "zh", "en"),
    [
        ("0.1,0.2,0\n", "样本数 m 应在 2..10", "sample count m must be 2..10"),
        ('{"X": [[0.1, 0.2], [0.3, 0.3]], "y": [1, 1]}', "两类都要有", "both classes"),
        ("\n".join(f"{k / 20},0.5,{k % 2}" for k in range(11)), "m = 11", "m = 11"),
        ("0.1,0.2,0\n0.3,abc,1\n", "第 2 行不是三个数", "line 2 is not three numbers"),
        ('{"X": [[0.1, 0.2]], "y": [3]}', "y 必须是 0 或 1", "y must be 0 or 1"),
        ('{"x": [[0.1, 0.2]]}', "需要键 X 与 y", "needs keys X and y"),
    ],
)
def test_rejects_what_my_samples_may_not_return(samples: str, zh: str, en: str) -> None:
    out = run("--samples", samples)
    assert out.returncode == 2, out.stdout
    assert zh in out.stderr and en in out.stderr, out.stderr


def test_help_documents_both_csv_forms_and_json() -> None:
    text = run("--help").stdout
    for part in ("x1,x2,y", "表头", "header row", "JSON", "0.7 0.8", "例题1"):
        assert part in text, part

"""笔记本、隐藏测试与标定读同一份训练设置 / Notebook, hidden suite and calibration agree.

Issue 9: the a3 notebook said 例题2 3000 epochs and ≥ 0.97 / 0.95 while the hidden suite used
1000 epochs and 0.96 / 0.92. Both now read :mod:`grader.suites.settings`; this test checks the
built notebook and the suite constants against it.
"""

from __future__ import annotations

import nbformat
from grading_helpers import ROOT

from grader.suites import a3, a4
from grader.suites import settings as S


def _notebook_text() -> str:
    nb = nbformat.read(ROOT / "solutions" / "a3" / "a3.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells)


def test_suite_reads_the_settings() -> None:
    """隐藏测试的常量来自设置 / The suites' constants are the settings' values."""
    assert a3.EX2["epochs"] == S.EXAMPLE2.epochs and a3.EX2["lr"] == S.EXAMPLE2.lr
    assert a3.EX2_MAX_BEST_MSE == S.EXAMPLE2.max_mse
    assert a3.EX3["epochs"] == S.EXAMPLE3.epochs and a3.EX4["epochs"] == S.EXAMPLE4.epochs
    assert a3.EX3_MIN_ACCURACY == S.EXAMPLE3.min_accuracy
    assert a3.EX4_MIN_ACCURACY == S.EXAMPLE4.min_accuracy
    assert a3.SGD_RUN["epochs"] == S.SGD.epochs and a3.SGD_MIN_ACCURACY == S.SGD.min_accuracy
    assert a4.PRETRAIN["epochs"] == S.PRETRAINING.epochs
    assert a4.PRETRAIN_MIN_ACCURACY == S.PRETRAINING.min_accuracy


def test_notebook_states_the_same_settings() -> None:
    """构建出的笔记本写的是同样的轮数与及格线 / The built notebook states the same numbers."""
    text = _notebook_text()
    assert f'optimizer="momentum", lr={S.EXAMPLE2.lr}, epochs={S.EXAMPLE2.epochs},' in text
    assert f"lr={S.EXAMPLE3.lr}, epochs={S.EXAMPLE3.epochs}, batch_size=" in text
    assert f"lr={S.EXAMPLE4.lr}, epochs={S.EXAMPLE4.epochs}, batch_size=" in text
    assert f"ex3_acc >= {S.EXAMPLE3.min_accuracy}" in text
    assert f"ex4_acc >= {S.EXAMPLE4.min_accuracy}" in text
    assert f"best < {S.EXAMPLE2.max_mse}" in text
    assert "@" + "EX" not in text  # every placeholder filled


def test_calibration_reads_the_suites() -> None:
    """标定表的阈值就是设置中的及格线 / The calibration quotes the settings' pass marks."""
    from pathlib import Path

    from grader.suites import calibrate

    src = Path(calibrate.__file__).read_text(encoding="utf-8")
    for name in ("SGD_MIN_ACCURACY", "EX2_MAX_BEST_MSE", "EX3_MIN_ACCURACY", "EX4_MIN_ACCURACY",
                 "PRETRAIN_MIN_ACCURACY"):  # fmt: skip
        assert name in src

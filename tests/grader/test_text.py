"""一种双语文本 / One bilingual type: ``grader.text.Text`` and the guard against hand-joined text.

Issue 9 item 8: every text a student or instructor reads is a :class:`Text`. The manifest's
titles are ``Text``; one-line "zh / en" output is ``Text(...).joined()``; and a scan of the
grader's source fails on any new string literal that joins Chinese and English by hand.
"""

from __future__ import annotations

import json
from fnmatch import fnmatch
from pathlib import Path

import pytest
from bilingual_scan import count_by_file, hand_joined

from grader import manifest
from grader.report_html import one_line, table_head, two_lines
from grader.text import Text

ROOT = Path(__file__).resolve().parents[2]

#: files whose joined literals are not grader output, with the reason
ALLOWED = {
    "grader/release/nb_*.py": "notebook cell sources (markdown and code the student reads)",
    "grader/release/notebook.py": "notebook cell sources (the plot-font cell, the test cells)",
    "grader/release/templates/*": "copied into the student release, which has no grader.text",
    "grader/driver/*": "runs inside the sandbox, which cannot import grader",
    "grader/sandbox/worker.py": "the sandbox bootstrap, which cannot import grader",
}

#: literals not converted yet, per file (a ratchet: lower it when you convert one; it may never
#: grow, so a new hand-joined literal fails). Empty since the last ones (the Dask backend's
#: console lines, the suites' comparison names) became ``Text``: every file must have none.
NOT_YET: dict[str, int] = {}


def _checked(counts: dict[str, int]) -> dict[str, int]:
    """不在允许名单中的计数 / The counts of the files the guard holds to NOT_YET."""
    return {f: n for f, n in counts.items() if not any(fnmatch(f, g) for g in ALLOWED)}


def _violations(
    counts: dict[str, int], ratchet: dict[str, int] | None = None
) -> dict[str, tuple[int, int]]:
    """超出棘轮的文件 / ``{file: (found, allowed)}`` where a file has more than the ratchet
    (NOT_YET unless given) allows."""
    limit = NOT_YET if ratchet is None else ratchet
    return {f: (n, limit.get(f, 0)) for f, n in _checked(counts).items() if n > limit.get(f, 0)}


def test_joined_one_line_and_json_fields() -> None:
    t = Text("输出目录", "output folder")
    assert t.joined() == "输出目录 / output folder"
    assert t.joined("｜") == "输出目录｜output folder"
    assert Text("仅中文", "").joined() == "仅中文" and Text("", "English").joined() == "English"
    assert Text("%", "%").joined() == "%"  # no "% / %"
    assert t.fields("title") == {"title_zh": "输出目录", "title_en": "output folder"}
    assert Text.from_fields(t.fields("title"), "title") == t
    assert Text.from_fields({}, "title") == Text()


def test_html_helpers_escape_both_languages() -> None:
    t = Text("<任务>", "<task> & co")
    assert two_lines(t) == "&lt;任务&gt;<br><span class=en>&lt;task&gt; &amp; co</span>"
    assert one_line(t) == "&lt;任务&gt; / &lt;task&gt; &amp; co"
    assert table_head(t, Text("%", "%")) == (
        "<tr><th>&lt;任务&gt; / &lt;task&gt; &amp; co</th><th>%</th></tr>"
    )


def test_manifest_titles_are_text_in_both_languages() -> None:
    for a in manifest.ASSIGNMENTS.values():
        assert isinstance(a.title, Text) and a.title.zh and a.title.en, a.id
        for t in a.tasks:
            assert isinstance(t.title, Text) and t.title.zh and t.title.en, t.id
            assert not any(
                ch > "\u2e7f" for ch in t.title.en.replace("例题", "").replace("练习题", "")
            )


def test_conftest_tables_keep_the_on_disk_titles() -> None:
    """发布版 conftest 的任务表仍是 (分值, 中文, 英文, 类型) / The release's task tables keep
    their ``(points, zh, en, kind)`` form, read from the Text titles."""
    for a in manifest.ASSIGNMENTS.values():
        text = (ROOT / "assignments" / a.folder / "conftest.py").read_text("utf-8")
        for t in a.tasks:
            zh = json.dumps(t.title.zh, ensure_ascii=False)
            row = f"{json.dumps(t.id)}: (\n        {float(t.points)!r},\n        {zh},"
            assert row in text, t.id


def test_the_scan_finds_a_planted_literal_and_nothing_else() -> None:
    source = '''"""模块 / module docstring: allowed."""
from grader.text import Text


def f() -> str:
    """函数 / function docstring: allowed."""
    ok = Text("输出目录", "output folder").joined()
    plain = "只有中文，含 ASCII 的 z-score 与 /tmp"
    planted = "输出目录 / output folder"
    notation = "model.loss 的 λ / the λ passed to model.loss"
    code = "请不要调用 sys.exit / os._exit; 见 ∂J/∂W"
    return f"{ok}{plain}{planted}{notation}{code}错误 / error: {ok}"
'''
    assert hand_joined(source) == [
        (9, "输出目录 / output folder"),
        (10, "model.loss 的 λ / the λ passed to model.loss"),
        (12, "{}{}{}{}{}错误 / error: {}"),  # an f-string: its text with {} for the fields
    ]


def test_the_guard_fails_on_a_new_hand_joined_literal(tmp_path: Path) -> None:
    """守卫能失败 / The guard, run on a copy of grader/ with one literal planted, reports it."""
    counts = count_by_file(ROOT)
    assert not _violations(counts)
    target = "grader/cli.py"
    planted = tmp_path / target
    planted.parent.mkdir(parents=True)
    planted.write_text(
        (ROOT / target).read_text("utf-8") + '\nPLANTED = "新的标题 / a new heading"\n', "utf-8"
    )
    counts_with = {**counts, **count_by_file(tmp_path)}
    assert _violations(counts_with) == {target: (1, 0)}
    # one more in a file that is on a ratchet fails too; as many as it allows does not
    ratchet = {"grader/suites/a3.py": 2}
    assert _violations({**counts, "grader/suites/a3.py": 3}, ratchet) == {
        "grader/suites/a3.py": (3, 2)
    }
    assert not _violations({**counts, "grader/suites/a3.py": 2}, ratchet)


def test_no_new_hand_joined_bilingual_literal() -> None:
    """grader/ 中不得新增手写拼接的双语字面量 / No new hand-joined "中文 / English" literal.

    Write ``Text("中文", "English").joined()`` (one line) or keep the two languages apart in a
    ``Text``. The ratchet is exact: after converting literals, lower NOT_YET to the new count.
    """
    counts = _checked(count_by_file(ROOT))
    bad = _violations(counts)
    assert not bad, f"hand-joined bilingual literals (found, allowed): {bad}"
    stale = {f: (counts.get(f, 0), n) for f, n in NOT_YET.items() if counts.get(f, 0) != n}
    assert not stale, f"lower NOT_YET to the new counts (found, listed): {stale}"


@pytest.mark.parametrize("pattern", sorted(ALLOWED))
def test_the_allow_list_names_real_files(pattern: str) -> None:
    assert any(
        fnmatch(p.relative_to(ROOT).as_posix(), pattern) for p in ROOT.glob("grader/**/*.py")
    )


def test_a_comparison_named_in_words_shows_each_language_once() -> None:
    """比较名称 / A comparison named by a ``Text`` is shown in one language per message."""
    import numpy as np

    from grader import feedback
    from grader.compare import compare_array
    from grader.suites.heldout import check_params

    comp = compare_array(np.zeros(3), np.ones(3), Text("重构误差", "reconstruction error"))
    msg = feedback.describe(comp)
    assert msg.zh.startswith("重构误差 与正确结果不符") and "reconstruction" not in msg.zh
    assert msg.en.startswith("reconstruction error does not match") and "重构" not in msg.en
    j = comp.to_json()
    assert (j["what"], j["what_zh"], j["what_en"]) == (
        "重构误差 / reconstruction error",
        "重构误差",
        "reconstruction error",
    )
    # lecture notation stays one string, the same in both languages and in report.json
    j = compare_array(np.zeros(3), np.ones(3), "ΔW").to_json()
    assert j["what"] == j["what_zh"] == j["what_en"] == "ΔW"
    # a returned parameter list: the k-th array is named what[k], in each language
    bad = check_params([np.zeros(2), "x"], [(2,), (3,)], Text("θ（第 1 个初值）", "θ (init 1)"))
    assert [c.name for c in bad] == [Text("θ（第 1 个初值）[1]", "θ (init 1)[1]")]
    assert feedback.describe(bad[0]).en.startswith("θ (init 1)[1] has type str")

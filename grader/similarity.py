"""相似提交 / Similar submissions: ``python -m grader similarity -a a2 SUBS… --out OUT``.

Ranks every pair of submissions by code similarity with **copydetect** (winnowed fingerprints
of the token stream in which names become ``V``/``F`` and strings ``S``, so renamed variables
do not hide a copy, and fingerprints ignore order, so reordered functions do not either). The
assignment's release — given code, docstrings and the stubs' skeleton, which every student
starts from — is the *boilerplate*: its fingerprints never count as a match.

Modules are compared with the module of the same name (``layers.py`` with ``layers.py``);
a pair's score is, for each of the two students, the share of their own (non-boilerplate) code
found in the other's, and the pair is ranked by the larger of the two. Writes
``OUT/similarity.json`` and ``OUT/similarity.html`` (ranking, then the code of the top pairs
side by side with the matching parts highlighted). A high score is a reason to look, not a
verdict.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from grader.extras import require
from grader.report_html import one_line, table_head, two_lines
from grader.text import Text

HELP = Text("相似提交", "rank pairs of submissions by code similarity (copydetect)").joined()

#: copydetect's noise threshold k and guarantee threshold (characters of filtered code)
NOISE_T = 25
GUARANTEE_T = 30


def _modules(folder: Path) -> dict[str, Path]:
    """学生模块（顶层 .py，不含测试）/ A submission's top-level modules, tests excluded."""
    return {
        p.name: p
        for p in sorted(folder.glob("*.py"))
        if p.is_file()
        and not p.is_symlink()
        and not p.name.startswith("test_")
        and p.name != "conftest.py"
    }


@dataclass
class Pair:
    """一对学生 / One ranked pair."""

    a: str
    b: str
    share_a: float  # share of a's own code found in b
    share_b: float
    tokens: int  # overlapping characters of filtered code
    modules: dict[str, tuple[float, float]]

    @property
    def score(self) -> float:
        """排序分数 / The ranking score: the larger of the two shares."""
        return max(self.share_a, self.share_b)


def fingerprints(
    assignment: str, submissions: list[Path], template: Path | None = None
) -> dict[str, dict[str, Any]]:
    """每个学生每个模块的指纹（去除模板）/ Fingerprints per student and module, boilerplate out."""
    import numpy as np

    copydetect = require("copydetect", "similarity")
    from grader import demo_submissions

    with tempfile.TemporaryDirectory(prefix="nnkit-sim-") as tmp:
        tpl = template or demo_submissions.release(assignment, Path(tmp) / "release")
        boiler: dict[str, Any] = {}
        for name, path in _modules(tpl).items():
            fp = copydetect.CodeFingerprint(str(path), NOISE_T, GUARANTEE_T - NOISE_T + 1)
            boiler[name] = np.unique(np.array(sorted(fp.hashes), dtype=np.int64))
    out: dict[str, dict[str, Any]] = {}
    for sub in submissions:
        mods = {}
        for name, path in _modules(sub).items():
            try:
                fp = copydetect.CodeFingerprint(
                    str(path),
                    NOISE_T,
                    GUARANTEE_T - NOISE_T + 1,
                    boilerplate=boiler.get(name, np.array([], dtype=np.int64)),
                )
            except (UnicodeDecodeError, OSError, ValueError):
                continue
            if fp.token_coverage > 0:  # nothing of its own (e.g. an untouched stub): skip
                mods[name] = fp
        out[sub.name] = mods
    return out


def rank(prints: dict[str, dict[str, Any]]) -> list[Pair]:
    """全部成对比较并排序 / Compare every pair (same-named modules), most similar first."""
    copydetect = require("copydetect", "similarity")
    pairs = []
    for a, b in itertools.combinations(sorted(prints), 2):
        ma, mb = prints[a], prints[b]
        cov_a = sum(fp.token_coverage for fp in ma.values())
        cov_b = sum(fp.token_coverage for fp in mb.values())
        over_a = over_b = tokens = 0
        modules = {}
        for name in sorted(set(ma) & set(mb)):
            n, (sa, sb), _ = copydetect.compare_files(ma[name], mb[name])
            if n:
                over_a += sa * ma[name].token_coverage
                over_b += sb * mb[name].token_coverage
                tokens += int(n)
                modules[name] = (round(float(sa), 3), round(float(sb), 3))
        pairs.append(
            Pair(
                a,
                b,
                round(float(over_a / cov_a), 3) if cov_a else 0.0,
                round(float(over_b / cov_b), 3) if cov_b else 0.0,
                tokens,
                modules,
            )
        )
    pairs.sort(key=lambda p: (-p.score, -p.tokens, p.a, p.b))
    return pairs


CSS = """
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2em}.en{color:#57606a}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.3em .5em}
th{background:#f6f8fa}.num{text-align:right}.side{display:flex;gap:1em}
.side pre{flex:1;overflow:auto;background:#f6f8fa;padding:.5em;font-size:.8em;margin:0}
.highlight-red{background:#ffcecb}.highlight-green{background:#ffcecb}
"""


def _side_by_side(pa: Any, pb: Any) -> str:
    """两份代码并排，相同部分高亮 / Two modules side by side, the matching parts highlighted."""
    from copydetect import compare_files
    from copydetect.utils import highlight_overlap

    _, _, (sl_a, sl_b) = compare_files(pa, pb)
    left, _ = highlight_overlap(
        pa.raw_code, sl_a, "<span class='highlight-red'>", "</span>", escape_html=True
    )
    right, _ = highlight_overlap(
        pb.raw_code, sl_b, "<span class='highlight-green'>", "</span>", escape_html=True
    )
    return f"<div class=side><pre>{left}</pre><pre>{right}</pre></div>"


TITLE = Text("相似提交", "Similar submissions")
ABOUT = Text(
    "按代码相似度排序（copydetect；发放的代码与存根框架不计）。"
    "分数 = 一方自己写的代码中在另一方里出现的比例，"
    "取两者较大值。相似度高只是值得查看的理由，不是结论。",
    "Ranked by code similarity (copydetect; the released code and the stubs' skeleton do not "
    "count). Score = the share of one student's own code found in the other's, the larger of "
    "the two. A high score is a reason to look, not a verdict.",
)
HEAD = (
    Text("#", "#"),
    Text("学生", "students"),
    Text("分数", "score"),
    Text("A→B", "A→B"),
    Text("B→A", "B→A"),
    Text("模块", "modules"),
)
SIDE_BY_SIDE = Text("并排对照", "Side by side")
NONE = Text("无", "none")


def render(assignment: str, pairs: list[Pair], prints: dict[str, dict[str, Any]], top: int) -> str:
    """HTML 报告 / The HTML report: the ranking, then the top pairs side by side."""
    e = escape
    rows = "".join(
        f"<tr><td class=num>{k}</td><td><a href='#p{k}'>{e(p.a)} ↔ {e(p.b)}</a></td>"
        f"<td class=num>{100 * p.score:.0f} %</td><td class=num>{100 * p.share_a:.0f} %</td>"
        f"<td class=num>{100 * p.share_b:.0f} %</td>"
        f"<td>{', '.join(e(m) for m in p.modules)}</td></tr>"
        for k, p in enumerate(pairs[:top], 1)
    )
    views = []
    for k, p in enumerate(pairs[:top], 1):
        if not p.modules:
            continue
        parts = "".join(
            f"<h4>{e(name)} — {100 * sa:.0f} % / {100 * sb:.0f} %</h4>"
            + _side_by_side(prints[p.a][name], prints[p.b][name])
            for name, (sa, sb) in p.modules.items()
        )
        views.append(
            f"<details id=p{k}{' open' if k <= 3 else ''}><summary><b>{k}. {e(p.a)} ↔ "
            f"{e(p.b)}</b> ({100 * p.score:.0f} %)</summary>{parts}</details>"
        )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{e(assignment)} {one_line(TITLE)}</title>
<style>{CSS}</style></head><body>
<h1>{e(assignment)} {one_line(TITLE)}</h1>
<p>{two_lines(ABOUT)}</p>
<table>{table_head(*HEAD)}{rows}</table>
<h2>{one_line(SIDE_BY_SIDE)}</h2>
{"".join(views) or f"<p>{one_line(NONE)}</p>"}
</body></html>
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """similarity 子命令的选项 / Options of ``similarity``."""
    parser.add_argument("--assignment", "-a", required=True, help="a1 | a2 | a3 | a4")
    parser.add_argument(
        "submissions",
        nargs="+",
        type=Path,
        help=Text("学生提交目录（同 grade）", "submission folders (as for grade)").joined(),
    )
    parser.add_argument(
        "--out", "-o", type=Path, required=True, help=Text("输出目录", "output folder").joined()
    )
    parser.add_argument(
        "--top",
        type=int,
        default=30,
        help=Text("并排显示前 N 对", "side-by-side view of the top N").joined(),
    )
    parser.add_argument(
        "--template",
        type=Path,
        help=Text(
            "模板（默认：本作业的发放版）", "boilerplate folder (default: the assignment's release)"
        ).joined(),
    )


def similarity(
    assignment: str,
    submissions: list[Path],
    out: Path,
    *,
    top: int = 30,
    template: Path | None = None,
) -> list[Pair]:
    """排序并写出报告 / Rank the pairs and write similarity.json and similarity.html."""
    from grader import manifest
    from grader.batch import atomic_write, expand

    manifest.get(assignment)
    subs = expand(submissions)
    prints = fingerprints(assignment, subs, template)
    pairs = rank(prints)
    data = [
        {
            "a": p.a,
            "b": p.b,
            "score": p.score,
            "share_a": p.share_a,
            "share_b": p.share_b,
            "overlap": p.tokens,
            "modules": p.modules,
        }
        for p in pairs
    ]
    atomic_write(out / "similarity.json", json.dumps(data, ensure_ascii=False, indent=1))
    atomic_write(out / "similarity.html", render(assignment, pairs, prints, top))
    return pairs


def run(args: argparse.Namespace) -> int:
    """similarity 子命令 / Entry point of ``python -m grader similarity``."""
    try:
        pairs = similarity(
            args.assignment, list(args.submissions), args.out, top=args.top, template=args.template
        )
    except (KeyError, FileNotFoundError, ImportError) as exc:
        print(f"{Text('错误', 'error').joined()}: {exc}")
        return 2
    for p in pairs[:10]:
        print(f"{100 * p.score:5.1f} %  {p.a} ↔ {p.b}")
    print(f"{Text('报告', 'report').joined()}: {args.out / 'similarity.html'}")
    return 0

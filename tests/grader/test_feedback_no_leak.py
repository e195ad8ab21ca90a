"""所有作业的反馈都不泄露隐藏数值 / No suite's feedback reveals hidden values.

For every assignment, the demo's typical-mistakes submission is graded and every decimal number
in the task messages (less the public "what was checked" sentence) must be a relative error in
scientific notation: never an expected value, a hidden input or an oracle result. Training
tasks may also state the student's own held-out score and the pass mark ("accuracy is 0.080;
required ≥ 0.960"): both are the student's own result and a rule, not hidden values.
"""

import json
import re
from pathlib import Path

import pytest

from grader import demo_submissions
from grader.batch import grade_batch
from grader.manifest import ASSIGNMENTS
from grader.registry import get

#: "<own score>; required ≥ <pass mark>" in either language.
OWN_SCORE = re.compile(r"\d+\.\d+[；;，,]\s*(?:要求|required)\s*[≥≤]\s*\d+\.\d+")


@pytest.mark.parametrize("aid", sorted(ASSIGNMENTS))
def test_messages_carry_no_hidden_numbers(aid: str, tmp_path: Path) -> None:
    names = tuple(
        n for n in demo_submissions.TYPICAL if demo_submissions.mistake(n).assignment == aid
    )
    sub = demo_submissions.with_mistakes(aid, names, tmp_path / "s")
    out = tmp_path / "out"
    grade_batch(aid, [sub], out, quiet=True)
    data = json.loads((out / "s" / "report.json").read_text("utf-8"))
    assert data["total"] < data["max_total"]  # the mistakes cost points …
    failed = [t for t in data["tasks"] if t["status"] != "passed"]
    assert failed
    for t in data["tasks"]:
        spec = get(t["id"])
        for text, checked in (
            (t["message_zh"], spec.checked.zh),
            (t["message_en"], spec.checked.en),
        ):
            rest = OWN_SCORE.sub("", text.replace(checked, ""))
            for tok in re.findall(r"(?<![\w^(])\d+\.\d+(?:e[-+]?\d+)?", rest):
                assert "e" in tok, f"{t['id']}: {tok!r} in {rest!r}"

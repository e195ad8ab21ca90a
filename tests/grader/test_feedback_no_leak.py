"""所有作业的反馈都不泄露隐藏数值 / No suite's feedback reveals hidden values.

For every assignment, the demo's typical-mistakes submission is graded and every decimal number
in the task messages (less the public "what was checked" sentence) must be a relative error in
scientific notation: never an expected value, a hidden input or an oracle result. Training
tasks may also state the student's own held-out score and the pass mark ("accuracy is 0.080;
required ≥ 0.960"): both are the student's own result and a rule, not hidden values.
"""

import json
import re
import shutil
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


def test_safe_error_cites_only_real_lines_of_the_students_own_files() -> None:
    """A traceback comes from the sandbox: a frame is cited only when it names one of the
    submission's own modules at a line that file has (code the submission compiles itself can
    name any file and any line)."""
    from grader.engine import safe_error

    own = {"layers.py": 60}
    tb = '  File "layers.py", line 38, in dense_forward\n'
    assert safe_error("ValueError", tb, "", own) == "ValueError (layers.py:38)"
    forged = [
        '  File "x0_606883.py", line 1, in <module>\n',  # a number in a made-up file name
        '  File "layers.py", line 1278, in <module>\n',  # a number in a made-up line
        '  File "layers.py", line 0, in <module>\n',
        '  File "sub/layers.py", line 3, in <module>\n',
        '  File "_nnkit_driver.py", line 3, in invoke\n',
    ]
    for frame in forged:
        assert safe_error("ValueError", tb + frame, "", own) == "ValueError (layers.py:38)"
        assert safe_error("ValueError", frame, "", own) == "ValueError"
    assert safe_error("ValueError", tb, "", {}) == "ValueError"  # no own module: no frame


#: Ways a submission tries to put hidden-input digits in its report (a2.dense_forward).
SMUGGLERS = {
    "message": "    raise ValueError('SMUGGLED%r' % a.ravel()[:3].tolist())\n",
    "file_name": "    exec(compile('raise ValueError', 'SMUGGLED%d.py' % int(abs(a[0, 0]) * 1e6),"
    " 'exec'))\n",
    "line": "    exec(compile('\\n' * (900 + int(abs(a[0, 0]) * 1e4)) + 'raise ValueError',"
    " 'layers.py', 'exec'))\n",
    "type_name": "    raise type('SMUGGLED%d' % int(abs(a[0, 0]) * 1e6), (ValueError,), {})()\n",
    "print_warn": "    print('SMUGGLED', a); import sys, warnings; print('SMUGGLED', a, file=sys.stderr)\n"
    "    warnings.warn('SMUGGLED%r' % a.tolist())\n    raise RuntimeError\n",
}


def test_student_text_and_forged_frames_never_reach_the_report(tmp_path: Path) -> None:
    """Graded in the sandbox: whatever the submission puts in its exception (message, type
    name, a made-up file name or line), its prints and its warnings, the report says only the
    built-in exception type and a real line of the student's own layers.py."""
    ref = demo_submissions.reference("a2", tmp_path / "ref")
    batch = tmp_path / "batch"
    batch.mkdir()
    body = "    z = a @ W + b\n    return z, (a, W)\n"
    where = {}  # the lines of the smuggling code in layers.py
    for name, code in SMUGGLERS.items():
        dest = batch / f"s_{name}"
        shutil.copytree(ref, dest)
        text = (dest / "layers.py").read_text("utf-8")
        assert body in text
        first = text[: text.index(body)].count("\n") + 1
        where[name] = (first, first + code.count("\n") - 1)
        (dest / "layers.py").write_text(text.replace(body, code, 1), "utf-8")
    out = tmp_path / "out"
    grade_batch("a2", [batch], out, quiet=True, tasks=["a2.dense_forward"])
    for name in SMUGGLERS:
        first, last = where[name]
        data = json.loads((out / f"s_{name}" / "report.json").read_text("utf-8"))
        page = (out / f"s_{name}" / "report.html").read_text("utf-8")
        assert "SMUGGLED" not in json.dumps(data, ensure_ascii=False) + page, name
        (task,) = data["tasks"]
        assert task["points"] == 0.0, name
        cited = re.findall(r"(\w+) \((\w+\.py):(\d+)\)", task["message_en"])
        assert cited, (name, task["message_en"])
        for etype, fname, line in cited:
            assert etype in ("ValueError", "RuntimeError", "Exception"), (name, etype)
            assert fname == "layers.py" and first <= int(line) <= last, (name, cited)

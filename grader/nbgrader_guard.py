"""formgrader 按钮的保护 / Preprocessors that make formgrader's own buttons safe.

``python -m grader nbgrader setup`` writes these into the course's ``nbgrader_config.py`` so
that nbgrader's commands and formgrader's buttons do the right thing without the bridge:

* :class:`StripStudentModules` (``GenerateAssignment``; formgrader's *Generate*): nbgrader
  copies the ``.py`` modules of ``source/<aid>`` verbatim into ``release/<aid>``, solutions
  included. This replaces each student module by its stripped version (every solution region
  becomes ``raise NotImplementedError``, as the kit's build does) and fails — nbgrader then
  removes the release folder — if any ``BEGIN SOLUTION`` is left anywhere in the release.
* :class:`TrustedScores` (``Autograde``; formgrader's *Autograde*): after nbgrader's own
  ``SaveAutoGrades`` (the kernel's scores), grades a snapshot of the student's submitted
  modules with the trusted grader and writes its points and zh/en comments into the gradebook,
  before ``AssignLatePenalties`` — so the late penalty is computed from the trusted scores.
  The notebook itself runs in the sandbox (:class:`grader.nbgrader_sandbox.SandboxedExecute`).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor

from grader import manifest
from grader.text import Text


class GuardError(RuntimeError):
    """保护检查失败 / A guard refused (nbgrader reports it and removes its output)."""


def _coursedir(config: Any) -> Any:
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=config)


class StripStudentModules(NbGraderPreprocessor):
    """发布版中的学生模块去除解答 / Strip the solutions from the released student modules."""

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """替换 release/<aid>/<module>.py / Replace each released module by its stripped text."""
        from grader.release.build import strip_module

        aid = resources["nbgrader"]["assignment"]
        a = manifest.get(aid)
        cd = _coursedir(self.config)
        src = Path(cd.format_path(cd.source_directory, ".", aid))
        rel = Path(cd.format_path(cd.release_directory, ".", aid))
        for m in a.modules:
            path = src / f"{m}.py"
            if path.is_file() and (rel / f"{m}.py").exists():
                text = strip_module(a, m, path.read_text(encoding="utf-8"))
                (rel / f"{m}.py").write_text(text, encoding="utf-8")
        leaks = [
            str(p)
            for p in rel.rglob("*.py")
            if "BEGIN SOLUTION" in p.read_text(encoding="utf-8", errors="replace")
        ]
        if leaks:
            refused = Text("发布版仍含解答，已拒绝", "the release still holds solutions, refused")
            raise GuardError(f"{refused.joined()}: {leaks}")
        return nb, resources


class TrustedScores(NbGraderPreprocessor):
    """formgrader 的 Autograde 也写入可信分数 / Trusted scores for nbgrader's own autograde."""

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """快照 → 可信评分 → 成绩库 / Snapshot → trusted grader → gradebook."""
        from grader.batch import grade_one
        from grader.nbgrader_bridge import Course, write_trusted_scores
        from grader.nbgrader_layout import check_layout, snapshot

        info = resources["nbgrader"]
        aid, student = info["assignment"], info["student"]
        a = manifest.get(aid)
        cd = _coursedir(self.config)
        course = Course.open(Path(cd.root))
        submitted = Path(cd.format_path(cd.submitted_directory, student, aid))
        out = course.reports(aid)
        state_path = out / "bridge.json"
        try:
            state = {o["student"]: o for o in json.loads(state_path.read_text(encoding="utf-8"))}
        except (OSError, ValueError, KeyError, TypeError):
            state = {}
        previous = {k: float(v) for k, v in (state.get(student, {}).get("written") or {}).items()}
        lay = check_layout(submitted, a, student)
        report = None
        if lay.ok:
            with tempfile.TemporaryDirectory(prefix="nnkit-fg-") as tmp:
                snap = Path(tmp) / student
                snapshot(submitted, snap)
                report = grade_one(snap, aid, out)
        written, _kept = write_trusted_scores(
            course,
            a,
            student,
            report,
            previous=previous,
            reason=lay.fatal[0] if lay.fatal else "",
        )
        entry = state.get(student, {"student": student})
        entry["written"] = {**written, **{c: previous[c] for c in _kept if c in previous}}
        state[student] = entry
        state_path.parent.mkdir(parents=True, exist_ok=True)
        state_path.write_text(
            json.dumps([state[s] for s in sorted(state)], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        return nb, resources  # nbgrader's AssignLatePenalties follows, on the trusted scores

"""提交目录检查与快照 / Per-student layout check and snapshot of a submission.

Before any student code runs, every ``submitted/<student>/<aid>/`` is checked (missing, nested,
no module files, extra folders) and copied — regular files only, no symlinks, no caches — into
a private snapshot whose SHA-256 (:func:`snapshot_hash`: every file, notebook and
``timestamp.txt`` included) identifies the submission.
Every grade is computed from that snapshot: whatever student code later does to the course,
it cannot change what was graded.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from grader.manifest import Assignment
from grader.text import Text

SNAPSHOT_LIMIT = 200 << 20  # bytes per submission
ALLOWED_DIRS = {"tests", "__pycache__", ".ipynb_checkpoints", ".pytest_cache", "feedback"}

#: what check_layout and snapshot report (fields: where, names, limit)
MESSAGES = {
    "no_folder": Text(
        "没有提交目录 {where}；修正：重新 collect，或把学生的文件放到该目录",
        "no folder {where}; fix: collect again or put the student's files there",
    ),
    "nested": Text(
        "模块在子目录 {names} 中，而不在 {where} 顶层；修正：把这些文件上移一层后重新运行",
        "the modules are in the subfolder(s) {names}, not at the top of {where}; fix: move "
        "those files up one level and run again",
    ),
    "no_module": Text(
        "{where} 中没有任何学生模块（{names}）；修正：确认学生提交了 .py 文件"
        "（zip_collect 需收集 .py，"
        "见 docs/nbgrader.md）",
        "no student module ({names}) in {where}; fix: make sure the .py files were submitted "
        "and collected (zip_collect must collect .py, see docs/nbgrader.md)",
    ),
    "absent": Text(
        "缺少模块 {names}（这些任务记 0 分）", "missing module(s) {names} (their tasks score 0)"
    ),
    "no_notebook": Text(
        "缺少笔记本 {names}（笔记本中的单元记 0 分）",
        "missing notebook {names} (its cells score 0)",
    ),
    "extra": Text("多余的目录 {names}（不评分）", "extra folder(s) {names} (not graded)"),
    "too_large": Text("提交超过 {limit} 字节", "submission larger than {limit} bytes"),
}


@dataclass
class Layout:
    """一个学生提交的布局检查 / Result of checking one student's submission folder.

    ``fatal`` problems stop the grading of that student (nothing of theirs is executed; their
    cells get 0 with the reason); ``warnings`` are reported and grading goes on.
    """

    student: str
    fatal: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """可以评分 / The submission can be graded."""
        return not self.fatal


def check_layout(folder: Path, a: Assignment, student: str) -> Layout:
    """检查 ``submitted/<student>/<aid>`` / Check one submission folder against the manifest.

    * missing folder → fatal, fix: collect again or place the files there;
    * no module ``.py`` at the top but some in a subfolder (``a2/a2/``, ``a2/mywork/``) → fatal,
      fix: move them up one level;
    * no module ``.py`` anywhere → fatal (nothing to grade);
    * some modules missing, notebook missing, extra folders → warnings.
    """
    out = Layout(student)
    aid = a.id
    modules = [f"{m}.py" for m in a.modules]
    where = f"submitted/{student}/{aid}/"
    if not folder.is_dir():
        out.fatal.append(MESSAGES["no_folder"].format(where=where).joined())
        return out
    top = {p.name for p in folder.iterdir() if p.is_file()}
    present = [m for m in modules if m in top]
    if not present:
        nested = sorted(
            {
                p.parent.relative_to(folder).as_posix()
                for p in folder.rglob("*.py")
                if p.name in modules and p.parent != folder
            }
        )
        if nested:
            text = MESSAGES["nested"].format(where=where, names=", ".join(nested))
            out.fatal.append(text.joined())
        else:
            text = MESSAGES["no_module"].format(where=where, names=", ".join(modules))
            out.fatal.append(text.joined())
        return out
    absent = [m for m in modules if m not in top]
    if absent:
        out.warnings.append(MESSAGES["absent"].format(names=", ".join(absent)).joined())
    if a.notebook not in top:
        out.warnings.append(MESSAGES["no_notebook"].format(names=a.notebook).joined())
    extra = sorted(
        p.name
        for p in folder.iterdir()
        if p.is_dir() and p.name not in ALLOWED_DIRS and not p.name.startswith(".")
    )
    if extra:
        out.warnings.append(MESSAGES["extra"].format(names=", ".join(extra)).joined())
    return out


def snapshot(src: Path, dst: Path, limit: int = SNAPSHOT_LIMIT) -> None:
    """复制提交（仅普通文件）/ Copy regular files and folders of ``src`` into ``dst``.

    Symlinks (which could pull in the instructor's files), devices, ``__pycache__`` and
    ``.ipynb_checkpoints`` are skipped. Raises OSError above ``limit`` bytes.
    """
    total = 0
    src = src.resolve()
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        rel = Path(dirpath).relative_to(src)
        dirnames[:] = [
            d
            for d in dirnames
            if d not in ("__pycache__", ".ipynb_checkpoints", ".git")
            and not os.path.islink(os.path.join(dirpath, d))
        ]
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for name in filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode) or name.endswith(".pyc"):
                continue
            total += st.st_size
            if total > limit:
                raise OSError(MESSAGES["too_large"].format(limit=limit).joined())
            with open(path, "rb") as fin, open(dst / rel / name, "wb") as fout:
                fout.write(fin.read())


def snapshot_hash(folder: Path) -> str:
    """快照的 SHA-256 / SHA-256 over every file of a snapshot (relative names and bytes)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape"))
        h.update(b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()

"""nbgrader 桥接：让 nbgrader 的流程使用可信评分器 / The nbgrader bridge.

What nbgrader alone gets wrong for this kit, and how the bridge (with
:mod:`grader.nbgrader_layout`, :mod:`grader.nbgrader_sandbox`, :mod:`grader.nbgrader_guard`,
:mod:`grader.nbgrader_feedback`) closes it:

1. **Student code with the instructor's rights.** Before any student code runs, each
   ``submitted/<student>/<aid>`` is layout-checked and snapshotted (regular files only) with a
   SHA-256; every grade comes from the snapshot. nbgrader's autograde runs on the snapshot in a
   shadow course (its working folders outside the course), and the notebook executes in the
   kit's allow-list sandbox (:class:`grader.nbgrader_sandbox.SandboxedExecute` replaces
   ``Execute``): no course root, exchange or output folder is visible to student code.
2. **Layout problems.** One student's missing, nested or module-less folder is reported for
   that student (zh/en reason and fix, cells 0 with that reason); nobody else is affected, no
   phantom student appears, and a trusted-grader failure never writes 0 into anyone's cells.
3. **Autograde overwrites the student's ``.py``; Generate leaks ``.py`` solutions; formgrader's
   buttons.** ``setup`` writes a block into the course's ``nbgrader_config.py``
   (:func:`course_config_block`): ``exclude_overwriting`` for every student module, the
   sandboxed ``Execute``, trusted scores inside nbgrader's own autograde, stripped modules on
   Generate, the trusted report on Feedback, ``zip_collect`` of ``.py`` files.
4. **Tests run in the student's kernel** (a redefined ``np.allclose`` passes them). The trusted
   grader (:func:`grader.batch.grade_batch`, its own sandbox) writes each autograded task's
   points as the grade cell's ``manual_score`` with a zh/en comment; a TA's later override is
   kept. The course's late policy is then recomputed on those points
   (:func:`apply_late_penalty`), so nbgrader's export and the kit's agree.
5. **Failed notebooks and feedback.** A notebook that fails is recorded without running it
   (the release's cells with the student's answers), so the written answers reach formgrader
   and every student gets a feedback notebook that carries the trusted report.
6. **Re-runs.** Only changed snapshots are re-executed; ``bridge.json`` and ``grades.csv``
   always hold the whole class.

Layout of a course (``COURSE``): ``nbgrader_config.py`` (its ``CourseDirectory`` settings are
honoured), ``<source>/<aid>/``, ``<release>/<aid>/``, ``submitted/<student>/<aid>/``,
``autograded/``, ``feedback/``, the gradebook (``CourseDirectory.db_url``, absolute); the bridge
adds ``nnkit_reports/<aid>/<student>/report.{json,html}``, ``grades.csv`` and ``bridge.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from grader import manifest
from grader.manifest import Assignment
from grader.text import Text

KIT_ROOT = Path(__file__).resolve().parents[1]
HIDDEN_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
REPORTS_DIR = "nnkit_reports"
DEFAULT_TIMEOUT = 900.0
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".ipynb_checkpoints")

TRUSTED = Text("nnkit 可信评分", "trusted grader")
NOT_SUBMITTED = Text("不是学生提交的版本", "is not the student's submitted file")
#: the bridge's messages (fields filled with Text.format; shown as "中文 / English")
M = {
    "no_course": Text("课程目录不存在：{root}", "no such course directory: {root}"),
    "no_submissions": Text("没有学生提交 {aid}", "no submissions for {aid}"),
    "no_grade_cell": Text("缺少任务的评分单元 {cid}", "no grade cell for task {cid}"),
    "no_gradebook": Text(
        "{root} 没有成绩库 {db}：--course 拼写有误，或尚未运行 setup",
        "{root} has no gradebook {db}: a mistyped --course, or setup has not been run",
    ),
    "relative_db": Text(
        "db_url {url} 是相对路径（nbgrader 会相对当前目录解析）；请在 {config} 中写绝对路径，"
        "例如 'sqlite:///{db}'",
        "db_url {url} is relative (nbgrader resolves it against the current folder); write an "
        "absolute path in {config}, e.g. 'sqlite:///{db}'",
    ),
    "hidden_test": Text(
        "{nb}: 含隐藏测试 {marker}（隐藏任务由可信评分器评分，笔记本中不得有隐藏测试）",
        "{nb}: has a hidden test {marker}; hidden tasks are graded by the trusted grader, "
        "notebooks must have none",
    ),
    "course_config": Text(
        "课程配置：{path}（formgrader 按钮已受保护）",
        "course config: {path} (formgrader's buttons guarded)",
    ),
    "not_built": Text(
        "套件中没有作业 {aid}（先运行 python -m grader build）",
        "the kit has no built assignment {aid} (run python -m grader build)",
    ),
    "edited": Text(
        "{src} 与套件的 solutions/{folder} 不同（{files}）：setup 不会覆盖你的修改。请在套件的 "
        "solutions/ 中修改并运行 python -m grader build，或加 --force 用套件版本覆盖",
        "{src} differs from the kit's solutions/{folder} ({files}): setup will not overwrite "
        "your edits. Edit the kit's solutions/ and run python -m grader build, or pass --force "
        "to replace them with the kit's version",
    ),
    "release": Text(
        "发布目录：{rel} ← {kit}（.py 已去除解答）",
        "release: {rel} ← {kit} (solutions stripped from the .py modules)",
    ),
    "timeout": Text("超时 {t:g} s，已终止", "timed out after {t:g} s, killed"),
    "child_exit": Text("子进程异常退出，退出码 {rc}", "child exited with {rc}"),
    "no_gradebook_entry": Text(
        "成绩库中没有 {nb}（先运行 python -m grader nbgrader setup）",
        "the gradebook has no {nb} (run python -m grader nbgrader setup first)",
    ),
    "untrusted_cell": Text(
        "评分单元 {cell} 没有对应的可信评分任务，分数会来自学生内核",
        "grade cell {cell} has no trusted-grader task; its score would come from the student's "
        "kernel",
    ),
    "no_sandbox": Text(
        "没有可用的沙箱，学生笔记本不会在沙箱外执行",
        "no working sandbox; student notebooks never run outside it",
    ),
    "trusted_start": Text("可信评分器：{n} 份提交 …", "trusted grader: {n} submissions …"),
    "record_only": Text(
        "笔记本执行失败，改为只登记作答（模块任务照常由可信评分器评分）",
        "notebook failed, recording its answers without running it",
    ),
    "no_report": Text(
        "可信评分器未产生报告，成绩库未改动（请查看上面的错误后重新运行）",
        "the trusted grader produced no report; the gradebook was left unchanged (see the error "
        "above and run again)",
    ),
    "feedback_leak": Text(
        "教师单元 {cells} 含隐藏测试，未生成反馈（请检查源笔记本）",
        "instructor cell(s) {cells} carry a hidden test: no feedback (check the source notebook)",
    ),
    "not_recorded": Text("笔记本无法登记", "the notebook could not be recorded"),
    "feedback_done": Text(
        "反馈已生成（含可信评分报告）", "feedback generated with the trusted report"
    ),
}


class BridgeError(RuntimeError):
    """桥接无法继续（配置或课程目录有误）/ The bridge cannot proceed (course or config error)."""


# ------------------------------------------------------------------------------ configuration
def module_files(a: Assignment) -> list[str]:
    """作业的学生模块文件名 / The student module files of an assignment (``<module>.py``)."""
    return [f"{m}.py" for m in a.modules]


def load_config(course: Path, assignment: Assignment | None = None) -> Any:
    """课程的 nbgrader 配置 / The course's nbgrader Config, plus the bridge's settings.

    Loads ``COURSE/nbgrader_config.py`` when present, sets ``CourseDirectory.root`` and, for
    ``assignment``, adds every student module to ``Autograde.exclude_overwriting`` (keeping what
    the course file lists already).
    """
    from traitlets.config import Config, PyFileConfigLoader

    config = Config()
    path = course / "nbgrader_config.py"
    if path.is_file():
        config.merge(PyFileConfigLoader(path.name, path=str(course)).load_config())
    config.CourseDirectory.root = str(course)
    if assignment is not None:
        current = dict(config.Autograde.get("exclude_overwriting", {}) or {})
        keep = list(current.get(assignment.id, []))
        current[assignment.id] = sorted(set(keep) | set(module_files(assignment)))
        config.Autograde.exclude_overwriting = current
    return config


@dataclass(frozen=True)
class Course:
    """nbgrader 课程目录 / The resolved directories and gradebook of an nbgrader course."""

    root: Path
    source: str
    release: str
    submitted: str
    autograded: str
    feedback: str
    db_url: str
    course_id: str

    @classmethod
    def open(cls, root: Path, *, create: bool = False) -> Course:
        """读取课程配置 / Resolve a course root with its nbgrader_config.py.

        Refuses a relative sqlite ``db_url`` (nbgrader would resolve it against whatever the
        current folder is) and, unless ``create`` (``setup``), a course without its gradebook
        (a mistyped ``--course`` must not leave a stray empty ``gradebook.db``).
        """
        from nbgrader.coursedir import CourseDirectory

        root = Path(root).resolve()
        if not root.is_dir():
            raise BridgeError(M["no_course"].format(root=root).joined())
        cd = CourseDirectory(config=load_config(root))
        url = cd.db_url
        if url.startswith("sqlite:///"):
            db = url[len("sqlite:///") :]
            if not db.startswith("/") and db != ":memory:":
                raise BridgeError(
                    M["relative_db"]
                    .format(
                        url=repr(url),
                        config=root / "nbgrader_config.py",
                        db=root / "gradebook.db",
                    )
                    .joined()
                )
            if not create and not Path(db).is_file():
                raise BridgeError(M["no_gradebook"].format(root=root, db=db).joined())
        return cls(
            root=root,
            source=cd.source_directory,
            release=cd.release_directory,
            submitted=cd.submitted_directory,
            autograded=cd.autograded_directory,
            feedback=cd.feedback_directory,
            db_url=cd.db_url,
            course_id=cd.course_id,
        )

    def path(self, kind: str, student: str | None, aid: str) -> Path:
        """``<kind>/[<student>/]<aid>`` 的路径 / Path of an assignment folder of one kind."""
        base = self.root / getattr(self, kind)
        return base / student / aid if student is not None else base / aid

    def reports(self, aid: str) -> Path:
        """可信评分报告目录 / Folder of the trusted grader's reports for ``aid``."""
        return self.root / REPORTS_DIR / aid


def _nbgrader_env() -> dict[str, str]:
    """nbgrader 子进程的环境 / Environment of nbgrader child processes.

    nbgrader runs the ``alembic`` script of its own environment: put it first on PATH.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


@contextlib.contextmanager
def gradebook(course: Course) -> Iterator[Any]:
    """打开课程成绩库 / Open the course's gradebook (nbgrader's ``Gradebook``).

    A new database is created by nbgrader's ``alembic`` script: the environment's scripts
    folder is put on PATH while the gradebook opens.
    """
    from nbgrader.api import Gradebook

    old = os.environ.get("PATH", "")
    os.environ["PATH"] = _nbgrader_env()["PATH"]
    try:
        gb = Gradebook(course.db_url, course.course_id)
    finally:
        os.environ["PATH"] = old
    with gb:
        yield gb


# ------------------------------------------------------------------------------ hidden tests
def hidden_test_problems(folder: Path) -> list[str]:
    """笔记本中的隐藏测试 / Hidden-test regions in the notebooks of ``folder``.

    The kit grades hidden tasks with its trusted grader; a notebook hidden test would be shown
    to the student by nbgrader's feedback and run in the student's kernel, so it is refused.
    """
    problems = []
    for nb in sorted(folder.glob("*.ipynb")):
        text = nb.read_text(encoding="utf-8", errors="replace")
        for marker in HIDDEN_MARKERS:
            if marker.lower() in text.lower():
                problems.append(M["hidden_test"].format(nb=nb, marker=repr(marker)).joined())
                break
    return problems


def feedback_leaks(html_text: str) -> list[str]:
    """反馈 HTML 中的隐藏测试痕迹 / Hidden-test markers found in a feedback HTML text."""
    low = html_text.lower()
    return [m for m in HIDDEN_MARKERS if m.lower() in low]


# ------------------------------------------------------------------------------ setup
def source_edits(src: Path, kit_src: Path) -> list[str]:
    """课程 source 中与套件不同的文件 / Files of ``src`` that differ from the kit's source."""
    if not src.is_dir():
        return []
    skip = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}

    def files(d: Path) -> dict[str, bytes]:
        return {
            p.relative_to(d).as_posix(): p.read_bytes()
            for p in d.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(d).parts) and p.suffix != ".pyc"
        }

    mine, kit = files(src), files(kit_src)
    return sorted(k for k in mine.keys() | kit.keys() if mine.get(k) != kit.get(k))


def _dotted(cls: type) -> str:
    return f"{cls.__module__}.{cls.__name__}"


def autograde_steps(*, trusted: bool) -> list[str]:
    """nbgrader 自动评分的预处理器 / nbgrader's autograde preprocessors, made safe.

    nbgrader's own list with ``Execute`` replaced by
    :class:`grader.nbgrader_sandbox.SandboxedExecute` (the notebook runs in the sandbox) and,
    when ``trusted`` (nbgrader's own autograde, e.g. formgrader's button),
    :class:`grader.nbgrader_guard.TrustedScores` right after ``SaveAutoGrades`` (so the late
    penalty that follows is computed from the trusted scores).
    """
    from nbgrader.converters import Autograde

    out: list[str] = []
    for cls in Autograde.autograde_preprocessors.default():
        if cls.__name__ == "Execute":
            out.append("grader.nbgrader_sandbox.SandboxedExecute")
            continue
        out.append(_dotted(cls))
        if trusted and cls.__name__ == "SaveAutoGrades":
            out.append("grader.nbgrader_guard.TrustedScores")
    return out


CONFIG_BEGIN = "# >>> nnkit: python -m grader nbgrader setup >>>"
CONFIG_END = "# <<< nnkit <<<"


def course_config_block() -> str:
    """课程配置中套件的部分 / The kit's block of a course's ``nbgrader_config.py``.

    Makes nbgrader's own commands and formgrader's buttons safe: student modules never
    overwritten; the notebook kernel in the sandbox; trusted scores in nbgrader's autograde
    (before its late penalty); solutions stripped from generated ``.py`` (or the release
    refused); the trusted report inside the feedback notebook; ``zip_collect`` also collects
    ``.py`` modules.
    """
    from nbgrader.converters import GenerateAssignment, GenerateFeedback

    excl = {x.id: sorted(module_files(x)) for x in manifest.ASSIGNMENTS.values()}
    auto = autograde_steps(trusted=True)
    gen = [*map(_dotted, GenerateAssignment.preprocessors.default())]
    gen.append("grader.nbgrader_guard.StripStudentModules")
    fb = [*map(_dotted, GenerateFeedback.preprocessors.default())]
    fb.append("grader.nbgrader_feedback.TrustedReportCells")
    return "\n".join(
        [
            CONFIG_BEGIN,
            Text(
                "# 由 setup 写入，块内修改会在下次 setup 时被替换",
                "written by setup; edits inside this block are replaced by the next setup",
            ).joined(),
            f"c.Autograde.exclude_overwriting = {excl!r}",
            f"c.Autograde.autograde_preprocessors = {auto!r}",
            f"c.GenerateAssignment.preprocessors = {gen!r}",
            f"c.GenerateFeedback.preprocessors = {fb!r}",
            "c.FileNameCollectorPlugin.valid_ext = ['.ipynb', '.py']",
            CONFIG_END,
        ]
    )


def write_course_config(root: Path) -> str:
    """写入/更新课程配置中的套件块 / Write or replace the kit's block in the course config."""
    path = root / "nbgrader_config.py"
    text = path.read_text(encoding="utf-8") if path.is_file() else "c = get_config()  # noqa\n"
    block = course_config_block()
    if CONFIG_BEGIN in text and CONFIG_END in text:
        head, rest = text.split(CONFIG_BEGIN, 1)
        tail = rest.split(CONFIG_END, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
    return M["course_config"].format(path=path).joined()


def setup_assignment(
    course_root: Path, aid: str, kit_root: Path = KIT_ROOT, *, force: bool = False
) -> list[str]:
    """把套件的作业装进 nbgrader 课程 / Put one kit assignment into an nbgrader course.

    1. ``<source>/<aid>`` ← the kit's ``solutions/<folder>`` (skipped when the course *is* the
       kit, i.e. the same folder); refused when ``<source>/<aid>`` holds edits (files that
       differ from the kit's) unless ``force``; the kit's block is written into the course's
       ``nbgrader_config.py`` (:func:`course_config_block`);
    2. refuse notebooks with hidden tests;
    3. nbgrader ``generate_assignment`` (records the notebook and its grade cells in the
       course's gradebook);
    4. ``<release>/<aid>`` ← the kit's ``assignments/<folder>``: nbgrader copies ``.py``
       verbatim (solutions would leak), the kit's build strips them fail-closed.

    Returns the zh/en lines to print.
    """
    a = manifest.get(aid)
    course = Course.open(course_root, create=True)
    kit_src = (kit_root / "solutions" / a.folder).resolve()
    kit_rel = (kit_root / "assignments" / a.folder).resolve()
    if not kit_src.is_dir() or not kit_rel.is_dir():
        raise BridgeError(M["not_built"].format(aid=aid).joined())
    src = course.path("source", None, aid)
    rel = course.path("release", None, aid)
    lines = []
    with tempfile.TemporaryDirectory(prefix="nnkit-setup-") as tmp:
        # Snapshot the kit's stripped release first: nbgrader writes its own (unstripped .py)
        # release, which may be the kit's folder itself when the course is the kit.
        snapshot = Path(tmp) / "release"
        shutil.copytree(kit_rel, snapshot, ignore=_IGNORE)
        if src.resolve() != kit_src:
            edited = source_edits(src, kit_src)
            if edited and not force:
                raise BridgeError(
                    M["edited"]
                    .format(src=src, folder=a.folder, files=", ".join(edited[:8]))
                    .joined()
                )
            if src.exists():
                shutil.rmtree(src)
            shutil.copytree(kit_src, src, ignore=_IGNORE)
            lines.append(f"{Text('源目录', 'source').joined()}: {src} ← {kit_src}")
            lines.append(write_course_config(course.root))
        problems = hidden_test_problems(src)
        if problems:
            raise BridgeError("\n".join(problems))
        try:
            result = _run_child("generate", course.root, aid, [""], DEFAULT_TIMEOUT)[""]
        finally:
            if rel.exists():
                shutil.rmtree(rel)
            shutil.copytree(snapshot, rel)
        if not result.get("success"):
            raise BridgeError(
                f"nbgrader generate_assignment {aid} {Text('失败', 'failed').joined()}:\n"
                f"{result.get('error', '')}"
            )
    recorded = Text("成绩库已登记", "recorded in the gradebook").joined()
    lines.append(f"nbgrader generate_assignment {aid}: {recorded}")
    lines.append(M["release"].format(rel=rel, kit=kit_rel).joined())
    leaks = [
        str(p)
        for p in rel.rglob("*.py")
        if "BEGIN SOLUTION" in p.read_text(encoding="utf-8", errors="replace")
    ]
    if leaks:
        raise BridgeError(
            f"{Text('发布版含解答', 'the release leaks solutions').joined()}: {leaks}"
        )
    return lines


# ------------------------------------------------------------------------------ child process
def _run_child(
    action: str,
    course: Path,
    aid: str,
    students: Sequence[str],
    timeout: float,
    opts: dict[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """在子进程中运行 nbgrader 操作 / Run one nbgrader action in a child process.

    ``students`` are handled one after the other in the child, each by its own nbgrader API
    call (``[""]`` for an action without a student). The child has its own session: on timeout
    its whole process group (nbgrader and any kernel) is killed. Returns student ->
    ``{"success", "error", "log"}``; a student without a reply gets the failure.
    """
    cmd = [
        sys.executable,
        "-m",
        "grader.nbgrader_bridge",
        action,
        str(course),
        aid,
        json.dumps(list(students)),
        json.dumps(opts or {}),
    ]
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            cmd,
            cwd=course,
            env=_nbgrader_env(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    for line in stdout.splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict) and data.get("student") in students:
            results[data["student"]] = data
    for s in students:
        if s in results:
            continue
        if timed_out:
            results[s] = {
                "success": False,
                "timeout": True,
                "error": M["timeout"].format(t=timeout).joined(),
                "log": stderr[-20000:],
            }
        else:
            results[s] = {
                "success": False,
                "error": f"{M['child_exit'].format(rc=proc.returncode).joined()}: {stderr[-2000:]}",
                "log": stderr[-20000:],
            }
    return results


def child_config(course: Path, a: Assignment, opts: dict[str, Any]) -> Any:
    """子进程中 nbgrader 的配置 / The nbgrader config of a bridge child process.

    The course's config plus: student modules never overwritten; the notebook executed in the
    sandbox (:class:`grader.nbgrader_sandbox.SandboxedExecute`); nbgrader's default
    preprocessors (the course config's guards are for formgrader's buttons, not the bridge).
    ``opts``: ``submitted``/``autograded`` (absolute folders of a shadow course, so nbgrader
    reads the snapshot and the kernel's working folder lies outside the course), ``execute``
    (False: record the notebook without running any of it).
    """
    from nbgrader.converters import Autograde, GenerateAssignment, GenerateFeedback

    config = load_config(course, a)
    course_dir = Course.open(course, create=True)
    config.Autograde.sanitize_preprocessors = list(Autograde.sanitize_preprocessors.default())
    steps = autograde_steps(trusted=False)
    if not opts.get("execute", True):
        steps = [p for p in steps if not p.endswith("Execute")]
    config.Autograde.autograde_preprocessors = steps
    config.GenerateAssignment.preprocessors = list(GenerateAssignment.preprocessors.default())
    config.GenerateFeedback.preprocessors = [
        *GenerateFeedback.preprocessors.default(),
        "grader.nbgrader_feedback.TrustedReportCells",
    ]
    config.TrustedReportCells.reports_dir = str(course_dir.reports(a.id))
    if opts.get("submitted"):
        config.CourseDirectory.root = opts["root"]
        config.CourseDirectory.source_directory = str(course_dir.root / course_dir.source)
        config.CourseDirectory.submitted_directory = opts["submitted"]
        config.CourseDirectory.autograded_directory = opts["autograded"]
        config.CourseDirectory.db_url = course_dir.db_url
    return config


def _child_main(argv: Sequence[str]) -> int:
    """子进程入口 / Child entry: ``python -m grader.nbgrader_bridge ACTION COURSE AID STUDENTS
    OPTS``.

    Prints one JSON line per student: ``{"student", "success", "error", "log"}``.
    """
    action, course, aid, students, opts = argv
    from nbgrader.apps import NbGraderAPI

    a = manifest.get(aid)
    api = NbGraderAPI(config=child_config(Path(course), a, json.loads(opts)))
    for student in json.loads(students):
        if action == "autograde":
            result = api.autograde(aid, student, force=True, create=True)
        elif action == "generate":
            result = api.generate_assignment(aid, force=True, create=True)
        elif action == "feedback":
            result = api.generate_feedback(aid, student, force=True)
        else:
            raise SystemExit(f"unknown action {action}")
        reply = {k: result.get(k) for k in ("success", "error", "log")}
        print(json.dumps({"student": student, **reply}), flush=True)
    return 0


# ------------------------------------------------------------------------------ gradebook
def _status_text(status: str) -> Text:
    """任务状态的双语名称 / A task status in both languages (an unknown status as it is)."""
    from grader.engine import STATUS_TEXT

    return STATUS_TEXT.get(status) or Text.of(status)


def task_comment(task: dict[str, Any]) -> str:
    """可信评分的中英评语 / The zh/en comment of one trusted task result."""
    head = (
        f"[{TRUSTED.joined()}] {task.get('points', 0):g}/"
        f"{task.get('max_points', 0):g} {_status_text(task.get('status', '')).joined()}"
    )
    body = [task.get("message_zh", ""), task.get("message_en", ""), *task.get("hints", [])]
    return "\n".join([head, *(b for b in body if b)])


def auto_cells(a: Assignment) -> dict[str, manifest.Task]:
    """自动评分任务的单元 id / Grade-cell id -> auto task of an assignment."""
    return {manifest.cell_id(t.id): t for t in a.tasks if t.kind == "auto"}


def answer_cells(notebook: Path) -> set[str]:
    """助教评分的作答单元 / grade_ids of TA-graded answer cells (``solution`` and ``grade``).

    A graded code cell that is also a solution cell is a code *answer* graded by a TA (its
    score never comes from the kernel), not an autograder test.
    """
    import nbformat

    try:
        nb = nbformat.read(notebook, as_version=4)
    except (OSError, ValueError):
        return set()
    out = set()
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade") and meta.get("grade_id"):
            out.add(meta["grade_id"])
    return out


def check_gradebook(course: Course, a: Assignment) -> list[str]:
    """成绩库与清单一致 / Check the gradebook's record of ``a`` against the manifest.

    Every autograded grade cell (code, not a solution) must be a task of the trusted grader:
    otherwise its score would come from the student's kernel. Returns problems (zh/en).
    """
    from nbgrader.api import MissingEntry

    nb_name = Path(a.notebook).stem
    problems: list[str] = []
    with gradebook(course) as gb:
        try:
            nb = gb.find_notebook(nb_name, a.id)
        except MissingEntry:
            return [M["no_gradebook_entry"].format(nb=f"{a.id}/{nb_name}").joined()]
        cells = auto_cells(a)
        manual = {manifest.cell_id(t.id) for t in a.tasks if t.kind == "manual"}
        manual |= answer_cells(course.path("source", None, a.id) / a.notebook)
        for gc in nb.grade_cells:
            untrusted = gc.cell_type == "code" and gc.name not in cells and gc.name not in manual
            if untrusted:
                problems.append(
                    f"{a.id}/{nb_name}: {M['untrusted_cell'].format(cell=gc.name).joined()}"
                )
        names = {gc.name for gc in nb.grade_cells}
        for cid in cells:
            if cid not in names:
                problems.append(f"{a.id}/{nb_name}: {M['no_grade_cell'].format(cid=cid).joined()}")
    return problems


def write_trusted_scores(
    course: Course,
    a: Assignment,
    student: str,
    report: dict[str, Any] | None,
    *,
    previous: dict[str, float] | None = None,
    reason: str = "",
    timestamp: Any = None,
) -> tuple[dict[str, float], dict[str, float]]:
    """把可信分数写入成绩库 / Write a trusted report's points into the gradebook.

    For each autograded task: ``manual_score`` of grade cell ``cell_id(task)`` (scaled to the
    cell's points if they differ), ``needs_manual_grade = False`` and an ``auto_comment`` with
    the zh/en summary. ``report = None`` (the submission could not be graded, ``reason`` says
    why) writes 0 with that reason. Creates the student and submission when nbgrader did not
    get that far, and records the submission ``timestamp`` (for the late policy).

    A cell whose ``manual_score`` differs from what the bridge wrote last time (``previous``)
    was overridden by a TA in formgrader: it is kept. Manual (written-answer) cells are not
    touched. Returns (cell id -> score written, cell id -> TA override kept).
    """
    from nbgrader.api import Comment, MissingEntry

    nb_name = Path(a.notebook).stem
    cells = auto_cells(a)
    by_task = {t["id"]: t for t in (report or {}).get("tasks", [])}
    previous = previous or {}
    written: dict[str, float] = {}
    kept: dict[str, float] = {}
    with gradebook(course) as gb:
        gb.update_or_create_student(student)
        if timestamp is not None:
            gb.update_or_create_submission(a.id, student, timestamp=timestamp)
        else:
            try:
                gb.find_submission(a.id, student)
            except MissingEntry:
                gb.add_submission(a.id, student)
        snb = gb.find_submission_notebook(nb_name, a.id, student)
        for cid, task in cells.items():
            res = by_task.get(task.id)
            try:
                grade = gb.find_grade(cid, nb_name, a.id, student)
            except MissingEntry:
                continue
            if (
                cid in previous
                and grade.manual_score is not None
                and abs(float(grade.manual_score) - previous[cid]) > 1e-9
            ):
                kept[cid] = float(grade.manual_score)
                grade.needs_manual_grade = False
                continue
            max_cell = float(grade.max_score or 0.0)
            if res is None or not res.get("max_points"):
                score = 0.0
                why = reason or Text("未评分", "not graded by the trusted grader").joined()
                text = f"[{TRUSTED.joined()}] 0/{max_cell:g} {why}"
            else:
                score = round(float(res["points"]) * max_cell / float(res["max_points"]), 4)
                text = task_comment(res)
            grade.manual_score = score
            grade.needs_manual_grade = False
            comment = (
                gb.db.query(Comment)
                .filter(Comment.cell_id == grade.cell_id, Comment.notebook_id == snb.id)
                .one_or_none()
            )
            if comment is None:
                comment = Comment(cell_id=grade.cell_id, notebook=snb)
                gb.db.add(comment)
            comment.auto_comment = text
            written[cid] = score
        gb.db.commit()
    return written, kept


def apply_late_penalty(course: Course, a: Assignment, student: str) -> float:
    """按课程的迟交策略重算罚分 / Recompute the late penalty from the trusted scores.

    nbgrader computes the penalty inside its own autograde, from whatever the gradebook held
    then. The bridge recomputes it after the trusted scores are in, with the course's own
    plugin (``AssignLatePenalties.plugin_class``, ``LateSubmissionPlugin.penalty_method``) and
    nbgrader's own clamping, so nbgrader's export and the kit's agree. Returns the penalty.
    """
    from nbgrader.preprocessors import AssignLatePenalties

    nb_name = Path(a.notebook).stem
    pp = AssignLatePenalties(config=load_config(course.root, a))
    pp.init_plugin()
    with gradebook(course) as gb:
        sub = gb.find_submission(a.id, student)
        snb = gb.find_submission_notebook(nb_name, a.id, student)
        snb.late_submission_penalty = None
        penalty = 0.0
        if sub.total_seconds_late > 0:
            value = pp.plugin_inst.late_submission_penalty(
                student, snb.score, sub.total_seconds_late
            )
            if value is not None:
                penalty = float(pp._check_late_penalty(snb, value))
                snb.late_submission_penalty = penalty
        gb.db.commit()
    return penalty


# ------------------------------------------------------------------------------ autograde
@dataclass
class StudentOutcome:
    """一个学生的桥接结果 / What the bridge did for one student."""

    student: str
    nbgrader: str = "not_run"  # ok | failed | timeout | layout
    nbgrader_error: str = ""
    notebook: str = ""  # executed | recorded (not executed: written answers kept) | none
    modules_kept: bool | None = None
    fingerprint: str = ""
    reused: bool = False
    trusted_total: float = 0.0
    trusted_max: float = 0.0
    late_penalty: float = 0.0
    written: dict[str, float] = field(default_factory=dict)
    overrides_kept: dict[str, float] = field(default_factory=dict)
    kernel_scores: dict[str, float | None] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    isolation: str = ""


def list_students(course: Course, aid: str) -> list[str]:
    """有提交的学生 / Students with a ``submitted/<student>/<aid>`` folder."""
    base = course.root / course.submitted
    if not base.is_dir():
        return []
    return sorted(d.name for d in base.iterdir() if (d / aid).is_dir())


def check_modules_kept(ag: Path, snap: Path, a: Assignment, student: str) -> list[str]:
    """autograded/ 中的模块是学生的 / The modules nbgrader used are the snapshot's own."""
    problems = []
    for name in module_files(a):
        s, g = snap / name, ag / name
        if g.exists() and (not s.exists() or s.read_bytes() != g.read_bytes()):
            problems.append(f"{student}: autograded/{a.id}/{name} {NOT_SUBMITTED.joined()}")
    return problems


def _kernel_scores(course: Course, a: Assignment, student: str) -> dict[str, float | None]:
    """nbgrader 在学生内核中得到的 auto_score（仅供对照）/ Kernel auto_scores, for reference."""
    from nbgrader.api import MissingEntry

    out: dict[str, float | None] = {}
    nb_name = Path(a.notebook).stem
    with gradebook(course) as gb:
        for cid in auto_cells(a):
            try:
                out[cid] = gb.find_grade(cid, nb_name, a.id, student).auto_score
            except MissingEntry:
                out[cid] = None
    return out


def _first_error_line(result: dict[str, Any]) -> str:
    """失败原因的一行摘要 / One line saying why an nbgrader run failed (its last exception)."""
    text = (result.get("error") or "") + "\n" + (result.get("log") or "")
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    found = [
        x
        for x in lines
        if re.match(r"^[\w.]*(Error|Exception)\b.*?:", x) and "NbGraderException" not in x
    ]
    pick = found[-1] if found else (lines[-1] if lines else "?")
    return pick[:300]


def recorded_notebook(release_nb: Path, student_nb: Path) -> Any:
    """不执行的笔记本：发布版结构 + 学生的作答 / The release notebook with the student's answers.

    Used when the student's notebook cannot be executed (corrupt, duplicated grade cell,
    hanging): every answer cell (``solution``) of the release takes the source of the
    student's first cell with the same ``grade_id``; everything else is the release's. No
    outputs, nothing executed: the written answers reach formgrader for the TAs.
    """
    import nbformat

    nb = nbformat.read(release_nb, as_version=4)
    answers: dict[str, str] = {}
    try:
        mine = nbformat.read(student_nb, as_version=4)
        for cell in mine.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            gid = meta.get("grade_id")
            if gid and meta.get("solution") and gid not in answers:
                answers[gid] = cell.source
    except Exception:  # not JSON, not a notebook, missing: the release's cells stay
        pass
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in answers:
            cell.source = answers[meta["grade_id"]]
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def _load_state(path: Path) -> dict[str, dict[str, Any]]:
    """上次运行的结果 / Outcomes of earlier runs (``bridge.json``), by student."""
    try:
        return {o["student"]: o for o in json.loads(path.read_text(encoding="utf-8"))}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _submission_timestamp(course: Course, snap: Path) -> Any:
    """提交时间（timestamp.txt）/ The submission time nbgrader would read, or None."""
    from nbgrader.coursedir import CourseDirectory

    cd = CourseDirectory(config=load_config(course.root))
    return cd.get_existing_timestamp(str(snap))


def _nbgrader_notebook(
    course: Course, a: Assignment, s: str, snap_root: Path, work: Path, timeout: float
) -> tuple[dict[str, Any], Path]:
    """在影子课程中运行 nbgrader autograde / nbgrader's autograde of one snapshot.

    The shadow course reads ``snap_root/<s>/<aid>`` and writes ``work/autograded``: the
    sandboxed kernel's working folder is outside the course. Returns (result, autograded dir).
    """
    ag = work / "autograded"
    opts = {"root": str(work), "submitted": str(snap_root), "autograded": str(ag)}
    result = _run_child("autograde", course.root, a.id, [s], timeout, opts)[s]
    return result, ag / s / a.id


def _record_only(
    course: Course, a: Assignment, s: str, snap: Path, work: Path, timeout: float
) -> tuple[dict[str, Any], Path]:
    """把失败笔记本的作答登记到成绩库（不执行）/ Record a failed notebook without running it."""
    import nbformat

    rec_root = work / "recorded"
    rec = rec_root / s / a.id
    if rec.exists():
        shutil.rmtree(rec)
    shutil.copytree(snap, rec)
    release_nb = course.path("release", None, a.id) / a.notebook
    nbformat.write(recorded_notebook(release_nb, snap / a.notebook), rec / a.notebook)
    ag = work / "autograded-rec"
    opts = {
        "root": str(work),
        "submitted": str(rec_root),
        "autograded": str(ag),
        "execute": False,
    }
    result = _run_child("autograde", course.root, a.id, [s], timeout, opts)[s]
    return result, ag / s / a.id


def _install_autograded(course: Course, aid: str, s: str, built: Path) -> None:
    """把影子课程的结果放进课程的 autograded/ / Move a shadow result into the course."""
    dest = course.path("autograded", s, aid)
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(built, dest, symlinks=True)


def autograde(
    course_root: Path,
    aid: str,
    students: Sequence[str] | None = None,
    *,
    workers: int = 1,
    timeout: float = DEFAULT_TIMEOUT,
    force: bool = False,
    log: Any = print,
) -> tuple[int, list[StudentOutcome]]:
    """nbgrader 自动评分 + 可信评分写入成绩库 / Autograde with nbgrader, score with the kit.

    1. per student, before any student code runs: the layout check
       (:func:`grader.nbgrader_layout.check_layout`) and a snapshot of the submission with its
       SHA-256; a student whose layout is unusable gets 0 with the reason and a fix, nothing of
       theirs runs, nobody else is affected;
    2. the trusted grader on the snapshots (``workers`` processes, its own sandbox);
    3. nbgrader's autograde of each *changed* snapshot (unchanged ones keep their notebook, TA
       flags and grades) in a shadow course, its kernel inside the allow-list sandbox; a
       notebook that fails is recorded without execution so its written answers reach
       formgrader;
    4. the trusted points into the gradebook (TA overrides kept), then the course's late
       policy on those points;
    5. ``bridge.json`` and ``grades.csv`` for the whole class.

    Returns (exit code, outcomes of the students handled): 0 when every student has trusted
    scores written, 3 on a grader error.
    """
    from grader.batch import grade_batch
    from grader.nbgrader_layout import check_layout, snapshot, snapshot_hash
    from grader.sandbox import SandboxUnavailable, isolation_report

    a = manifest.get(aid)
    course = Course.open(course_root)
    problems = hidden_test_problems(course.path("source", None, aid))
    problems += check_gradebook(course, a)
    if problems:
        raise BridgeError("\n".join(problems))
    try:
        isolation_report()
    except SandboxUnavailable as exc:
        raise BridgeError(f"{M['no_sandbox'].joined()}: {exc}") from exc
    everyone = list_students(course, aid)
    chosen = list(dict.fromkeys(students)) if students else everyone
    if not chosen:
        raise BridgeError(M["no_submissions"].format(aid=aid).joined())
    reports_dir = course.reports(aid)
    reports_dir.mkdir(parents=True, exist_ok=True)
    state = _load_state(reports_dir / "bridge.json")
    outcomes = {s: StudentOutcome(s) for s in chosen}
    code = 0
    with tempfile.TemporaryDirectory(prefix="nnkit-bridge-") as tmp_name:
        tmp = Path(tmp_name)
        snap_root, trusted_root = tmp / "snapshot", tmp / "trusted"
        (tmp / "work").mkdir()
        ready: list[str] = []
        for s in chosen:  # 1. layout + snapshot, before any student code runs
            o = outcomes[s]
            lay = check_layout(course.path("submitted", s, aid), a, s)
            o.warnings += lay.warnings
            if lay.ok:
                try:
                    snapshot(course.path("submitted", s, aid), snap_root / s / aid)
                    snapshot(snap_root / s / aid, trusted_root / s)
                except OSError as exc:
                    lay.fatal.append(
                        f"{Text('无法复制提交', 'cannot copy the submission').joined()}: {exc}"
                    )
            if not lay.ok:
                o.nbgrader, o.problems = "layout", o.problems + lay.fatal
                o.trusted_max = sum(t.points for t in a.tasks if t.kind == "auto")
                log(f"  {s}: {lay.fatal[0]}")
                continue
            o.fingerprint = snapshot_hash(snap_root / s / aid)
            ready.append(s)

        log(M["trusted_start"].format(n=len(ready)).joined())
        by_student: dict[str, dict[str, Any]] = {}
        if ready:  # 2. trusted grader on the snapshots
            code, reports = grade_batch(
                aid, [trusted_root / s for s in ready], reports_dir, workers=workers, quiet=True
            )
            by_student = {r["student"]: r for r in reports}

        for k, s in enumerate(ready, 1):  # 3. nbgrader, sandboxed, changed snapshots only
            o, prev = outcomes[s], state.get(s, {})
            snap = snap_root / s / aid
            unchanged = (
                not force
                and prev.get("fingerprint") == o.fingerprint
                and prev.get("nbgrader") in ("ok", "failed", "timeout")
                and (course.path("autograded", s, aid) / a.notebook).is_file()
            )
            if unchanged:
                o.reused = True
                for key in ("nbgrader", "nbgrader_error", "notebook", "modules_kept"):
                    setattr(o, key, prev.get(key, getattr(o, key)))
                log(f"[{k}/{len(ready)}] {s}: {Text('未改变，沿用', 'unchanged, kept').joined()}")
                continue
            started = Text("nbgrader 自动评分（沙箱）", "autograde (sandboxed)").joined()
            log(f"[{k}/{len(ready)}] {started} {aid} {s} …")
            result, built = _nbgrader_notebook(course, a, s, snap_root, tmp / "work", timeout)
            (reports_dir / s).mkdir(parents=True, exist_ok=True)
            (reports_dir / s / "nbgrader_autograde.log").write_text(
                (result.get("log") or "") + "\n" + (result.get("error") or ""), encoding="utf-8"
            )
            if result.get("success"):
                o.nbgrader, o.notebook = "ok", "executed"
                kept = check_modules_kept(built, snap, a, s)
                o.modules_kept = not kept
                o.problems += kept
                _install_autograded(course, aid, s, built)
                continue
            o.nbgrader = "timeout" if result.get("timeout") else "failed"
            o.nbgrader_error = _first_error_line(result)
            log(f"    {M['record_only'].joined()}: {o.nbgrader_error}")
            rec, built = _record_only(course, a, s, snap, tmp / "work", timeout)
            if rec.get("success"):
                o.notebook = "recorded"
                _install_autograded(course, aid, s, built)
            else:
                o.notebook = "none"
                o.problems.append(f"{s}: {M['not_recorded'].joined()}: {_first_error_line(rec)}")

        for s in chosen:  # layout problems: the release notebook, so feedback says why
            o = outcomes[s]
            if o.nbgrader != "layout" or not course.path("submitted", s, aid).is_dir():
                continue
            empty = tmp / "empty" / s
            empty.mkdir(parents=True)
            for name in ("timestamp.txt", "submission_secret.txt"):
                src = course.path("submitted", s, aid) / name
                if src.is_file() and not src.is_symlink():
                    shutil.copyfile(src, empty / name)
            rec, built = _record_only(course, a, s, empty, tmp / "work", timeout)
            if rec.get("success"):
                o.notebook = "recorded"
                _install_autograded(course, aid, s, built)

        for s in chosen:  # 4. trusted points + late policy
            o = outcomes[s]
            previous = {k: float(v) for k, v in (state.get(s, {}).get("written") or {}).items()}
            if o.nbgrader == "layout":
                if not course.path("submitted", s, aid).is_dir():
                    continue  # a mistyped --student: never a phantom student in the gradebook
                o.written, o.overrides_kept = write_trusted_scores(
                    course, a, s, None, previous=previous, reason=o.problems[0]
                )
                o.late_penalty = apply_late_penalty(course, a, s)
                continue
            report = by_student.get(s)
            if report is None:
                o.problems.append(f"{s}: {M['no_report'].joined()}")
                code = code or 3
                continue
            iso = report.get("isolation", {})
            o.isolation = (
                f"{iso.get('level', '?')} — {iso.get('description_en', '')}" if iso else ""
            )
            o.trusted_total = float(report.get("total", 0.0))
            o.trusted_max = float(report.get("max_total", 0.0))
            o.kernel_scores = _kernel_scores(course, a, s) if o.nbgrader == "ok" else {}
            o.written, o.overrides_kept = write_trusted_scores(
                course,
                a,
                s,
                report,
                previous=previous,
                timestamp=_submission_timestamp(course, snap_root / s / aid),
            )
            o.written.update({c: previous[c] for c in o.overrides_kept if c in previous})
            o.late_penalty = apply_late_penalty(course, a, s)

    merged = {**state, **{s: asdict(o) for s, o in outcomes.items()}}
    merged = {s: merged[s] for s in sorted(merged) if s in everyone}
    (reports_dir / "bridge.json").write_text(
        json.dumps(list(merged.values()), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    _write_class_csv(course, a, merged)
    return code, [outcomes[s] for s in chosen]


def _write_class_csv(course: Course, a: Assignment, outcomes: dict[str, dict[str, Any]]) -> None:
    """全班的 grades.csv（可信评分）/ The whole class's trusted ``grades.csv``.

    One row per student with a trusted report; a student whose layout was unusable has a row
    of zeros (their cells hold 0 with the reason).
    """
    from grader.batch import write_csv

    reports = []
    zero = sum(t.points for t in a.tasks if t.kind == "auto")
    for s, o in outcomes.items():
        path = course.reports(a.id) / s / "report.json"
        try:
            if o.get("nbgrader") == "layout":
                raise ValueError("layout")
            reports.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            reports.append({"student": s, "tasks": [], "total": 0.0, "max_total": zero})
    write_csv(course.reports(a.id), a.id, reports)


# ------------------------------------------------------------------------------ feedback
def locked_cell_leaks(notebook: Path) -> list[str]:
    """测试单元中的隐藏测试 / grade_ids of non-answer cells that carry a hidden-test marker.

    Only the instructor's cells (not ``solution``) count: a student who types "BEGIN HIDDEN
    TESTS" into an answer shows nothing hidden and keeps their feedback.
    """
    import nbformat

    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception:
        return []
    out = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            continue
        if feedback_leaks(cell.source):
            out.append(str(meta.get("grade_id") or cell.get("id") or "?"))
    return out


def generate_feedback(
    course_root: Path,
    aid: str,
    students: Sequence[str] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[dict[str, list[str]], list[str]]:
    """生成反馈 / nbgrader ``generate_feedback`` per student, with the trusted report inside.

    Every student with an autograded notebook (a failed notebook is recorded without running
    it, so every student has one) gets ``feedback/<student>/<aid>/<notebook>.html`` whose first
    cell is the trusted zh/en report and whose autograded cells are each followed by the
    trusted comment; ``timestamp.txt`` and ``submission_secret.txt`` are checked so that
    ``nbgrader release_feedback`` cannot crash on one student. A feedback page is refused
    (deleted, reported) when an instructor cell of the notebook carries a hidden-test marker.
    Returns (student -> zh/en lines, the feedback files deleted).
    """
    from nbgrader.coursedir import CourseDirectory

    a = manifest.get(aid)
    course = Course.open(course_root)
    base = course.root / course.autograded
    if not students:
        students = (
            sorted(d.name for d in base.iterdir() if (d / aid).is_dir()) if base.is_dir() else []
        )
    out: dict[str, list[str]] = {}
    deleted: list[str] = []
    graded = []
    for s in students:
        nb = course.path("autograded", s, aid) / a.notebook
        if not nb.is_file():
            out[s] = [
                Text(
                    "没有可生成反馈的笔记本（先运行 autograde）",
                    "no autograded notebook (run autograde first)",
                ).joined()
            ]
            continue
        leaks = locked_cell_leaks(nb)
        if leaks:
            fb = course.path("feedback", s, aid) / f"{Path(a.notebook).stem}.html"
            if fb.exists():
                fb.unlink()
            deleted.append(str(fb))
            out[s] = [M["feedback_leak"].format(cells=", ".join(leaks)).joined()]
            continue
        graded.append(s)
    results = _run_child("feedback", course.root, aid, graded, timeout) if graded else {}
    cd = CourseDirectory(config=load_config(course.root))
    for s in graded:
        fb = course.path("feedback", s, aid)
        if results[s].get("success"):
            lines = [f"{M['feedback_done'].joined()}: {fb}"]
        else:
            failed = Text("nbgrader 反馈失败", "nbgrader feedback failed").joined()
            lines = [f"{failed}: {_first_error_line(results[s])}"]
        if fb.is_dir():
            if not (fb / "timestamp.txt").is_file():
                stamp = cd.get_existing_timestamp(str(course.path("submitted", s, aid)))
                from datetime import UTC, datetime

                stamp = stamp or datetime.now(UTC)
                (fb / "timestamp.txt").write_text(str(stamp), encoding="utf-8")
                lines.append(
                    Text("已补写 timestamp.txt", "wrote the missing timestamp.txt").joined()
                )
            if not (fb / "submission_secret.txt").is_file():
                (fb / "submission_secret.txt").write_text(f"nnkit-no-secret-{s}", encoding="utf-8")
                lines.append(
                    Text(
                        "提交未经交换目录（无 submission_secret.txt）：release_feedback "
                        "不会失败，但学生无法 fetch，请直接发送该 HTML",
                        "not submitted through the exchange (no submission_secret.txt): "
                        "release_feedback will not fail, but the student cannot fetch it; hand "
                        "the HTML over directly",
                    ).joined()
                )
        out[s] = lines
    return out, deleted


# ------------------------------------------------------------------------------ export
def export_csv(course_root: Path, out: Path, assignments: Sequence[str] | None = None) -> Path:
    """成绩导出 / Export the gradebook to CSV: one row per student.

    Columns: ``student``; per assignment, one per grade cell (autograded tasks in manifest
    order, then the manual cells), ``<aid>.raw`` (sum of the cells), ``<aid>.late_penalty``
    (the course's late policy, as recomputed by :func:`apply_late_penalty` — the same number
    ``nbgrader export`` shows), ``<aid>.total`` = raw − penalty and ``<aid>.max``; then
    ``total``, ``max_total`` and ``needs_manual_grade`` (the cells still waiting for a TA).
    """
    import csv
    import io

    from nbgrader.api import MissingEntry

    course = Course.open(course_root)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    with gradebook(course) as gb:
        chosen = [x.name for x in gb.assignments]
        if assignments:
            chosen = [x for x in chosen if x in assignments]
        cols: list[tuple[str, str, str, float]] = []  # (aid, notebook, cell, max)
        for aid in sorted(chosen):
            known = manifest.ASSIGNMENTS.get(aid)
            order = {manifest.cell_id(t.id): i for i, t in enumerate(known.tasks if known else ())}
            for nb in gb.find_assignment(aid).notebooks:
                cells = sorted(nb.grade_cells, key=lambda c: (order.get(c.name, 999), c.name))
                cols += [(aid, nb.name, c.name, float(c.max_score)) for c in cells]
        header = ["student"]
        for aid in sorted(chosen):
            header += [f"{aid}.{c}" for x, _, c, _ in cols if x == aid]
            header += [f"{aid}.raw", f"{aid}.late_penalty", f"{aid}.total", f"{aid}.max"]
        w.writerow([*header, "total", "max_total", "needs_manual_grade"])
        for st in sorted(gb.students, key=lambda x: x.id):
            row: list[str] = [st.id]
            total = max_total = 0.0
            pending: list[str] = []
            for aid in sorted(chosen):
                sub_total = sub_max = 0.0
                for x, nb_name, cell, mx in cols:
                    if x != aid:
                        continue
                    try:
                        g = gb.find_grade(cell, nb_name, aid, st.id)
                        score = float(g.score or 0.0)
                        if g.needs_manual_grade:
                            pending.append(f"{aid}.{cell}")
                    except MissingEntry:
                        score = 0.0
                    row.append(f"{score:g}")
                    sub_total += score
                    sub_max += mx
                try:
                    penalty = float(gb.find_submission(aid, st.id).late_submission_penalty or 0)
                except MissingEntry:
                    penalty = 0.0
                raw = sub_total
                sub_total = max(0.0, raw - penalty)
                row += [f"{raw:g}", f"{penalty:g}", f"{sub_total:g}", f"{sub_max:g}"]
                total += sub_total
                max_total += sub_max
            w.writerow([*row, f"{total:g}", f"{max_total:g}", " ".join(pending)])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(buf.getvalue(), encoding="utf-8")
    return out


if __name__ == "__main__":
    raise SystemExit(_child_main(sys.argv[1:]))

"""评一份提交 / Grade one submission against one assignment's hidden suite.

Flow per task (see ``ARCHITECTURE.md``, "The trust boundary"):

1. The submission is copied once (regular files only) into a private folder together with the
   worker-side driver (:mod:`grader.driver`); nothing of the grader, the solutions or nncore.
2. One sandbox per submission (:class:`grader.sandbox.Sandbox`); each task gets a **fresh**
   worker in it (a new fork of the sandbox's zygote with its own uid; everything the previous
   task left is destroyed first, see :mod:`grader.sandbox.zygote`): a hang, crash, memory
   bomb or ``sys.exit`` costs that task only, and forbidden-import attempts are attributed to
   the task that made them.
3. The task's check builds hidden inputs from a seed derived from (salt, student, task), sends
   them to the worker, and compares the plain-data replies here, in the trusted process.
4. Points follow the task's documented rule; the zh/en message is built from comparison
   summaries and mistake codes only (:mod:`grader.feedback`): no hidden value is ever printed.

A submission whose modules import ``nncore`` or ``grader`` (seen statically in its source or
blocked at run time in the worker) gets 0 for every task that uses those modules.
"""

from __future__ import annotations

import ast
import builtins
import functools
import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from grader import feedback, files, manifest
from grader.driver import DRIVER_MODULE, KIT_FILES, KIT_MODULES, KIT_NAMES
from grader.registry import Case, Reply, Task, hint, tasks_for
from grader.sandbox import CallResult, Limits, Sandbox, bytecode
from grader.sandbox.isolation import WORK
from grader.sandbox.zygote import Zygote
from grader.text import Text

GRADER_VERSION = "1"
FORBIDDEN = ("nncore", "grader")
DEFAULT_SALT = "nnkit-hidden-suite-v1"
MAX_FILE_BYTES = files.MAX_FILE_BYTES


def salt() -> str:
    """隐藏用例的盐 / The salt of hidden-case seeds (``NNKIT_GRADER_SALT`` or the default).

    A course should set its own secret salt so that seeds cannot be predicted from the kit.
    """
    return os.environ.get("NNKIT_GRADER_SALT", DEFAULT_SALT)


def task_seed(student: str, task_id: str, salt_text: str | None = None, content: str = "") -> int:
    """每个学生、每个任务、每份提交内容的种子 / The seed of one student's task on one submission.

    ``content`` is :func:`content_digest` of the submission: hidden inputs vary with what was
    submitted as well as with the student, so inputs learnt from one report do not carry over
    to the next submission (the same files and id always get the same seed and grade).
    """
    text = f"{salt_text if salt_text is not None else salt()}|{student}|{task_id}|{content}"
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:16], 16)


def content_digest(folder: Path) -> str:
    """提交内容的摘要 / SHA-256 over the submission's modules (names and bytes, sorted)."""
    h = hashlib.sha256()
    for path in sorted(Path(folder).glob("*.py")):
        if path.is_file() and not path.is_symlink() and path.stem not in KIT_MODULES:
            h.update(os.fsencode(path.name) + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


# --- the submission copy and the static scan --------------------------------------------
def prepare_copy(submission: Path, dest: Path) -> files.Selection:
    """复制提交（仅普通文件）并放入驱动 / Copy the submission's selected files and the driver.

    The selection is bounded (see :mod:`grader.files`: regular files only, no symlinks, at most
    200 files of at most 2 MiB, ``.py`` files first); the driver and its keys-and-masks module are always copied.  The copy is
    world-readable: the sandbox binds it read-only for its unprivileged uid.
    """
    sel = files.select(submission)
    files.copy_selected(sel, dest)
    for kit in KIT_FILES:  # the driver and its keys-and-masks module
        shutil.copyfile(kit, dest / kit.name)
        os.chmod(dest / kit.name, 0o644)
    return sel


@functools.lru_cache(maxsize=1024)
def _scan(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """一次解析：禁用引用与导入 / One parse and one walk of a module's source.

    Returns ``(forbidden, imports)``: the references to nncore/grader, parsed with :mod:`ast`
    (nothing is executed): ``import nncore``, ``from grader… import``, ``__import__("nncore")``
    / ``importlib.import_module("grader…")`` and string paths that point into ``nncore/`` or
    ``grader/``; and the top-level names imported (:func:`_local_imports`). Cached by the exact
    text: the given modules every student submits unchanged are parsed once per batch
    (:func:`warm_static`).
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset(), frozenset()
    found: set[str] = set()
    imported: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            v = node.value
            names = [v] if v.split(".")[0] in FORBIDDEN else []
            for f in FORBIDDEN:
                if f"{f}/" in v or f"/{f}" in v:
                    found.add(f)
        for n in names:
            top = n.split(".")[0]
            if top in FORBIDDEN:
                found.add(top)
    return frozenset(found), frozenset(imported)


def _local_imports(text: str) -> frozenset[str]:
    """模块导入的顶层名 / Top-level names imported by a module's source."""
    return _scan(text)[1]


def static_forbidden(submission: Path) -> dict[str, set[str]]:
    """每个模块（及其导入的同目录模块）引用的禁用包 / Forbidden references per module stem.

    A module inherits the references of the submission modules it imports (one level of
    ``from layers import …`` is followed transitively).  The kit's own files (the driver and
    its keys-and-masks module, always replaced by :func:`prepare_copy`) are not scanned: they
    reference nothing forbidden.
    """
    direct: dict[str, set[str]] = {}
    deps: dict[str, set[str]] = {}
    for path in sorted(submission.glob("*.py")):
        if path.stem in KIT_MODULES:
            continue
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            continue
        forbidden, imported = _scan(path.read_text(encoding="utf-8", errors="replace"))
        direct[path.stem] = set(forbidden)
        deps[path.stem] = imported
    out: dict[str, set[str]] = {}
    for mod in direct:
        seen, todo, acc = {mod}, [mod], set()
        while todo:
            m = todo.pop()
            acc |= direct.get(m, set())
            for d in deps.get(m, set()):
                if d in direct and d not in seen:
                    seen.add(d)
                    todo.append(d)
        out[mod] = acc
    return out


def warm_static(folders: Iterable[Path]) -> None:
    """预先解析、编译给定模块 / Parse and compile the modules of ``folders`` (the release) and
    the kit's files (driver, keys and masks) into their caches before the batch forks, so
    that a student's unchanged given modules cost nothing (same results: both caches are keyed by the exact source)."""
    paths = list(KIT_FILES)
    for folder in folders:
        paths += sorted(Path(folder).glob("*.py"))
    for path in paths:
        if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_FILE_BYTES:
            _scan(path.read_text(encoding="utf-8", errors="replace"))  # as static_forbidden
            bytecode.pyc(path.read_bytes(), f"{WORK}/{path.name}")


# --- the context a check sees -------------------------------------------------------------
_STATUS_KIND = {
    "timeout": "timeout",
    "memory": "memory",
    "crashed": "crash",
    "exit": "exit",
    "reply_too_large": "too_large",
    "protocol": "protocol",
}


def reply_from(result: CallResult, function: str, own_lines: dict[str, int] | None = None) -> Reply:
    """把沙箱结果转成检查用的 Reply / Turn a sandbox CallResult into a check's Reply.

    ``own_lines``: the submission's own modules (file name → number of lines, see
    :func:`own_source_lines`), the only frames an error may cite (:func:`safe_error`).
    """
    if result.ok:
        return Reply(True, result.value, function=function)
    kind = _STATUS_KIND.get(result.status, "exception")
    etype = result.error_type or ""
    if etype == "NotImplementedError":
        kind = "not_implemented"
    elif etype in ("MissingModule", "ModuleNotFoundError") and "not found" in result.message_en:
        kind = "missing_module"
    elif (etype == "MissingFunction" and "not found" in result.message_en) or (
        # the driver's own "optim.py has no minibatches"; an AttributeError the student's code
        # raised ("'list' object has no attribute 'size'") is an exception, not a missing stub
        etype == "AttributeError" and ".py has no " in result.message_en
    ):
        kind = "missing_attr"
    return Reply(
        False,
        kind=kind,
        error=safe_error(
            etype, result.traceback, result.message_en if not etype else "", own_lines or {}
        ),
        frames=result.traceback or "",
        forbidden=list(result.forbidden_imports),
        function=function,
    )


_BUILTIN_ERRORS = {
    n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)
} | {"MissingModule", "MissingFunction"}
_FRAME = re.compile(r'File "([^"]+)", line (\d+)')


def safe_error(
    etype: str | None, tb: str, sandbox_text: str = "", own_lines: dict[str, int] | None = None
) -> str:
    """学生异常的安全描述 / What a report may say about a student's exception.

    Only the exception's type (a built-in name; a class the submission defined becomes
    "Exception") and the file and line of the student's own code where it was raised: never
    the message, which the submission controls and could fill with hidden inputs. Failures of
    the sandbox itself (no ``etype``) keep their fixed text, numbers masked.

    A frame is cited only if it names one of the submission's own modules (``own_lines``: file
    name → number of lines, :func:`own_source_lines`) at a line that file has: the traceback
    comes from the sandbox, and code the submission compiles itself can give its frames any
    file name and line (``compile(src, "x0_4375.py", "exec")``, or ``"\n" * n`` before a
    ``raise``), which would otherwise carry numbers derived from hidden inputs into the report.
    """
    if not etype:
        return feedback.mask_numbers(sandbox_text)
    name = etype if etype in _BUILTIN_ERRORS else "Exception"
    own = own_lines or {}
    frames = [
        (f, int(ln))
        for f, ln in _FRAME.findall(tb or "")
        if f not in KIT_NAMES and 1 <= int(ln) <= own.get(f, 0)
    ]
    if frames:
        f, ln = frames[-1]
        return f"{name} ({f}:{ln})"
    return name


def own_source_lines(work: Path) -> dict[str, int]:
    """提交自己的模块及其行数 / The submission's own modules in ``work``: name → line count.

    The kit's files (driver, keys and masks) are not the student's and are left out; the
    names are the plain file names a sandbox traceback cites (``layers.py``).
    """
    out: dict[str, int] = {}
    for path in sorted(Path(work).glob("*.py")):
        if path.stem in KIT_MODULES or path.is_symlink() or not path.is_file():
            continue
        if path.stat().st_size <= MAX_FILE_BYTES and re.fullmatch(r"[\w-]{1,80}\.py", path.name):
            out[path.name] = path.read_bytes().count(b"\n") + 1
    return out


class EngineContext:
    """检查函数的上下文：调用、种子、限制 / What a check sees: calls, seed, rng."""

    def __init__(
        self, sandbox: Sandbox, student: str, seed: int, own_lines: dict[str, int] | None = None
    ) -> None:
        """Bind a task's sandbox, the student id, the task seed and the submission's own
        modules (name → line count: the only frames an error may cite, :func:`safe_error`)."""
        self.sandbox = sandbox
        self.student = student
        self.seed = seed
        self.own_lines = dict(own_lines or {})
        self.rng = np.random.default_rng(seed)
        self.calls = 0
        self._absent: dict[str, Reply] = {}

    def call(self, function: str, *args: Any, **kwargs: Any) -> Reply:
        """调用学生函数 ``module.func`` / Call the student's ``module.func`` via the driver.

        The driver echoes array arguments after the call; any difference from what was sent
        (compared here, exactly, NaN = NaN) is reported in ``Reply.mutated``.
        """
        return self.call_with(function, args, kwargs)

    def call_with(
        self,
        function: str,
        args: tuple[Any, ...] | list[Any],
        kwargs: dict[str, Any] | None = None,
        *,
        replays: list[dict[str, Any]] | None = None,
    ) -> Reply:
        """同 :meth:`call`，可带参考答案表 / As :meth:`call`, on reference-built inputs.

        ``replays`` (plain data; the driver's ``invoke_replayed``) answers the calls that
        ``function`` makes to the student's other stubs with the reference's results, and
        ``{"activation": name}`` in ``args`` becomes the student's activation object.
        """
        if function in self._absent:  # a stub that is not implemented stays so: no restart
            return self._absent[function]
        module, _, name = function.partition(".")
        self.calls += 1
        kwargs = kwargs or {}
        if replays is None:
            result = self.sandbox.call(DRIVER_MODULE, "invoke", module, name, list(args), kwargs)
        else:
            result = self.sandbox.call(
                DRIVER_MODULE, "invoke_replayed", module, name, list(args), kwargs, replays
            )
        if not result.ok:
            reply = reply_from(result, function, self.own_lines)
            if reply.kind in ("not_implemented", "missing_attr", "missing_module"):
                self._absent[function] = reply
            return reply
        value = result.value
        if not isinstance(value, dict) or "result" not in value:
            return Reply(False, kind="protocol", function=function)
        echoed = value.get("args") or []
        mutated = [
            k
            for k, (sent, back) in enumerate(zip(args, echoed, strict=False))
            if _changed(sent, back)
        ]
        warns = [str(w) for w in value.get("warnings") or [] if isinstance(w, str)]
        return Reply(
            True,
            value["result"],
            mutated=mutated,
            warnings=warns,
            forbidden=list(result.forbidden_imports),
            function=function,
        )

    def run(self, driver: str, *args: Any) -> Reply:
        """运行驱动中的例程（如训练循环）/ Run a driver routine such as ``train``."""
        self.calls += 1
        result = self.sandbox.call(DRIVER_MODULE, driver, *args)
        if not result.ok:
            return reply_from(result, driver, self.own_lines)
        return Reply(True, result.value, forbidden=list(result.forbidden_imports), function=driver)


def _changed(sent: Any, back: Any) -> bool:
    """参数是否被就地修改 / Whether an array argument came back different from what was sent."""
    if isinstance(sent, np.ndarray):
        if not isinstance(back, np.ndarray):
            return False  # not echoed (e.g. non-array argument)
        return sent.shape != back.shape or not np.array_equal(sent, back, equal_nan=True)
    if isinstance(sent, list | tuple) and sent and all(isinstance(s, np.ndarray) for s in sent):
        if not isinstance(back, list) or len(back) != len(sent):
            return back is not None
        return any(_changed(s, b) for s, b in zip(sent, back, strict=True))
    return False


# --- results ----------------------------------------------------------------------------
@dataclass
class TaskResult:
    """一个任务的评分结果 / The graded outcome of one task."""

    id: str
    title_zh: str
    title_en: str
    points: float
    max_points: float
    status: str
    message_zh: str
    message_en: str
    credit_rule_zh: str
    credit_rule_en: str
    hints: list[str] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    #: ids of the tasks whose failure blocked this one (a report.json written before this field
    #: existed has none: readers use ``.get("blocked_by")``, see grader.summary)
    blocked_by: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON 形式 / JSON-ready form."""
        return asdict(self)


@dataclass
class Report:
    """一份提交在一次作业上的报告 / One submission's report for one assignment."""

    student: str
    assignment: str
    title_zh: str
    title_en: str
    total: float
    max_total: float
    tasks: list[TaskResult]
    isolation: dict[str, Any]
    grader_version: str = GRADER_VERSION
    seconds: float = 0.0
    manual_tasks: list[dict[str, Any]] = field(default_factory=list)
    #: where the time went (seconds): copy, sandbox_setup, tasks (see benchmarks/bench_grading.py)
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON 形式 / JSON-ready form (report.json)."""
        out = asdict(self)
        out["tasks"] = [t.to_json() for t in self.tasks]
        return out


STATUS_TEXT = feedback.STATUS_TEXT


def _case_json(case: Case) -> dict[str, Any]:
    """用例的 JSON（无隐藏值）/ A case as JSON (comparisons only, no values)."""
    return {
        "label_zh": case.label.zh,
        "label_en": case.label.en,
        "passed": case.passed,
        "comparisons": [c.to_json() for c in case.comparisons if not c.ok],
        "hints": list(dict.fromkeys(case.hints)),
        "error": None
        if case.reply is None
        else {"kind": case.reply.kind, "text": case.reply.error},
    }


def _failure_text(case: Case) -> Text:
    """第一个失败用例的描述 / Describe a failed case (no hidden values)."""
    label = case.label.wrap("{}：", "{}: ")
    if case.reply is not None and not case.reply.ok:
        r = case.reply
        name = r.function
        msg = feedback.failure(
            r.kind, name=name, error=r.error, limit=str(getattr(r, "limit", "?"))
        )
        if r.kind == "exception" and r.error:
            msg = Text(f"{name} 运行时出错：{r.error}", f"{name} raised {r.error}")
        elif r.kind in ("missing_attr", "missing_module"):
            msg = Text(f"找不到 {name}", f"{name} not found")
        return label + msg
    bad = [c for c in case.comparisons if not c.ok]
    if bad:
        msg = Text.join(Text("；", "; "), [feedback.describe(c) for c in bad[:2]])
        if "blocked_by_dependency" in case.hints and case.note:
            msg = msg + case.note.wrap("；{}", "; {}")  # name the dependency
        return label + msg
    if case.note:
        return label + case.note
    return label + Text("未通过", "failed")


def summarise(task: Task, cases: list[Case], forbidden: set[str], seconds: float) -> TaskResult:
    """用例 → 分数、状态与双语消息 / Cases → points, status and the zh/en message."""
    title = manifest.get(task.assignment).task(task.id)
    rule = task.credit_rule()
    n, passed = len(cases), sum(c.passed for c in cases)
    checked = Text(
        f"检查：{task.checked.zh}。" if task.checked.zh else "",
        f"Checked: {task.checked.en}. " if task.checked.en else "",
    )
    hints: list[str] = []
    for c in cases:
        if not c.passed:
            hints += c.hints
            for comp in c.comparisons:
                if not comp.ok:
                    hints += feedback.symptom_hints(comp)
    hints = task.named(list(dict.fromkeys(hints)))  # a task may let one code supersede another
    if forbidden:
        points, status = 0.0, "forbidden"
        msg = checked + feedback.failure("forbidden", name=", ".join(sorted(forbidden)))
        msg = msg + Text(
            "。请只用 numpy 和你自己的模块完成作业。",
            ". Use only numpy and your own modules.",
        )
    else:
        points = task.score(cases)
        failed = [c for c in cases if not c.passed]
        if not failed:
            status = "passed"
        elif all(c.reply is not None and c.reply.kind == "not_implemented" for c in failed) and (
            passed == 0
        ):
            status = "not_implemented"
        else:
            status = "partial" if points > 0 else "failed"
        msg = checked + Text(f"通过 {passed}/{n} 个用例。", f"{passed}/{n} cases passed. ")
        if status == "not_implemented":
            fn = ", ".join(task.functions)
            msg = msg + Text(
                f"尚未实现（{fn} 抛出 NotImplementedError）。",
                f"Not implemented yet ({fn} raise NotImplementedError).",
            )
        elif failed:
            msg = msg + Text("第一个未通过：", "First failure: ") + _failure_text(failed[0])
            msg = msg + Text("。", ". ")
            for code in hints[:2]:
                msg = msg + hint(code).wrap("提示：{}", "Hint: {} ")
    return TaskResult(
        id=task.id,
        title_zh=title.title.zh,
        title_en=title.title.en,
        points=points,
        max_points=float(title.points),
        status=status,
        message_zh=msg.zh.strip(),
        message_en=msg.en.strip(),
        credit_rule_zh=rule.zh,
        credit_rule_en=rule.en,
        hints=[] if status in ("passed", "not_implemented", "forbidden") else hints,
        cases=[_case_json(c) for c in cases],
        seconds=round(seconds, 3),
        blocked_by=(
            sorted({u for c in cases if not c.passed for u in c.blocked_by})
            if status in ("partial", "failed")
            else []
        ),
    )


def _task_modules(task: Task) -> set[str]:
    """任务用到的学生模块 / Student modules a task calls."""
    return {f.split(".")[0] for f in task.functions}


GRADER_ERROR = Text(
    "评分器内部错误（不是你的错，请联系助教）：{error}",
    "internal grader error (not your fault; tell the TA): {error}: {detail}",
)


def grade_task(
    task: Task,
    work: Path,
    student: str,
    static: dict[str, set[str]],
    *,
    insecure: bool = False,
    in_process: bool = False,
    content: str = "",
    sandbox: Sandbox | None = None,
) -> tuple[TaskResult, dict[str, Any]]:
    """评一个任务（新的工作进程）/ Grade one task with a fresh worker; never raises.

    ``sandbox``: the submission's sandbox (the task gets a fresh worker in it and the worker
    is destroyed at the end); None = a sandbox for this task alone.  ``in_process`` runs the
    kit's OWN code without a sandbox (:mod:`grader.inprocess`; the calibration and the
    accuracy bank only, never a student's submission).
    """
    t0 = time.monotonic()
    limits = task_limits(task)
    shared = sandbox is not None and not in_process
    if in_process:
        from grader.inprocess import InProcessRunner

        sandbox = InProcessRunner(work)  # type: ignore[assignment]
    elif sandbox is None:
        sandbox = Sandbox(work, limits=limits, forbidden=FORBIDDEN, insecure=insecure)
    else:
        sandbox.begin_task(limits)
    assert sandbox is not None
    iso = sandbox.isolation
    overhead0 = getattr(sandbox, "overhead_seconds", 0.0)
    # isolation detection; the workers' start, stop and clean-up are added below
    setup = time.monotonic() - t0
    try:
        seed = task_seed(student, task.id, content=content)
        sandbox.seed_global_random(seed)
        ctx = EngineContext(sandbox, student, seed, own_source_lines(work))
        try:
            cases = task.check(ctx)
        except Exception as exc:  # a bug in the grader, never the student's fault
            sandbox.restart() if shared else sandbox.close()
            result = summarise(task, [], set(), time.monotonic() - t0)
            result.status = "grader_error"
            msg = GRADER_ERROR.format(error=type(exc).__name__, detail=str(exc))
            result.message_zh, result.message_en = msg.zh, msg.en
            return result, iso
        runtime = set(sandbox.forbidden_imports)
    finally:
        sandbox.restart() if shared else sandbox.close()
        if hasattr(sandbox, "overhead_seconds"):
            setup += sandbox.overhead_seconds - overhead0
        else:
            setup += getattr(sandbox, "startup_seconds", None) or 0.0  # its (last) worker start
    forbidden = runtime
    for mod in _task_modules(task):
        forbidden |= static.get(mod, set())
    result = summarise(task, cases, forbidden, time.monotonic() - t0)
    iso = {**iso, "setup_seconds": setup}
    return result, iso


def task_limits(task: Task) -> Limits:
    """一个任务的资源限制 / The limits of one task's worker (CPU, wall, 1 GiB memory)."""
    return Limits(
        cpu_seconds=task.cpu_seconds,
        wall_seconds=task.wall_seconds,
        memory_bytes=1 << 30,
        worker_cpu_seconds=max(30.0, 3 * task.cpu_seconds),
    )


BLOCKED = Text("依赖的 {fns} 未通过（见 {task}）", "blocked by your {fns} (see {task})")


def name_dependencies(results: list[TaskResult], tasks: list[Task]) -> None:
    """注明失败的依赖 / Tell a failed task which of its stubs failed their own task.

    A task that calls several stubs (例题1, 练习题, the training examples) cannot be tested
    without them; when one of those stubs fails the task that grades it alone, the failed task
    says so ("依赖的 dense_forward 未通过 / blocked by your dense_forward") and gets the
    ``blocked_by_dependency`` hint, so the report points at the cause; the cited task ids are
    added to ``TaskResult.blocked_by`` (the data the class report counts).
    """
    by_id = {t.id: t for t in tasks}
    failed = {r.id for r in results if r.status in ("failed", "partial")}
    for r in results:
        if r.id not in failed or r.id not in by_id:
            continue
        mine = set(by_id[r.id].functions)
        causes = [
            (u, sorted(set(by_id[u].functions) & mine))
            for u in sorted(failed - {r.id})
            if u in by_id and len(by_id[u].functions) < len(mine) and set(by_id[u].functions) & mine
        ]
        causes = [(u, f) for u, f in causes if f"see {u}" not in r.message_en]  # named by the check
        # cite the smallest failing tasks only: 例题2 is blocked by a3.momentum, not by 例题3
        # (which is itself blocked by a3.momentum)
        causes = [(u, f) for u, f in causes if not any(set(g) < set(f) for _, g in causes)]
        if not causes:
            continue
        r.blocked_by = sorted(set(r.blocked_by) | {u for u, _ in causes})
        note = Text.join(
            Text("；", "; "), [BLOCKED.format(fns=", ".join(f), task=u) for u, f in causes]
        ).wrap(" {}。", " {}.")
        r.message_zh += note.zh
        r.message_en += note.en
        if "blocked_by_dependency" not in r.hints:
            r.hints.insert(0, "blocked_by_dependency")


def student_id(submission: Path) -> str:
    """学生标识 = 提交目录自己的名字 / The student id is the folder's own name (a symlinked
    folder keeps its own name, never its target's)."""
    return Path(os.path.abspath(submission)).name


def grade_submission(
    submission: Path | str,
    assignment: str,
    *,
    student: str | None = None,
    tasks: list[str] | None = None,
    insecure: bool = False,
    in_process: bool = False,
    zygote: Zygote | None = None,
) -> Report:
    """评一份提交 / Grade ``submission`` (a folder of the student's modules) on ``assignment``.

    ``tasks`` restricts to some task ids.  Student code runs only in the allow-list sandbox
    (:mod:`grader.sandbox`); without one this raises ``SandboxUnavailable`` unless
    ``insecure`` (then the report's ``isolation`` says so).  ``in_process`` (trusted code
    only: calibration, the accuracy bank) skips the sandbox.  ``zygote``: a running sandbox
    lent by the batch (:class:`grader.sandbox.zygote.WarmSlot`); the copy is made in its work
    folder, emptied before and after.
    Deterministic: the same folder and student id always get the same score.
    """
    t0 = time.monotonic()
    submission = Path(os.path.abspath(submission))
    student = student or student_id(submission)
    info = manifest.get(assignment)
    selected = [t for t in tasks_for(assignment) if tasks is None or t.id in tasks]
    results: list[TaskResult] = []
    isolation: dict[str, Any] = {}
    setup = 0.0
    lent = zygote if zygote is not None and not in_process else None
    with tempfile.TemporaryDirectory(prefix="nnkit-grade-") as tmp:
        work = Path(tmp) / "submission" if lent is None else lent.submission_dir
        files.empty_folder(work)
        prepare_copy(submission, work)
        static = static_forbidden(work)
        if not in_process:  # compiled once here, not once per task in the sandbox
            bytecode.write_bytecode(work, WORK)
        t_copy = time.monotonic() - t0
        content = content_digest(work)
        shared = None
        if not in_process and selected:  # one sandbox for the whole submission
            shared = Sandbox(
                work,
                limits=task_limits(selected[0]),
                forbidden=FORBIDDEN,
                insecure=insecure,
                zygote=lent,
            )
        try:
            for task in selected:
                res, isolation = grade_task(
                    task, work, student, static, insecure=insecure, in_process=in_process,
                    content=content, sandbox=shared,
                )  # fmt: skip
                setup += isolation.get("setup_seconds", 0.0)
                results.append(res)
        finally:
            if shared is not None:
                t_close = time.monotonic()
                shared.close()
                setup += time.monotonic() - t_close
            if lent is not None:
                files.empty_folder(work)
    name_dependencies(results, selected)
    seconds = time.monotonic() - t0
    manual = [
        {"id": t.id, "points": t.points, **t.title.fields("title")}
        for t in info.tasks
        if t.kind == "manual"
    ]
    return Report(
        student=student,
        assignment=assignment,
        title_zh=info.title.zh,
        title_en=info.title.en,
        total=round(sum(r.points for r in results), 2),
        max_total=round(sum(r.max_points for r in results), 2),
        tasks=results,
        isolation={k: v for k, v in isolation.items() if k not in ("hidden", "setup_seconds")},
        seconds=round(seconds, 3),
        manual_tasks=manual,
        timings={
            "copy": round(t_copy, 4),
            "sandbox_setup": round(setup, 4),
            "tasks": round(seconds - t_copy - setup, 4),
        },
    )

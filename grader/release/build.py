"""学生版发布构建（失败即停）/ The fail-closed release build: solutions/ → assignments/.

Steps, per assignment of ``grader.manifest`` whose ``solutions/<folder>`` exists:

1. **sync**: regenerate the solution regions and given code of the student modules from nncore
   (:mod:`grader.release.sync`) and the notebook from ``grader/release/nb_<id>.py``;
2. **stage** the synced source tree in a temporary nbgrader course root (caches left out);
3. **nbgrader** ``generate_assignment`` (its own gradebook in the temp dir) makes the student
   notebook (solution cells cleared, hidden tests and mark schemes removed, cells locked);
4. **strip** the ``.py`` modules nbgrader copied verbatim: every solution region becomes
   ``raise NotImplementedError("请实现 …（约 N 行）/ implement … (about N lines)")``;
5. **verify** the release (fail-closed, :func:`verify_release`): no marker, no solution line, no
   hidden test, no nncore/grader import, every stub raises, the test folder is the public one;
6. **write** ``solutions/`` and ``assignments/`` — or, with ``check=True``, write nothing and
   fail on any difference between the committed files and the fresh build.

Output is deterministic: no timestamps, stable notebook JSON, files compared byte for byte.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grader.manifest import ASSIGNMENTS, Assignment
from grader.release.notebook import dumps
from grader.release.sync import (
    BEGIN,
    END,
    FORBIDDEN_IMPORT,
    BuildError,
    solution_regions,
    sync_module,
)
from grader.text import Text

ROOT = Path(__file__).resolve().parents[2]
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".ipynb_checkpoints")
MARKERS = (
    "BEGIN SOLUTION",
    "END SOLUTION",
    "BEGIN HIDDEN TESTS",
    "END HIDDEN TESTS",
    "BEGIN MARK SCHEME",
    "END MARK SCHEME",
)
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
TEMPLATES = ("conftest.py", "pytest.ini", "selfcheck.py")  # shared by every assignment folder
TASKS_LINE = "TASKS: dict[str, tuple[float, str, str, str]] = {}  # TASKS"
MIN_SECRET_LEN = 6  # shorter lines ("else:", ")", "break") carry no solution


@dataclass
class BuildReport:
    """构建结果 / What a build did or found."""

    assignments: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)


#: the stub's "implement this" message (in every generated stub: its text must not change)
STUB = Text("请实现 {name}（约 {lines} 行）", "implement {name} (about {lines} lines)")
#: the build's messages
M = {
    "no_tasks_line": Text("conftest 模板缺少任务表行", "the conftest template lacks"),
    "missing_module": Text("缺少学生模块", "missing student module"),
    "outside": Text("区域不属于桩", "region outside a stub"),
    "outputs": Text("单元有输出", "a cell keeps outputs"),
    "marker": Text("残留标记", "leftover marker"),
    "leak": Text("解答或隐藏测试行泄露", "leaked solution line"),
    "not_stub": Text(
        "{name} 不是只抛 NotImplementedError 的桩",
        "{name} is not a stub that only raises NotImplementedError",
    ),
    "tests_differ": Text("与公开测试不同", "differs from the public tests"),
    "extra": Text("多余文件", "unexpected files"),
    "failed_checks": Text(
        "发布版未通过检查，构建失败", "the release failed its checks, build aborted"
    ),
    "out_of_date": Text(
        "与 nncore/笔记本脚本不同步", "out of date with nncore or its notebook script"
    ),
    "no_solutions": Text("没有对应的解答", "no matching solutions folder"),
}


def stub_message(name: str, lines: int) -> str:
    """桩函数的提示 / The stub's zh/en "implement this" message with the size hint."""
    return STUB.format(name=name, lines=lines).joined("/ ")  # "…行）/ implement": as released


def _q(text: str) -> str:
    """双引号字符串字面量（ruff format 的风格）/ A double-quoted literal, as ruff formats it."""
    return json.dumps(text, ensure_ascii=False)


def render_conftest(a: Assignment, template: str) -> str:
    """把清单中的任务分值写进 conftest / Fill the conftest template's task table from the
    manifest, so the pytest table shows the same points as the notebook and the grader."""
    if TASKS_LINE not in template:
        raise BuildError(f"{M['no_tasks_line'].joined()} {TASKS_LINE!r}")
    rows = ["TASKS: dict[str, tuple[float, str, str, str]] = {"]
    for t in a.tasks:
        rows += [
            f"    {_q(t.id)}: (",
            f"        {float(t.points)!r},",
            f"        {_q(t.title.zh)},",
            f"        {_q(t.title.en)},",
            f"        {_q(t.kind)},",
            "    ),",
        ]
    rows.append("}")
    return template.replace(TASKS_LINE, "\n".join(rows))


def built_assignments(root: Path = ROOT) -> list[Assignment]:
    """有解答目录的作业 / Assignments whose solutions folder exists."""
    return [a for a in ASSIGNMENTS.values() if (root / "solutions" / a.folder).is_dir()]


# ---------------------------------------------------------------------------- sync step
def synced_sources(a: Assignment, root: Path) -> dict[str, str]:
    """解答目录中生成部分应有的内容 / Generated files of solutions/<folder>: relpath -> text."""
    src = root / "solutions" / a.folder
    out: dict[str, str] = {}
    for module in a.modules:
        path = src / f"{module}.py"
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if not text and module not in a.given_modules:
            raise BuildError(f"{M['missing_module'].joined()} {path}")
        out[f"{module}.py"] = sync_module(a, module, text, str(path.relative_to(root)))
    for name in TEMPLATES:
        out[name] = (Path(__file__).parent / "templates" / name).read_text(encoding="utf-8")
    out["conftest.py"] = render_conftest(a, out["conftest.py"])
    nb_src = importlib.import_module(f"grader.release.nb_{a.id}")
    out[a.notebook] = dumps(nb_src.notebook())
    return out


# ---------------------------------------------------------------------------- strip step
def strip_module(a: Assignment, module: str, text: str) -> str:
    """把解答区域换成 raise NotImplementedError / Replace each solution region by a raise."""
    lines = text.splitlines()
    tree = ast.parse(text)
    stubs = {s.name: s for s in a.stubs if s.module == module}
    for begin, end, indent in reversed(solution_regions(text)):
        fn = None
        for node in tree.body:
            if node.lineno > begin + 1:
                break
            fn = node
        if not isinstance(fn, ast.FunctionDef) or fn.name not in stubs:
            raise BuildError(f"{a.id}/{module}.py:{begin + 1}: {M['outside'].joined()}")
        msg = stub_message(fn.name, stubs[fn.name].lines)
        lines[begin : end + 1] = [f"{indent}raise NotImplementedError({msg!r})"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- verification
def _norm(line: str) -> str:
    return " ".join(line.split())


def secret_and_public_lines(files: dict[str, str]) -> tuple[set[str], set[str]]:
    """解答/隐藏测试行与公开行 / Lines inside solution or hidden-test regions, and all others.

    ``files`` maps a relative path of a source folder to its text. In notebooks, solution cells
    without markers and written-answer cells count as secret as a whole.
    """
    secret: set[str] = set()
    public: set[str] = set()

    def split(text: str, whole_secret: bool = False) -> None:
        if whole_secret and BEGIN not in text:
            secret.update(_norm(x) for x in text.splitlines())
            return
        inside = False
        for line in text.splitlines():
            s = line.strip()
            if s in (BEGIN, HIDDEN_BEGIN):
                inside = True
            elif s in (END, HIDDEN_END):
                inside = False
            else:
                (secret if inside else public).add(_norm(line))

    for rel, text in files.items():
        if rel.endswith(".ipynb"):
            nb = nbformat.reads(text, as_version=4)
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                split(cell.source, whole_secret=bool(meta.get("solution")))
        else:
            split(text)
    secret = {s for s in secret if len(s) >= MIN_SECRET_LEN}
    return secret, public


def _release_texts(release: Path) -> dict[str, str]:
    out = {}
    for p in sorted(release.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(release))] = p.read_text(encoding="utf-8")
    return out


def verify_release(
    a: Assignment, release: Path, source: dict[str, str], forbidden: set[str]
) -> None:
    """发布版检查（失败即停）/ Fail-closed checks of one assignment's release folder.

    ``source``: this assignment's source files (relpath -> text); ``forbidden``: solution and
    hidden-test lines (of every assignment) that this assignment's source does not show in
    public anyway. None of them may appear in the release, whatever step put it there.
    """
    problems: list[str] = []
    texts = _release_texts(release)
    for rel, text in texts.items():
        where = f"assignments/{a.folder}/{rel}"
        body = text
        if rel.endswith(".ipynb"):
            nb = nbformat.reads(text, as_version=4)
            body = "\n".join(c.source for c in nb.cells)
            for c in nb.cells:
                if c.get("outputs"):
                    problems.append(f"{where}: {M['outputs'].joined()}")
        for marker in MARKERS:
            if marker.lower() in body.lower():
                problems.append(f"{where}: {M['marker'].joined()} {marker!r}")
        for n, line in enumerate(body.splitlines(), 1):
            if _norm(line) in forbidden:
                problems.append(f"{where}:{n}: {M['leak'].joined()} {line.strip()!r}")
        if rel.endswith((".py", ".ipynb")):
            m = FORBIDDEN_IMPORT.search(body)
            if m:
                problems.append(
                    f"{where}: 导入 nncore/grader / imports the reference: {m.group(0).strip()!r}"
                )
    for module in a.modules:
        rel = f"{module}.py"
        if rel not in texts:
            problems.append(f"assignments/{a.folder}/{rel}: {M['missing_module'].joined()}")
            continue
        tree = ast.parse(texts[rel])
        fns = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        for stub in (s for s in a.stubs if s.module == module):
            fn = fns.get(stub.name)
            body = fn.body if fn else []
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            ok = (
                len(body) == 1
                and isinstance(body[0], ast.Raise)
                and "NotImplementedError" in ast.unparse(body[0])
            )
            if not ok:
                problems.append(
                    f"assignments/{a.folder}/{rel}: "
                    + M["not_stub"].format(name=stub.name).joined()
                )
    src_tests = {r for r in source if r.startswith("tests/")}
    rel_tests = {r for r in texts if r.startswith("tests/")}
    if rel_tests != src_tests:
        problems.append(
            f"assignments/{a.folder}/tests: {M['tests_differ'].joined()}: "
            f"extra {sorted(rel_tests - src_tests)}, missing {sorted(src_tests - rel_tests)}"
        )
    extra = set(texts) - set(source)
    if extra:
        problems.append(f"assignments/{a.folder}: {M['extra'].joined()} {sorted(extra)}")
    if problems:
        raise BuildError(f"{M['failed_checks'].joined()}:\n  " + "\n  ".join(problems))


# ---------------------------------------------------------------------------- nbgrader step
def run_nbgrader(course: Path, assignment_id: str) -> None:
    """nbgrader generate_assignment（临时课程目录与数据库）/ Run it in a temp course root."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.source_directory = "solutions"
    config.CourseDirectory.release_directory = "assignments"
    config.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
    config.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", ".pytest_cache"]
    api = NbGraderAPI(config=config)
    # nbgrader runs the `alembic` script of its own environment: put it on PATH.
    old_path = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), old_path])
    try:
        result = api.generate_assignment(assignment_id, force=True, create=True)
    finally:
        os.environ["PATH"] = old_path
    if not result.get("success"):
        raise BuildError(
            f"nbgrader generate_assignment {assignment_id} {Text('失败', 'failed').joined()}:\n"
            f"{result.get('error') or ''}\n{result.get('log') or ''}"
        )


def _stage(a: Assignment, root: Path, course: Path, synced: dict[str, str]) -> Path:
    dst = course / "solutions" / a.id
    shutil.copytree(root / "solutions" / a.folder, dst, ignore=IGNORE)
    for rel, text in synced.items():
        (dst / rel).write_text(text, encoding="utf-8")
    return dst


def _tree(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and not IGNORE(str(p.parent), [p.name])
        and "__pycache__" not in p.parts
        and ".pytest_cache" not in p.parts
    }


def build(root: Path = ROOT, *, check: bool = False) -> BuildReport:
    """构建全部作业的发布版 / Build every assignment's release (see the module docstring)."""
    report = BuildReport()
    assignments = built_assignments(root)
    synced = {a.id: synced_sources(a, root) for a in assignments}
    with tempfile.TemporaryDirectory(prefix="nnkit-release-") as tmp:
        course = Path(tmp)
        sources: dict[str, dict[str, str]] = {}
        for a in assignments:
            staged = _stage(a, root, course, synced[a.id])
            sources[a.id] = {
                str(p.relative_to(staged)): p.read_text(encoding="utf-8")
                for p in sorted(staged.rglob("*"))
                if p.is_file()
            }
        secrets: dict[str, set[str]] = {}  # solution + hidden-test lines per assignment
        publics: dict[str, set[str]] = {}
        for a in assignments:
            secrets[a.id], publics[a.id] = secret_and_public_lines(sources[a.id])
        all_secret = set().union(*secrets.values())
        for a in assignments:
            run_nbgrader(course, a.id)
            rel_dir = course / "assignments" / a.id
            for module in a.modules:
                rel = f"{module}.py"
                (rel_dir / rel).write_text(
                    strip_module(a, module, sources[a.id][rel]), encoding="utf-8"
                )
            _normalise_notebook(rel_dir / a.notebook)
            # A secret line may appear only where this assignment's source shows it in public
            # anyway: given code (a2 gives a1's activations), usage in tests and notebook cells.
            verify_release(a, rel_dir, sources[a.id], all_secret - publics[a.id])
            report.assignments.append(a.id)

        for a in assignments:
            src_dir = root / "solutions" / a.folder
            rel_src = course / "assignments" / a.id
            dst_dir = root / "assignments" / a.folder
            for rel, text in synced[a.id].items():
                path = src_dir / rel
                old = path.read_text(encoding="utf-8") if path.exists() else None
                if old != text:
                    if check:
                        report.drift.append(
                            f"solutions/{a.folder}/{rel}: {M['out_of_date'].joined()}"
                        )
                    else:
                        path.write_text(text, encoding="utf-8")
                        report.written.append(str(path.relative_to(root)))
            new, old_tree = _tree(rel_src), _tree(dst_dir)
            for rel in sorted(set(new) | set(old_tree)):
                if new.get(rel) != old_tree.get(rel):
                    state = (
                        "missing"
                        if rel not in old_tree
                        else "extra"
                        if rel not in new
                        else "differs"
                    )
                    if check:
                        report.drift.append(
                            f"assignments/{a.folder}/{rel}: 与新构建不同 / {state} vs a fresh build"
                        )
            if not check and new != old_tree:
                if dst_dir.exists():
                    shutil.rmtree(dst_dir)
                for rel, data in new.items():
                    (dst_dir / rel).parent.mkdir(parents=True, exist_ok=True)
                    (dst_dir / rel).write_bytes(data)
                report.written.append(f"assignments/{a.folder}/")
        stale = (
            [
                p.name
                for p in sorted((root / "assignments").glob("*"))
                if p.is_dir() and p.name not in {a.folder for a in assignments}
            ]
            if (root / "assignments").is_dir()
            else []
        )
        for name in stale:
            report.drift.append(f"assignments/{name}: {M['no_solutions'].joined()}")
    return report


def _normalise_notebook(path: Path) -> None:
    """统一 JSON 格式 / Rewrite nbgrader's output in the same stable JSON form."""
    nb = nbformat.read(path, as_version=4)
    path.write_text(dumps(nb), encoding="utf-8")


__all__ = ["BuildError", "BuildReport", "build", "strip_module", "stub_message", "verify_release"]

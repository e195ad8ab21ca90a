"""恶意提交库：精确结果 / The hostile bank, graded as one batch at CI's isolation level.

One batch (``-j2``, three a2 tasks): a reference student ``a_ref``, every attack of
:mod:`hostile_bank` (``m_<name>``), a folder that is a symlink to ``a_ref``, and another
reference student ``z_ref``.  Asserted exactly: each attacker's total, both neighbours at the
reference's full marks, the batch completing with exit 0, every report signed, no process of a
sandbox uid left, no file left in the batch's temporary folder, nothing changed in any
submission, the grader package or numpy, and nothing but reports in the output folder.

Summary command (prints X/Y contained):
``.venv/bin/python -m pytest tests/grader/test_hostile_bank.py -q -rA``
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from grading_helpers import ROOT
from hostile_bank import ATTACKS, MODULES, PRELUDE, SYMLINK_FOLDER

import grader
from grader import demo_submissions, files
from grader.batch import sign

TASKS = ["a2.dense_forward", "a2.loss_mse", "a2.mlp_backward"]
HOOK = "\n\nimport _attack as _nnkit_attack  # noqa: E402\n\n_nnkit_attack.run(globals())\n"


def _sha(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sandbox_processes(marker: str) -> list[tuple[int, int]]:
    """(pid, uid) of live processes, of any uid, whose mounts name ``marker``: task workers
    and whatever they started, but also a sandbox's bwrap init and zygote (uid 0).

    Every sandbox of the bank's batch binds a submission copy from inside the batch's private
    temporary folder (``marker``), so other sandboxes running on a shared machine are ignored.
    """
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                uid = os.stat(f"/proc/{entry}").st_uid
                state = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
                mounts = Path(f"/proc/{entry}/mountinfo").read_text(errors="replace")
            except OSError:
                continue
            if state not in (b"Z", b"X") and marker in mounts:
                out.append((int(entry), uid))
    return out


def build_batch(root: Path) -> Path:
    """The batch folder: references, attackers, the symlinked folder."""
    batch = root / "batch"
    batch.mkdir()
    ref = demo_submissions.reference("a2", root / "ref_src")
    rel = demo_submissions.release("a2", root / "rel_src")
    shutil.copytree(ref, batch / "a_ref")
    shutil.copytree(ref, batch / "z_ref")
    for attack in ATTACKS:
        dest = batch / f"m_{attack.name}"
        shutil.copytree(ref if attack.base == "reference" else rel, dest)
        if attack.build is None:
            (dest / "_attack.py").write_text(PRELUDE + attack.code, encoding="utf-8")
            for m in MODULES:
                with open(dest / f"{m}.py", "a", encoding="utf-8") as fh:
                    fh.write(HOOK)
        else:
            attack.build(dest)
    os.symlink(batch / "a_ref", batch / SYMLINK_FOLDER)
    os.mkdir(os.fsencode(batch) + b"/m_\xff_bad_name")  # skipped with an error, never a crash
    return batch


@pytest.fixture(scope="module")
def bank() -> Iterator[dict]:
    """Build and grade the batch once; collect everything the tests assert on.

    Built outside pytest's temporary folders and removed at the end whatever happens: the
    1,100-deep folder is too deep for pytest's own (recursive) clean-up.
    """
    root = Path(tempfile.mkdtemp(prefix="nnkit-bank-"))
    try:
        yield from _graded_bank(root)
    finally:
        files.remove_tree(root)


def _graded_bank(root: Path) -> Iterator[dict]:
    """Body of :func:`bank`."""
    batch = build_batch(root)
    before = {p.name: files.fingerprint(p) for p in batch.iterdir()}
    guarded = [str(Path(grader.__file__)), str(Path(np.__file__))]
    hashes = {p: _sha(p) for p in guarded}
    private_tmp = root / "tmp"
    private_tmp.mkdir()
    out = root / "out"
    t0 = time.monotonic()
    cmd = [sys.executable, "-m", "grader", "grade", "-a", "a2", str(batch), "--out", str(out)]
    proc = subprocess.run(
        [*cmd, "-j", "2", "-q", "--tasks", *TASKS],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(private_tmp)},
        capture_output=True,
        text=True,
        timeout=3000,
    )
    seconds = time.monotonic() - t0
    time.sleep(0.5)
    left = sandbox_processes(str(private_tmp))
    with open(out / "grades.csv", encoding="utf-8") as fh:
        rows = {r["student"]: r for r in csv.DictReader(fh)}
    key = (out / ".nnkit-key").read_bytes()
    reports = {}
    for d in out.iterdir():
        if d.is_dir():
            reports[d.name] = json.loads((d / "report.json").read_text("utf-8"))
    yield {
        "proc": proc,
        "seconds": seconds,
        "rows": rows,
        "reports": reports,
        "key": key,
        "out": out,
        "batch": batch,
        "before": before,
        "after": {p.name: files.fingerprint(p) for p in batch.iterdir()},
        "hashes_before": hashes,
        "hashes_after": {p: _sha(p) for p in guarded},
        "leftover_tmp": sorted(os.listdir(private_tmp)),
        "leftover_procs": left,
    }


def total(bank: dict, student: str) -> float:
    return float(bank["rows"][student]["total"])


def test_batch_completes_and_neighbours_keep_full_marks(bank: dict) -> None:
    proc = bank["proc"]
    # 3 = one error: the folder whose name is not UTF-8 was skipped (and said so); all else ok
    assert proc.returncode == 3, proc.stderr[-3000:]
    statuses = {t["status"] for r in bank["reports"].values() for t in r["tasks"]}
    assert "grader_error" not in statuses  # so the one error is the skipped folder
    ref = bank["rows"]["a_ref"]
    assert float(ref["total"]) == float(ref["max_total"]) == 13.0
    assert bank["rows"]["z_ref"] == {**ref, "student": "z_ref"}
    expected = {"a_ref", "z_ref", SYMLINK_FOLDER} | {f"m_{a.name}" for a in ATTACKS}
    assert set(bank["rows"]) == expected


def test_every_report_is_signed_and_nothing_else_is_written(bank: dict) -> None:
    for name, report in bank["reports"].items():
        assert report["mac"] == sign(report, bank["key"]), name
        assert report["isolation"]["level"] == "bwrap"
    out = bank["out"]
    allowed = {".nnkit-key", "grades.csv", "summary.html", "summary.json"} | {
        f"{n}/report.{x}" for n in bank["rows"] for x in ("json", "html")
    }
    written = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert written == allowed


def test_timing(bank: dict) -> None:
    """Report where the time went (no speed assertion: the machine is shared)."""
    slow = sorted(((r["seconds"], n) for n, r in bank["reports"].items()), reverse=True)[:8]
    print(f"batch {bank['seconds']:.1f} s; slowest students: {slow}")


def test_no_leftover_process_or_file(bank: dict) -> None:
    assert bank["leftover_procs"] == []
    assert bank["leftover_tmp"] == []
    assert not os.path.exists("/tmp/pwned")


def test_nothing_outside_the_output_folder_changed(bank: dict) -> None:
    assert bank["after"] == bank["before"]
    assert bank["hashes_after"] == bank["hashes_before"]


def test_symlinked_folder_keeps_its_own_name_and_gets_nothing(bank: dict) -> None:
    assert total(bank, SYMLINK_FOLDER) == 0.0
    assert total(bank, "a_ref") == 13.0  # the target's row is its own, untouched


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_is_contained(bank: dict, attack) -> None:
    want = total(bank, "a_ref") if attack.expect == "reference" else 0.0
    got = total(bank, f"m_{attack.name}")
    assert got == want, (attack.klass, bank["reports"][f"m_{attack.name}"]["tasks"])


LEAKS = [a for a in ATTACKS if a.leak]


@pytest.mark.parametrize("attack", LEAKS, ids=[a.name for a in LEAKS])
def test_state_attacks_can_fail(attack, tmp_path: Path) -> None:
    """A state-leak attack is contained only if it really detects leaked state: run it again
    in the same worker (where its state survives) as a later task would, with a new token;
    it must sabotage the module.  (In the batch each task is a fresh worker and the attack
    finds nothing.)"""
    from grader.sandbox import Limits, Sandbox
    from grader.sandbox.isolation import make_readable

    ref = demo_submissions.reference("a2", tmp_path / "ref")
    (ref / "_attack.py").write_text(PRELUDE + attack.code, encoding="utf-8")
    with open(ref / "layers.py", "a", encoding="utf-8") as fh:
        fh.write(HOOK)
    make_readable(ref)
    with Sandbox(ref, limits=Limits(wall_seconds=20, nprocs=16)) as box:
        first = box.call("layers", "dense_forward", np.ones((2, 3)), np.ones((3, 2)), np.ones(2))
        assert first.ok, first  # the first run of the attack sabotages nothing
        for _ in range(10):  # a daemon the attack forked may need a moment (under load)
            again = box.call("_attack", "rerun", "layers")
            if not (again.ok and again.value is False):
                break
            time.sleep(0.3)
        assert again.ok and again.value is True, (attack.name, again)


def test_state_attacks_cannot_reach_the_next_student(tmp_path: Path) -> None:
    """The batch lends each worker slot's sandbox to one student after another
    (:class:`grader.sandbox.zygote.WarmSlot`): every state-leak attack, submitted by two
    students graded one after the other in the same sandbox, finds nothing of the first in
    the second (both keep the reference's score), and the sandbox really was shared."""
    from grader import batch as batch_mod

    ref = demo_submissions.reference("a2", tmp_path / "ref_src")
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copytree(ref, folder / "a_ref")
    for attack in LEAKS:
        for k in (1, 2):
            dest = folder / f"m_{attack.name}_{k}"
            shutil.copytree(ref, dest)
            (dest / "_attack.py").write_text(PRELUDE + attack.code, encoding="utf-8")
            for m in MODULES:
                with open(dest / f"{m}.py", "a", encoding="utf-8") as fh:
                    fh.write(HOOK)
    code, reports = batch_mod.grade_batch(
        "a2", [folder], tmp_path / "out", workers=1, quiet=True, tasks=TASKS
    )
    # every failure says which student lost what and why (a flaky run must be diagnosable)
    lost = {
        r["student"]: [
            (t["id"], t["status"], t["message_en"][-400:])
            for t in r["tasks"]
            if t["status"] != "passed"
        ]
        for r in reports
        if r.get("total") != r.get("max_total")
    }
    run = dict(batch_mod.LAST_RUN)
    assert code == 0, (code, lost, run)
    totals = {r["student"]: r["total"] for r in reports}
    assert len(totals) == 1 + 2 * len(LEAKS)
    assert set(totals.values()) == {totals["a_ref"]} and totals["a_ref"] > 0, (totals, lost)
    starts = run["sandbox_starts"]
    assert starts < len(totals) / 2, run  # most students were graded in a lent sandbox

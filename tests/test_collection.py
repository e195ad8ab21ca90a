"""每个测试目录都会被收集 / Every test folder is collected by a plain ``pytest`` run.

pytest skips folders named like ``build`` or ``dist`` by default (``norecursedirs``); a test
folder with such a name would silently never run in CI.
"""

import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_every_test_folder_is_collected():
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", str(TESTS)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=TESTS.parent,
    )
    collected = {
        line.split("::")[0].split("/")[1] for line in out.stdout.splitlines() if "::" in line
    }
    folders = {
        p.parent.relative_to(TESTS).parts[0] for p in TESTS.rglob("test_*.py") if p.parent != TESTS
    }
    assert folders and folders <= collected, f"never collected: {sorted(folders - collected)}"

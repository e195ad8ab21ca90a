#!/usr/bin/env python3
"""nnkit 的两条命令 / The kit's two commands, on a fresh machine with only python3.

    python3 kit.py demo   # 建环境并运行主任务 / set up, then run the main job
    python3 kit.py test   # 建环境并运行全部检查 / set up, then run every check (CI runs this)

The first call creates ``.venv`` and installs the kit with ``pip install -e ".[dev]"``; later
calls reuse it while ``pyproject.toml`` is unchanged. Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".nnkit-installed"

# The main job: grade the bundled example submissions (reference, untouched release, typical
# mistakes) in the sandbox and write the reports.
DEMO = [[str(PY), "-m", "grader", "demo"]]
CHECKS = [
    [str(PY), "-m", "ruff", "check", "."],
    [str(PY), "-m", "ruff", "format", "--check", "."],
    # The committed student release must equal a fresh, fail-closed build of solutions/.
    [str(PY), "-m", "grader", "build", "--check"],
]
PYTEST = [str(PY), "-m", "pytest", "-W", "error", "-q"]


def setup() -> None:
    """创建虚拟环境并安装 / Create the virtual environment and install the kit (once)."""
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.is_file() and STAMP.read_text() == want and PY.exists():
        return
    if not PY.exists():
        print("创建虚拟环境 / creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("安装依赖 / installing the kit and its dependencies …", flush=True)
    run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([str(PY), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]"])
    STAMP.write_text(want)


def run(cmd: list[str]) -> None:
    """运行命令，失败即退出 / Run a command; exit with its code if it fails."""
    code = subprocess.call(cmd, cwd=ROOT)
    if code != 0:
        print(f"失败 / failed ({code}): {' '.join(cmd)}", file=sys.stderr)
        sys.exit(code)


def main(argv: list[str]) -> int:
    """入口 / Entry point."""
    if len(argv) != 1 or argv[0] not in ("demo", "test"):
        print(__doc__)
        return 2
    setup()
    if argv[0] == "demo":
        for cmd in DEMO:
            run(cmd)
        return 0
    for cmd in CHECKS:
        run(cmd)
    # pytest exit code 5 (no tests collected) is a failure too: run() fails on any non-zero.
    run(PYTEST)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""README 中的库示例可以运行 / The README's library example runs as printed."""

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_library_example_runs_and_learns_xor():
    text = README.read_text(encoding="utf-8")
    section = text.split("## 把 nncore 当库用", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[[0.]", "[1.]", "[1.]", "[0.]]"]


def test_readme_names_the_two_commands_ci_runs():
    text = README.read_text(encoding="utf-8")
    assert "python3 kit.py demo" in text and "python3 kit.py test" in text
    ci = (README.parent / ".ci" / "run").read_text()
    assert "python3 kit.py test" in ci

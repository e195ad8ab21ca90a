"""``python -m tests.bank``：评测题库 / Grade the accuracy bank and print the summary line."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bank_run import main

raise SystemExit(main())

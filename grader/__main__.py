"""``python -m grader`` → :func:`grader.cli.main`."""

import sys

from grader.cli import main

sys.exit(main())

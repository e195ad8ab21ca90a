"""沙箱端驱动程序 / Worker-side driver copied into the sandbox (see ``_nnkit_driver.py``).

The driver file is *data* for the grader: it is copied next to a submission and only ever
imported inside the untrusted worker. Never import it in the grader process.
``_nnkit_replay.py`` is the one exception: plain keys-and-masks code that both sides import.
"""

from pathlib import Path

DRIVER_FILE = Path(__file__).resolve().parent / "_nnkit_driver.py"
DRIVER_MODULE = "_nnkit_driver"
#: the answer tables' keys and masks: imported by the grader (grader.suites.replay) and loaded
#: by the driver from its own folder, so both sides run the same code
REPLAY_FILE = Path(__file__).resolve().parent / "_nnkit_replay.py"
#: the kit's files placed beside every submission copy (never counted as the student's)
KIT_FILES = (DRIVER_FILE, REPLAY_FILE)
KIT_MODULES = frozenset(p.stem for p in KIT_FILES)
KIT_NAMES = frozenset(p.name for p in KIT_FILES)

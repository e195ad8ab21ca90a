"""沙箱端驱动程序 / Worker-side driver copied into the sandbox (see ``_nnkit_driver.py``).

The driver file is *data* for the grader: it is copied next to a submission and only ever
imported inside the untrusted worker. Never import it in the grader process.
"""

from pathlib import Path

DRIVER_FILE = Path(__file__).resolve().parent / "_nnkit_driver.py"
DRIVER_MODULE = "_nnkit_driver"

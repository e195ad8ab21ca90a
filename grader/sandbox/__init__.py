"""Untrusted-code sandbox of the grader.

Student code runs only inside an allow-list bubblewrap sandbox (see :mod:`.isolation`): the
trusted parent talks to the grading worker with length-prefixed JSON and never unpickles
anything (:class:`Sandbox`); :func:`run_command` runs any other command (e.g. a notebook
kernel) in the same sandbox.  Without a working sandbox both refuse to run
(:class:`SandboxUnavailable`) unless ``insecure=True`` is passed explicitly.
"""

from .command import CommandResult, run_command, sandbox_python
from .isolation import SandboxUnavailable, isolation_report
from .protocol import ProtocolError
from .runner import STATUSES, CallResult, Handle, Limits, Sandbox

__all__ = [
    "STATUSES",
    "CallResult",
    "CommandResult",
    "Handle",
    "Limits",
    "ProtocolError",
    "Sandbox",
    "SandboxUnavailable",
    "isolation_report",
    "run_command",
    "sandbox_python",
]

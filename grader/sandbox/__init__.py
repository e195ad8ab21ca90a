"""Untrusted-code sandbox of the grader.

Student code runs only in a separate, resource-limited worker process (bubblewrap where
available); the trusted parent talks to it with length-prefixed JSON and never unpickles
anything.  See :class:`Sandbox` and :func:`isolation_report`.
"""

from .isolation import isolation_report
from .protocol import ProtocolError
from .runner import STATUSES, CallResult, Handle, Limits, Sandbox

__all__ = [
    "STATUSES",
    "CallResult",
    "Handle",
    "Limits",
    "ProtocolError",
    "Sandbox",
    "isolation_report",
]

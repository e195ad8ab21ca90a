"""Ending the process from inside a call."""

import os
import sys


def call_sys_exit():
    sys.exit(3)


def call_os_exit():
    os._exit(1)

"""Hangs: a CPU-bound infinite loop, a sleeping one, and one that spawns children first."""

import os
import subprocess
import sys
import time


def spin():
    x = 0
    while True:
        x += 1


def sleep_forever():
    while True:
        time.sleep(1)


def spawn_and_hang(marker, escape=False):
    sleeper = [sys.executable, "-S", "-c", "import time; time.sleep(1000)", marker]
    subprocess.Popen(sleeper)
    if os.fork() == 0:
        try:
            if escape:
                os.setsid()  # leave the process group: only a PID namespace catches this one
            os.execv(sleeper[0], sleeper)
        finally:
            os._exit(0)
    while True:
        time.sleep(1)

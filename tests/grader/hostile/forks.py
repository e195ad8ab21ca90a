"""A *bounded* fork loop: at most n forks, children only sleep and never fork again."""

import os
import time


def fork_many(n, sleep_seconds):
    started = failed = 0
    for _ in range(n):
        try:
            pid = os.fork()
        except OSError:
            failed += 1
            continue
        if pid == 0:
            time.sleep(sleep_seconds)
            os._exit(0)
        started += 1
    return started, failed

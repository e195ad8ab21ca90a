"""Leaves things behind in the sandbox and reports what it can see (per-submission sandbox)."""

import os


def seen():
    """This worker's uid and pid, the uids of the other live processes and of the zombies
    (a zombie keeps its uid: an earlier task's dead process not yet reaped), what /tmp holds."""
    uids, zombies = [], []
    for pid in os.listdir("/proc"):
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                with open(f"/proc/{pid}/stat", "rb") as fh:
                    zombie = fh.read().rsplit(b")", 1)[1].split()[0] == b"Z"
                (zombies if zombie else uids).append(os.stat(f"/proc/{pid}").st_uid)
            except OSError:
                continue
    return {"uid": os.getuid(), "pid": os.getpid(), "uids": sorted(uids),
            "zombies": sorted(zombies), "tmp": os.listdir("/tmp")}  # fmt: skip


def too_deep(depth):
    """A folder chain in /tmp deeper than a path can name (the cleaner cannot remove it)."""
    fd = os.open("/tmp", os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            new = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
    finally:
        os.close(fd)
    return depth


def daemon():
    """A setsid grandchild that sleeps on."""
    import time

    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(1000)
        os._exit(0)
    time.sleep(0.2)
    return True

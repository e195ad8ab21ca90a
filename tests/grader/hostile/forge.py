"""Forges a protocol reply carrying a pickled object array, straight onto the reply pipe."""

import base64
import fcntl
import io
import json
import os
import stat
import struct
import sys
import time

import numpy as np


def forged_pickle():
    rid = sys._getframe(1).f_locals.get("rid", 1)  # the id of the request being served
    buf = io.BytesIO()
    np.save(buf, np.array([object()], dtype=object), allow_pickle=True)
    body = json.dumps(
        {"id": rid, "ok": True, "value": {"__nd__": base64.b64encode(buf.getvalue()).decode()}}
    ).encode()
    for fd in range(3, 64):
        try:
            flags = fcntl.fcntl(fd, fcntl.F_GETFL)
            if stat.S_ISFIFO(os.fstat(fd).st_mode) and flags & os.O_ACCMODE == os.O_WRONLY:
                os.write(fd, struct.pack(">Q", len(body)) + body)
        except OSError:
            continue
    time.sleep(30)

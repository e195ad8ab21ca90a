"""Looks for the reference solution and the network."""

import socket
import sys


def read_file(path):
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def import_module(name):
    __import__(name)
    return name


def import_bypassing_hook(name, extra_path):
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "ForbiddenImportBlocker"]
    sys.path.append(extra_path)
    __import__(name)
    return name


def connect(host, port):
    with socket.create_connection((host, port), timeout=2):
        return "connected"


def info():
    import os

    return {"env": dict(os.environ), "path": list(sys.path), "cwd": os.getcwd(), "uid": os.getuid()}

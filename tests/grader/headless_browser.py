"""真实无头浏览器 / A real headless browser (Debian's chromium) driven over the DevTools protocol.

:func:`load` opens a local file, waits for the load event and returns the console errors,
uncaught exceptions and failed resource loads it saw, the result of a JavaScript expression
and a PNG screenshot. Uses ``websocket-client`` (dev extra); nothing is installed at run time.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find() -> str | None:
    """浏览器路径 / Path of a chromium-family browser, if installed."""
    return next((p for n in NAMES if (p := shutil.which(n))), None)


@dataclass
class Page:
    """加载结果 / What the browser saw."""

    errors: list[str] = field(default_factory=list)
    value: Any = None
    png: bytes = b""


class _Cdp:
    """最小的 DevTools 协议客户端 / A minimal DevTools-protocol client over one websocket."""

    def __init__(self, url: str) -> None:
        import websocket

        self.ws = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """发送命令并等待其结果 / Send a command, return its result (events are kept)."""
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait(self, method: str, timeout: float = 60.0) -> None:
        """等待某事件 / Wait for an event."""
        end = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            if time.monotonic() > end:
                raise TimeoutError(method)
            self.events.append(json.loads(self.ws.recv()))


def _errors(events: list[dict[str, Any]]) -> list[str]:
    """控制台错误、异常、加载失败 / Console errors, exceptions and failed loads among events."""
    out = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.exceptionThrown":
            out.append("exception: " + json.dumps(p.get("exceptionDetails", {}))[:300])
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            out.append("console: " + json.dumps(p.get("args", []))[:300])
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            out.append("log: " + p["entry"].get("text", "")[:300])
        elif m == "Network.loadingFailed":
            out.append("load failed: " + p.get("errorText", ""))
    return out


def load(paths: list[Path], expression: str = "document.title") -> list[Page]:
    """依次打开文件 / Open each file in one headless chromium; return what it saw per page."""
    exe = find()
    assert exe is not None, "chromium not installed"
    with tempfile.TemporaryDirectory(prefix="nnkit-chromium-") as profile:
        argv = [exe, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check"]
        argv += [f"--user-data-dir={profile}", "--remote-debugging-port=0"]
        argv += ["--remote-allow-origins=*", "--window-size=1280,1600"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            argv.append("--no-sandbox")  # chromium's own sandbox refuses to run as root
        proc = subprocess.Popen(
            [*argv, "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            end = time.monotonic() + 60
            while not (port_file.is_file() and port_file.read_text().strip()):
                if time.monotonic() > end or proc.poll() is not None:
                    raise RuntimeError("chromium did not start")
                time.sleep(0.1)
            port = port_file.read_text().split()[0]
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as r:
                targets = json.load(r)
            url = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")
            cdp = _Cdp(url)
            pages = []
            for path in paths:
                for domain in ("Page", "Runtime", "Log", "Network"):
                    cdp.send(f"{domain}.enable")
                cdp.events.clear()
                cdp.send("Page.navigate", url=path.resolve().as_uri())
                cdp.wait("Page.loadEventFired")
                value = cdp.send("Runtime.evaluate", expression=expression, returnByValue=True)
                shot = cdp.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
                pages.append(
                    Page(
                        errors=_errors(cdp.events),
                        value=value.get("result", {}).get("value"),
                        png=base64.b64decode(shot["data"]),
                    )
                )
            cdp.ws.close()
            return pages
        finally:
            proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)

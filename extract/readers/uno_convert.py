"""A long-lived LibreOffice converter, run by the Python that has LibreOffice's UNO bridge (not the venv's).

Why: starting LibreOffice costs about a second of CPU and converting a report about 0.05 s, so a start per DOC
made DOC the slowest format by far. This script starts one headless soffice, then converts every file it is
sent over UNO. It speaks one JSON object per line: on stdout first {"ready": true} (or {"error": ...} and it
ends), then for each request {"src": path, "dst": path, "filter": export filter} on stdin one answer,
{"ok": true} or {"error": message, "fatal": bool} (fatal: LibreOffice is gone, so is this script). End of
stdin (its owner closed the pipe or died) ends soffice and the script. It imports nothing of xxgk, so that
the system Python runs it as a file (extract/readers/office_server.py starts it and owns its lifetime).
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

START_TIMEOUT_S = 60


def _answer(**fields: object) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def _prop(uno, name: str, value: object):
    p = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    p.Name, p.Value = name, value
    return p


def _connect(uno, soffice: subprocess.Popen, pipe: str):
    """The component context of the soffice just started, once it accepts connections on `pipe`."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if soffice.poll() is not None:
                raise RuntimeError(f"soffice ended at start (exit code {soffice.returncode})") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"soffice did not accept a connection within {START_TIMEOUT_S} s") from None
            time.sleep(0.1)


def _convert(uno, ctx, src: str, dst: str, filter_name: str) -> None:
    """Load `src` into a document model of the kind its content is (LibreOffice's type detection), with no
    frame or view, read-only and macros off, and store it to `dst` through `filter_name`.

    No view: a document opened in a (hidden) window builds widgets from UI files that headless-only
    LibreOffice packages (Debian's *-nogui) do not ship, and a DOC with form fields then aborts soffice;
    `--convert-to` never shows one either. An HTML page is read by Writer's HTML filter, not Writer/Web."""
    smgr = ctx.ServiceManager
    url = uno.systemPathToFileUrl(src)
    detection = smgr.createInstanceWithContext("com.sun.star.document.TypeDetection", ctx)
    kind, found = detection.queryTypeByDescriptor((_prop(uno, "URL", url),), True)
    if not kind:
        raise ValueError("LibreOffice does not recognise the file")
    import_filter = {p.Name: p.Value for p in found}.get("FilterName") or \
        {p.Name: p.Value for p in detection.getByName(kind)}.get("PreferredFilter")
    if not import_filter:
        raise ValueError(f"no import filter for type {kind}")
    service = {p.Name: p.Value for p in smgr.createInstanceWithContext(
        "com.sun.star.document.FilterFactory", ctx).getByName(import_filter)}["DocumentService"]
    if service == "com.sun.star.text.WebDocument":
        import_filter, service = "HTML (StarWriter)", "com.sun.star.text.TextDocument"
    model = smgr.createInstanceWithContext(service, ctx)
    model.load((_prop(uno, "URL", url), _prop(uno, "FilterName", import_filter), _prop(uno, "ReadOnly", True),
                _prop(uno, "MacroExecutionMode", 0), _prop(uno, "UpdateDocMode", 0)))
    try:
        model.storeToURL(uno.systemPathToFileUrl(dst), (_prop(uno, "FilterName", filter_name),
                                                       _prop(uno, "Overwrite", True)))
    finally:
        model.close(True)


def _alive(ctx) -> bool:
    """Whether soffice still answers: after an error, a file's fault or a dead soffice (a killed soffice.bin
    shows as DisposedException or as any failing call, depending on when the bridge noticed)."""
    try:
        return ctx.ServiceManager is not None
    except Exception:
        return False


def _end(profile: Path, launcher: subprocess.Popen | None) -> None:
    """Kill the rest of this script's process group, then remove the profile. soffice is a launcher that
    starts soffice.bin (killing the launcher alone would leave soffice.bin running): soffice.bin goes first,
    so that the launcher reaps it and ends."""
    me = os.getpid()
    keep = {me, launcher.pid if launcher else me}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) not in keep:
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == me:
                    os.kill(int(entry.name), signal.SIGKILL)
            except (OSError, ValueError):
                continue
    if launcher is not None:
        try:
            launcher.wait(5)
        except subprocess.TimeoutExpired:
            launcher.kill()
            launcher.wait()
    shutil.rmtree(profile, ignore_errors=True)


def _watch_owner(profile: Path) -> None:
    """End everything when the owner dies while a conversion runs (end of stdin is only read between them)."""
    owner = os.getppid()
    while os.getppid() == owner:
        time.sleep(0.5)
    _end(profile, None)
    os._exit(1)


def main(soffice_binary: str) -> None:
    if os.getpgrp() != os.getpid():
        os.setsid()  # its own process group, which `_end` (and the owner, on a timeout) kill whole
    # the reader's CPU limit is inherited: the converter is bounded by its owner's wall-clock timeout instead
    resource.setrlimit(resource.RLIMIT_CPU, (resource.getrlimit(resource.RLIMIT_CPU)[1],) * 2)
    try:
        import uno
    except ImportError as e:
        _answer(error=f"no UNO bridge in {sys.executable}: {e}")
        return
    profile = Path(tempfile.mkdtemp(prefix="xxgk-lo-"))
    threading.Thread(target=_watch_owner, args=(profile,), daemon=True).start()
    pipe = f"xxgk-{uuid.uuid4().hex}"
    soffice = subprocess.Popen(
        [soffice_binary, f"-env:UserInstallation={(profile / 'profile').as_uri()}", "--headless", "--invisible",
         "--nologo", "--norestore", "--nodefault", "--nolockcheck", f"--accept=pipe,name={pipe};urp;"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        try:
            ctx = _connect(uno, soffice, pipe)
        except Exception as e:
            _answer(error=str(e))
            return
        _answer(ready=True)
        for line in sys.stdin:
            job = json.loads(line)
            try:
                _convert(uno, ctx, job["src"], job["dst"], job["filter"])
            except Exception as e:  # UNO raises its own kinds; a dead soffice raises DisposedException & co.
                gone = soffice.poll() is not None or not _alive(ctx)
                _answer(error=f"{type(e).__name__}: {getattr(e, 'Message', '') or e}"[:300], fatal=gone)
                if gone:
                    return
                continue
            _answer(ok=True)
    finally:
        _end(profile, soffice)  # nothing to save: the profile is thrown away


if __name__ == "__main__":
    main(sys.argv[1])

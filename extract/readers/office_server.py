"""One long-lived LibreOffice per process for DOC/WPS/XLS conversions, instead of a LibreOffice start per file.

A start costs about a second of CPU, a conversion about 0.05 s. The converter is `uno_convert.py` run by the
Python that has LibreOffice's UNO bridge (python3-uno is a system package the venv cannot import), started on
the first conversion in a process and kept for the next ones. In the flow that process is a reader child
(extract/isolate.py), so one LibreOffice serves every DOC of a child's life.

Lifetime, so that no soffice outlives its owner: the converter is its own process group, ended with the
process that started it (a multiprocessing finalizer: reader children run those on exit, unlike atexit), by
`stop`, when its pipe closes (its owner died), and killed whole when a conversion overruns its timeout. A
forked child forgets (and closes its copy of the pipes to) its parent's converter.

When there is no UNO bridge, or XXGK_OFFICE_SERVER=0, `convert` answers None and the caller converts with a
LibreOffice start of its own, as before.
"""
from __future__ import annotations

import json
import multiprocessing.util
import os
import select
import shutil
import signal
import subprocess
import threading
from pathlib import Path

from extract.document import ReadError

HELPER = Path(__file__).with_name("uno_convert.py")
START_TIMEOUT_S = 90
# export filters of the targets the readers and tests ask for (office.convert's "ext" or "ext:Filter")
FILTERS = {"docx": "MS Word 2007 XML", "doc": "MS Word 97", "xlsx": "Calc MS Excel 2007 XML", "xls": "MS Excel 97"}


def uno_python(soffice_binary: str) -> str | None:
    """The Python with the UNO bridge: XXGK_UNO_PYTHON, LibreOffice's own (builds from libreoffice.org ship
    one beside soffice), else the system's python3 (Debian's python3-uno); None when none is there."""
    if override := os.environ.get("XXGK_UNO_PYTHON"):
        return shutil.which(override)
    bundled = Path(os.path.realpath(soffice_binary)).parent / "python"
    for candidate in (bundled, Path("/usr/bin/python3")):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


class _Converter:
    """The running uno_convert.py and the pipes to it."""

    def __init__(self, python: str, soffice_binary: str) -> None:
        self.proc = subprocess.Popen([python, str(HELPER), soffice_binary], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
        # run at this process's exit (reader children run these finalizers too, unlike atexit), or once by close
        self.close = multiprocessing.util.Finalize(self, self._close, exitpriority=10)
        answer = self._answer(START_TIMEOUT_S)
        if not answer.get("ready"):
            self.close()
            raise OSError(answer.get("error") or "the converter did not start")

    def _answer(self, timeout: float) -> dict:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise TimeoutError
        line = self.proc.stdout.readline()
        return json.loads(line) if line else {"error": "LibreOffice's converter ended", "fatal": True}

    def convert(self, src: Path, dst: Path, filter_name: str, timeout: float) -> dict:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write((json.dumps({"src": str(src), "dst": str(dst), "filter": filter_name}) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            return {"error": "LibreOffice's converter ended", "fatal": True}
        return self._answer(timeout)

    def _close(self) -> None:
        """End of its stdin ends it (it kills its soffice first); the group is killed if it lingers."""
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # a soffice left in the group, if any
        except ProcessLookupError:
            pass
        self.proc.wait()


_lock = threading.Lock()
_converter: _Converter | None = None
_unavailable: str | None = None  # why this process converts file by file (no UNO bridge…), once known


def enabled() -> bool:
    """XXGK_OFFICE_SERVER=0 turns the converter off (a start per file, as before: the benchmark's baseline)."""
    return os.environ.get("XXGK_OFFICE_SERVER", "1") != "0"


def convert(src: Path, dst: Path, target: str, soffice_binary: str, timeout: float) -> bool | None:
    """Convert `src` to `dst` (`target` as office.convert takes it) in this process's LibreOffice: True when
    done, None when there is no converter to use (the caller starts a LibreOffice of its own); ReadError when
    LibreOffice refused the file or overran `timeout` (the converter is then replaced on the next call)."""
    ext, _, named = target.partition(":")
    filter_name = named or FILTERS.get(ext)
    if not enabled() or filter_name is None:
        return None
    with _lock:
        answer = _ask(src, dst, filter_name, soffice_binary, timeout)
        if answer is not None and answer.get("fatal"):  # LibreOffice died, maybe of an earlier file: once more
            answer = _ask(src, dst, filter_name, soffice_binary, timeout)
    if answer is None:
        return None
    if answer.get("fatal"):
        raise ReadError(f"LibreOffice crashed converting {src.suffix} to {ext}: {answer['error']}"[:300])
    if "error" in answer:
        raise ReadError(f"LibreOffice could not convert {src.suffix} to {ext}: {answer['error']}"[:300])
    return True


def _ask(src: Path, dst: Path, filter_name: str, soffice_binary: str, timeout: float) -> dict | None:
    """The converter's answer (started when there is none; None when none can run); a converter that died
    or overran is stopped."""
    global _converter, _unavailable
    if _converter is None:
        if _unavailable is not None:
            return None
        python = uno_python(soffice_binary)
        try:
            if python is None:
                raise OSError("no Python with LibreOffice's UNO bridge (python3-uno)")
            _converter = _Converter(python, soffice_binary)
        except (OSError, TimeoutError, ValueError) as e:
            _unavailable = str(e) or type(e).__name__
            return None
    try:
        answer = _converter.convert(src, dst, filter_name, timeout)
    except TimeoutError:
        _stop()
        raise ReadError(f"LibreOffice took over {timeout:g}s converting {src.suffix}") from None
    except ValueError as e:  # not JSON: it is not our converter talking
        _stop()
        raise ReadError(f"LibreOffice's converter answered garbage: {e}"[:300]) from None
    if answer.get("fatal"):
        _stop()
    return answer


def pid() -> int | None:
    """The running converter's process id (None when there is none): tests tell one converter from another."""
    return _converter.proc.pid if _converter is not None else None


def _stop() -> None:
    global _converter
    if _converter is not None:
        _converter.close()
        _converter = None


def stop() -> None:
    """End this process's converter (the next conversion starts another)."""
    with _lock:
        _stop()


def _forget_in_child() -> None:
    """A forked child must not use its parent's converter, nor hold its pipe open past the parent's death."""
    global _converter, _lock
    _lock = threading.Lock()
    if _converter is not None:
        for pipe in (_converter.proc.stdin, _converter.proc.stdout):
            if pipe is not None:
                pipe.close()
        _converter = None


os.register_at_fork(after_in_child=_forget_in_child)

"""Content-addressed store of raw bytes: data/raw/ab/abcdef….bin, never overwritten or deleted.

Writes go to a temporary name in the same folder and are renamed into place, so a
crash never leaves a partial file under a final name; the temporary name carries the writer's pid,
so the next run sweeps away what a killed writer left (and leaves a live one's alone). Names come
only from the digest, never from a URL or file name, so nothing fetched can choose where it lands.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class RawStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 digest: {sha256!r}")
        dest = self.root / sha256[:2] / f"{sha256}.bin"
        if not dest.resolve().is_relative_to(self.root.resolve()):  # e.g. a symlinked shard pointing out
            raise ValueError(f"raw store path escapes {self.root}: {dest}")
        return dest

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        dest = self.path(sha)
        if dest.exists():
            return sha
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".part-{os.getpid()}-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha

    def sweep(self) -> int:
        """Delete the temporary files of writers that died mid-write (SIGKILL, a lost machine): each
        `.part-<pid>-…` whose process is gone. Returns how many."""
        removed = 0
        for part in self.root.glob("??/.part-*"):
            pid = part.name.split("-")[1]
            if pid.isdigit() and _alive(int(pid)):
                continue
            part.unlink(missing_ok=True)
            removed += 1
        return removed

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True

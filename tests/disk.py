"""A full disk under the media folder: a real tmpfs filled to the last byte where the test may
mount one (root, as on the CI machines), else the process's file-size limit (every file written
past 4 KB fails part-way, as on a disk that fills during the write)."""

from __future__ import annotations

import contextlib
import errno
import resource
import shutil
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path


def _mount(point: Path, size_kb: int) -> bool:
    point.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0700", "tmpfs", str(point)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def _fill(point: Path) -> None:
    """Write until the file system says ENOSPC: not a byte is left."""
    with (point / ".filler").open("wb", buffering=0) as out:
        chunk = b"\0" * 4096
        while True:
            try:
                out.write(chunk)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                break
        for size in (512, 64, 1):
            with contextlib.suppress(OSError):
                while True:
                    out.write(b"\0" * size)


@contextlib.contextmanager
def file_size_limit(limit: int = 4096) -> Iterator[None]:
    """Files over ``limit`` bytes cannot be written (EFBIG part-way). Only around the requests:
    the limit holds for the whole process, pytest's own report included."""
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, old_limit[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)


class FullDisk:
    """``with disk.full():`` the media folder has no room; outside it, the files are kept."""

    def __init__(self, settings, base: Path) -> None:
        self.settings = settings
        self.point = base / f"full-{uuid.uuid4().hex[:8]}"
        self.mounted = False
        self.root = Path(settings.MEDIA_ROOT)

    def start(self) -> FullDisk:
        # The files stored so far (the demo's) go along; then the rest of the room is filled.
        used = sum(p.stat().st_size for p in self.root.rglob("*") if p.is_file())
        # Room for what is stored, and for a published PDF or two once the filler is gone.
        self.mounted = _mount(self.point, size_kb=used // 1024 + 16384)
        if self.mounted:
            if self.root.exists():
                shutil.copytree(self.root, self.point, dirs_exist_ok=True)
            self.settings.MEDIA_ROOT = self.point
            self.settings.FILE_UPLOAD_TEMP_DIR = str(self.point)
        return self

    def files(self) -> list[Path]:
        root = Path(self.settings.MEDIA_ROOT)
        return sorted(p for p in root.rglob("*") if p.is_file() and p.name != ".filler")

    @contextlib.contextmanager
    def full(self) -> Iterator[None]:
        if not self.mounted:
            with file_size_limit():
                yield
            return
        _fill(self.point)
        try:
            yield
        finally:
            (self.point / ".filler").unlink()

    def stop(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.point)], check=False)

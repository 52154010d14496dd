"""File storage that never leaves half a file behind (``STORAGES["default"]``).

Django's ``FileSystemStorage`` writes an upload straight to its final name: a full or failing
disk leaves a partial file there. This one writes to a hidden temporary file beside it, flushes
it to disk and only then gives it its name (a hard link, which never replaces an existing file);
on any error the temporary file is removed and the ``OSError`` goes up to the service, which
answers with a message and writes no row.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.core.files.storage.filesystem import safe_makedirs  # type: ignore[attr-defined]


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: File[bytes] | File[str]) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    out.write(chunk.encode() if isinstance(chunk, str) else chunk)
                out.flush()
                os.fsync(out.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            while True:
                try:
                    os.link(temporary, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        return os.path.relpath(full_path, self.location).replace("\\", "/")

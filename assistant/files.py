"""Writing a file for the user (a draft, summary.txt, a feedback export): whole or not at all,
and never over a file that is already there unless asked.

    write_file(Path("ut/a.txt.utkast.txt"), "Hei …")                  # FileExistsError if the name is taken
    write_file(Path("ut/a.txt.utkast.txt"), "Hei …", overwrite=True)  # replaces what is there

The text goes to a hidden temporary file in the same folder, which is then linked to the name
(fails if anything has it, a broken symbolic link too) or, with `overwrite`, renamed over it. So
no reader sees half a file, a crash leaves no half file under the name, and a symbolic link at
the name is replaced, never written through. The mode follows the umask as open() would give it
(0644 under the usual 022), the same with or without `overwrite`, unless `mode` is given (a file
rewritten in place keeps its own: `mode=stat.S_IMODE(path.stat().st_mode)`).
Deliberately left out: fsync (a draft lost to a power cut is drafted again by the next run).
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

__all__ = ["write_file"]

# link() is refused by some file systems (FAT, some network shares): there a checked rename has to do
NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS}


def _temporary(path: Path) -> tuple[Path, int]:
    """A new hidden file next to `path`, opened for writing with the umask's mode (not 0600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return tmp, os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue


def write_file(path: Path, text: str, overwrite: bool = False, mode: int | None = None) -> None:
    """Writes `text` (UTF-8) to `path` atomically; raises FileExistsError when the name is taken
    and not `overwrite`, OSError when the folder cannot be written. `mode`: the file's permission
    bits instead of the umask's."""
    path = Path(path)
    tmp, fd = _temporary(path)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        if overwrite:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)  # link() never follows a link at `path`
        except OSError as exc:
            if exc.errno not in NO_LINKS:
                raise  # FileExistsError among them
            if os.path.lexists(path):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
            os.rename(tmp, path)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)

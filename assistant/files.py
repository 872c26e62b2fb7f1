"""Writing a file for the user (a draft, summary.txt, a feedback export): whole or not at all,
and never over a file that is already there unless asked.

    write_file(Path("ut/a.txt.utkast.txt"), "Hei …")                  # FileExistsError if the name is taken
    write_file(Path("ut/a.txt.utkast.txt"), "Hei …", overwrite=True)  # replaces what is there
    write_files([(Path("ut/a.txt.utkast.txt"), "Hei …"), (Path("ut/a.txt.utkast.json"), "{…}")])  # both or neither

The text goes to a hidden temporary file in the same folder, which is then linked to the name
(fails if anything has it, a broken symbolic link too) or, with `overwrite`, renamed over it. So
no reader sees half a file, a crash leaves no half file under the name, and a symbolic link at
the name is replaced, never written through. The mode follows the umask as open() would give it
(0644 under the usual 022), the same with or without `overwrite`, unless `mode` is given (a file
rewritten in place keeps its own: `mode=stat.S_IMODE(path.stat().st_mode)`).
Files that belong together (a draft's .txt and .json) are all written to temporary files before
any gets its name, so that a full disk leaves neither; a name found taken then unlinks the new
names already given, never a file that was there.
Deliberately left out: fsync (a draft lost to a power cut is drafted again by the next run).
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

__all__ = ["write_file", "write_files"]

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


def _fill(fd: int, text: str, mode: int | None) -> None:
    """Writes `text` as UTF-8 to the open file `fd`, sets `mode` if given, and closes it (OSError
    on a full disk)."""
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        if mode is not None:
            os.fchmod(fd, mode)
        fh.write(text)


def _written(path: Path, text: str, mode: int | None) -> Path:
    """A hidden temporary file next to `path` holding `text`; none is left when writing fails."""
    tmp, fd = _temporary(path)
    try:
        _fill(fd, text, mode)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _place(tmp: Path, path: Path, overwrite: bool) -> None:
    """Gives the temporary file `tmp` the name `path`: over what is there only with `overwrite`."""
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


def write_file(path: Path, text: str, overwrite: bool = False, mode: int | None = None) -> None:
    """Writes `text` (UTF-8) to `path` atomically; raises FileExistsError when the name is taken
    and not `overwrite`, OSError when the folder cannot be written. `mode`: the file's permission
    bits instead of the umask's."""
    write_files([(Path(path), text)], overwrite, mode)


def write_files(texts: list[tuple[Path, str]], overwrite: bool = False, mode: int | None = None) -> None:
    """Writes each (path, text) as write_file does, all or none: every text goes to a temporary
    file first, and only then does each get its name. Raises as write_file. A text that cannot be
    written (a full disk) changes no name; a name found taken (without `overwrite`) unlinks the
    names this call already gave, and only while they still hold what it wrote (another writer, or
    an editor saving, may have replaced one since; a write into that very file in the instant
    between is not told apart). With `overwrite`, a name that is a folder
    fails before any name is given."""
    temps: list[tuple[Path, Path]] = []
    placed: list[tuple[Path, tuple[int, int]]] = []  # a name given and the file it was given to
    try:
        for path, text in texts:
            if overwrite and os.path.isdir(path) and not os.path.islink(path):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        for path, text in texts:
            temps.append((_written(Path(path), text, mode), Path(path)))
        for tmp, path in temps:
            st = os.stat(tmp)
            _place(tmp, path, overwrite)
            placed.append((path, (st.st_dev, st.st_ino)))
    except BaseException:
        if not overwrite:  # the names this call gave; with overwrite an old file is gone either way
            for path, identity in placed:
                try:
                    st = os.lstat(path)
                    if (st.st_dev, st.st_ino) == identity:
                        os.unlink(path)
                except FileNotFoundError:
                    pass
        raise
    finally:
        for tmp, _ in temps:
            if os.path.lexists(tmp):
                os.unlink(tmp)

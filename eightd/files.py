"""Writing output files (exports, reports) without ever damaging what is there.

``output_file(target)`` is the one way eightd writes a file a user named:

- ``-`` is standard output;
- an existing path that is not a regular file (``/dev/null``, a FIFO, a terminal)
  is opened and written directly: renaming a file over a device would destroy it;
- a regular file or a new path is written to a temporary file beside it, checked,
  and renamed over it, so a crash or a full disk leaves the previous file whole.
  A new file gets the mode the umask allows (like any program's ``open``); a
  replaced file keeps its mode. A symlink is followed, not replaced.
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Any, TextIO

from eightd.errors import ValidationError

__all__ = ["output_file"]


def output_file(
    target: str | os.PathLike[str],
    *,
    binary: bool = False,
    check: Callable[[Path], None] | None = None,
    stdout: TextIO | None = None,
) -> AbstractContextManager[IO[Any]]:
    """A context manager giving a writable file for ``target`` (see the module):
    text (UTF-8) or, with ``binary=True``, bytes.

    ``check(path)`` runs on the finished temporary file before it replaces the
    target (raise to keep the previous file). ``stdout`` is the stream ``-`` means
    (default ``sys.stdout``). An OSError becomes a ValidationError naming the path.
    """
    return _output(str(target), binary=binary, check=check, stdout=stdout or sys.stdout)


@contextmanager
def _output(
    target: str, *, binary: bool, check: Callable[[Path], None] | None, stdout: TextIO
) -> Iterator[IO[Any]]:
    if target == "-":
        yield stdout.buffer if binary else stdout
        stdout.flush()
        return
    path = Path(target).expanduser()
    try:
        mode = os.stat(path).st_mode  # follows symlinks: the file behind the link
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _error(path, exc) from None
    if mode is not None and not stat.S_ISREG(mode):
        with _opened(path, "wb" if binary else "w") as fh:  # a device, FIFO, terminal ...
            yield fh
        return
    real = path.resolve() if path.is_symlink() else path
    with _replacing(real, binary=binary, keep_mode=mode, check=check) as fh:
        yield fh


@contextmanager
def _opened(path: Path, mode: str) -> Iterator[IO[Any]]:
    try:
        fh = open(path, mode, encoding=None if "b" in mode else "utf-8")  # noqa: SIM115
    except OSError as exc:
        raise _error(path, exc) from None
    try:
        with fh:
            yield fh
    except OSError as exc:
        raise _error(path, exc) from None


@contextmanager
def _replacing(
    path: Path, *, binary: bool, keep_mode: int | None, check: Callable[[Path], None] | None
) -> Iterator[IO[Any]]:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # 0o666 through the umask, as open() would create the file
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise _error(path, exc) from None
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if keep_mode is not None:
            os.chmod(tmp, stat.S_IMODE(keep_mode))
        if check is not None:
            check(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise _error(path, exc) from None
    finally:
        tmp.unlink(missing_ok=True)


def _error(path: Path, exc: OSError) -> ValidationError:
    return ValidationError(str(path), "error.reason.unwritable", detail=exc.strerror or str(exc))

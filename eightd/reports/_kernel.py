"""The report kernel: ipykernel's IPython kernel, with the report code loaded.

:class:`eightd.reports.notebook.WarmKernel` starts ``ipykernel_launcher`` with
``--IPKernelApp.kernel_class=eightd.reports._kernel.ReportKernel`` and
``--IPKernelApp.outstream_class=eightd.reports._kernel.ReportOutStream``; only
that kernel process imports this module, before the kernel is built. What
differs from the stock kernel, each a cost of every report:

- A cell is compiled by IPython's own compiler, which names it after a SHA-1 of
  its source. ipykernel's names it after a MurmurHash computed in pure Python (so
  its debugger can find the cell), about 20 ms for every report's parameters cell
  alone; nobody debugs a report kernel.
- No debugger: ipykernel imports debugpy (about 0.1 s of every kernel start) to
  offer one; without it the kernel tells its clients it has none.
- The report code (:mod:`eightd.reports.cells`) is imported while the kernel starts,
  before it answers, so it loads while the caller is still loading its own code.
- A cell is transformed once, not twice: ipykernel transforms it to decide how to
  run it, then IPython transforms it again to run it; for the parameters cell (the
  case as one long JSON string) each pass tokenizes about 30 KB.
- No top-level ``await`` (``autoawait`` off): report cells are plain Python, and
  deciding whether a cell needs a coroutine runner compiles it twice more.
- ``stdout`` and ``stderr`` skip a flush with nothing to send. The stock streams
  hand every flush to the I/O thread and wait for it, and the kernel flushes both
  before every displayed output and after every cell: about fifty waits a report,
  for text the report cells never print.
- No half-millisecond pause before every execute reply (ipykernel's guard for
  clients that stop reading at the reply; papermill reads on until the kernel
  says it is idle).
"""

from __future__ import annotations

import sys
from typing import Any

sys.modules.setdefault("debugpy", None)  # type: ignore[arg-type]

from ipykernel.iostream import OutStream  # noqa: E402
from ipykernel.ipkernel import IPythonKernel  # noqa: E402
from ipykernel.zmqshell import ZMQInteractiveShell  # noqa: E402
from IPython.core.compilerop import CachingCompiler  # noqa: E402
from traitlets import Bool, Float, Type  # noqa: E402

import eightd.reports.cells  # noqa: E402, F401

__all__ = ["ReportKernel", "ReportOutStream", "ReportShell"]


class ReportShell(ZMQInteractiveShell):
    """The kernel's shell: no top-level await, each cell transformed once."""

    autoawait = Bool(False)
    _transformed: tuple[str, str] | None = None

    def transform_cell(self, raw_cell: str) -> str:
        last = self._transformed
        if last is not None and last[0] == raw_cell:
            return last[1]
        cell = super().transform_cell(raw_cell)
        self._transformed = (raw_cell, cell)
        return cell


class ReportOutStream(OutStream):
    """``sys.stdout`` / ``sys.stderr`` of the kernel: a flush with nothing buffered
    returns at once instead of waiting for the I/O thread."""

    def flush(self) -> None:
        buffers: Any = getattr(self, "_buffers", None)
        lock: Any = getattr(self, "_buffer_lock", None)
        if buffers is not None and lock is not None and not self._flush_pending:
            with lock:
                empty = not any(buffer.tell() for buffer in buffers.values())
            if empty:
                return
        super().flush()


class ReportKernel(IPythonKernel):
    """The IPython kernel with :class:`ReportShell`, compiling cells with IPython's own
    ``CachingCompiler``."""

    shell_class = Type(ReportShell)
    # the base class of ipykernel's XCachingCompiler, which only renames cells
    compiler_class = Type(CachingCompiler)  # type: ignore[assignment]
    _execute_sleep = Float(0.0)

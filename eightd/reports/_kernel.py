"""The report kernel: ipykernel's IPython kernel, with the report code loaded.

:class:`eightd.reports.notebook.WarmKernel` starts ``ipykernel_launcher`` with
``--IPKernelApp.kernel_class=eightd.reports._kernel.ReportKernel``; only that
kernel process imports this module, before the kernel is built. Three
differences from the stock kernel:

- A cell is compiled by IPython's own compiler, which names it after a SHA-1 of
  its source. ipykernel's names it after a MurmurHash computed in pure Python (so
  its debugger can find the cell), about 20 ms for every report's parameters cell
  alone; nobody debugs a report kernel.
- No debugger: ipykernel imports debugpy (about 0.1 s of every kernel start) to
  offer one; without it the kernel tells its clients it has none.
- The report code (:mod:`eightd.reports.cells`) is imported while the kernel starts,
  before it answers, so it loads while the caller is still loading its own code.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("debugpy", None)  # type: ignore[arg-type]

from ipykernel.ipkernel import IPythonKernel  # noqa: E402
from IPython.core.compilerop import CachingCompiler  # noqa: E402
from traitlets import Type  # noqa: E402

import eightd.reports.cells  # noqa: E402, F401

__all__ = ["ReportKernel"]


class ReportKernel(IPythonKernel):
    """The IPython kernel, compiling cells with IPython's own ``CachingCompiler``."""

    # the base class of ipykernel's XCachingCompiler, which only renames cells
    compiler_class = Type(CachingCompiler)  # type: ignore[assignment]

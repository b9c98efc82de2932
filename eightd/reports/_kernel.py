"""The report kernel: ipykernel's IPython kernel, with the report code loaded.

:class:`eightd.reports.notebook.WarmKernel` starts ``ipykernel_launcher`` with
``--IPKernelApp.kernel_class=eightd.reports._kernel.ReportKernel``; only that
kernel process imports this module. Two differences from the stock kernel:

- A cell is compiled by IPython's own compiler, which names it after a SHA-1 of
  its source. ipykernel's names it after a MurmurHash computed in pure Python (so
  its debugger can find the cell), about 20 ms for every report's parameters cell
  alone; nobody debugs a report kernel.
- The report code (:mod:`eightd.reports.cells`) is imported while the kernel starts,
  before it answers, so it loads while the caller is still loading its own code.
"""

from __future__ import annotations

from ipykernel.ipkernel import IPythonKernel
from IPython.core.compilerop import CachingCompiler
from traitlets import Type

import eightd.reports.cells  # noqa: F401

__all__ = ["ReportKernel"]


class ReportKernel(IPythonKernel):
    """The IPython kernel, compiling cells with IPython's own ``CachingCompiler``."""

    # the base class of ipykernel's XCachingCompiler, which only renames cells
    compiler_class = Type(CachingCompiler)  # type: ignore[assignment]

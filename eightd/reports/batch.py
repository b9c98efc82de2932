"""Many reports in parallel: worker processes, each with one warm kernel.

Each worker process starts one kernel when it starts (on IPC sockets in a
private folder, so workers never race for TCP ports), imports the report code
into it, and keeps it for every report it is given: a report then costs its
own execution, not a kernel start. Every report is still a real papermill
execution of the template, on a freshly reset namespace.

Workers come from a fork server that imported nbconvert, papermill and the
writers once; they are forked from it, not from the caller, so no ZeroMQ
socket or event loop of the caller (a Voilà kernel, say) leaks into them.
A worker's kernel is shut down when the pool closes.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing.util import Finalize
from typing import TYPE_CHECKING

from tqdm import tqdm

from eightd.errors import EightDError, ReportError
from eightd.i18n import t
from eightd.reports.request import ReportRequest, ReportResult

__all__ = ["BatchItem", "ReportPool", "generate_reports"]

if TYPE_CHECKING:
    from eightd.reports.generate import ReportWriter

_PRELOAD = ["eightd.reports._preload"]
_writer: ReportWriter | None = None  # the worker process's own writer
_startup_error: EightDError | None = None


def _start_worker() -> None:
    from eightd.reports.generate import ReportWriter

    global _writer, _startup_error
    writer = ReportWriter()
    # multiprocessing runs Finalize callbacks when a worker exits (atexit does not run there)
    Finalize(writer, writer.close, exitpriority=10)
    try:
        writer.warm_up()
    except EightDError as exc:  # e.g. no ipykernel: told with every report, not as a broken pool
        _startup_error = exc
    _writer = writer


def _write_in_worker(request: ReportRequest) -> ReportResult:
    if _startup_error is not None:
        raise _startup_error
    assert _writer is not None, "worker not initialised"
    return _writer.write(request)


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


class ReportPool:
    """``jobs`` worker processes with warm kernels. Use as a context manager."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self._executor = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=_context(),
            initializer=_start_worker,
        )

    def __enter__(self) -> ReportPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, request: ReportRequest) -> Future[ReportResult]:
        return self._executor.submit(_write_in_worker, request)

    def run(
        self, requests: Sequence[ReportRequest], *, progress: bool = False, lang: str = "en"
    ) -> Iterator[BatchItem]:
        """Every request's outcome as it completes (not in request order)."""
        futures = {self.submit(r): r for r in requests}
        bar = _progress(len(futures), progress, lang)
        try:
            for future in as_completed(futures):
                request = futures[future]
                try:
                    yield BatchItem(request.number, result=future.result())
                except EightDError as exc:
                    yield BatchItem(request.number, error=exc)
                except Exception as exc:  # one report's bug or a dead worker: keep going
                    detail = f"{type(exc).__name__}: {exc}"
                    failed = ReportError(
                        "report.error.failed", number=request.number, detail=detail
                    )
                    yield BatchItem(request.number, error=failed)
                finally:
                    bar.update(1)
        finally:
            bar.close()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class BatchItem:
    number: str
    result: ReportResult | None = None
    error: EightDError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _progress(total: int, enabled: bool, lang: str) -> tqdm[None]:
    return tqdm(
        total=total, desc=t("report.cli.progress", lang), unit="report", disable=not enabled
    )


def generate_reports(
    requests: Iterable[ReportRequest],
    *,
    jobs: int | None = None,
    progress: bool = False,
    lang: str = "en",
) -> list[BatchItem]:
    """Produce every report with ``jobs`` warm workers; failures are returned, not raised."""
    todo = list(requests)
    if not todo:
        return []
    with ReportPool(min(jobs or os.cpu_count() or 1, len(todo))) as pool:
        return list(pool.run(todo, progress=progress, lang=lang))

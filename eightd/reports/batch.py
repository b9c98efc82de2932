"""Many reports in parallel: worker processes, each with one warm kernel.

Each worker process starts one kernel when it starts (on IPC sockets in a
private folder, so workers never race for TCP ports), imports the report code
into it, and keeps it for every report it is given: a report then costs its
own execution, not a kernel start. Every report is still a real papermill
execution of the template, on a freshly reset namespace.

Workers come from a fork server that imported papermill, nbclient and the
writers once; they are forked from it, not from the caller, so no ZeroMQ
socket or event loop of the caller (a Voilà kernel, say) leaks into them.
A worker's kernel is shut down when the pool closes.

PDFs are printed in the caller's process, every one in the same Chromium (one
browser for the whole batch), while the workers go on with the next reports.

Nothing outlives the batch: closing the pool early (Ctrl-C, SIGTERM, an error)
stops the workers at once, each closing its kernel. A worker also stops when the
caller goes away, even by ``kill -9`` (it watches the caller's process); then the
fork server exits, a kernel stops when its worker does (ipykernel watches its
parent) and the browser when the caller does (see :mod:`eightd.reports.pdf`).
"""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Iterable, Iterator, Sized
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing.util import Finalize
from typing import TYPE_CHECKING

from tqdm import tqdm

from eightd.errors import EightDError, ReportError
from eightd.i18n import t
from eightd.reports.request import ReportRequest, ReportResult

__all__ = ["BatchItem", "ReportPool", "generate_reports", "start_fork_server"]

if TYPE_CHECKING:
    from eightd.reports.pdf import PdfPrinter
    from eightd.reports.writer import ReportWriter

_PRELOAD = ["eightd.reports._preload"]
_writer: ReportWriter | None = None  # the worker process's own writer
_startup_error: EightDError | None = None


def _stop_worker(signum: int, frame: object) -> None:
    """Stop now: kill the kernel (no handshake, no event loop) and leave. Not SystemExit:
    the pool's worker loop catches every exception of a report and carries on."""
    from eightd.reports.files import abandon_temporary_files

    if _writer is not None:
        _writer.abandon()
    abandon_temporary_files()
    os._exit(128 + signum)


def _watch_caller(pid: int) -> None:
    """Stop this worker (SIGTERM to itself) once process ``pid``, the caller, is gone.

    A worker's parent is the fork server, which itself lives as long as any worker
    does; only the caller's death tells a worker that nobody waits for its reports.
    """
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):  # no pidfd (old kernel): poll instead
        fd = -1

    def watch() -> None:
        if fd >= 0:
            select.select([fd], [], [])  # readable when the process has exited
        else:
            while True:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    pass
                time.sleep(0.5)
        # to the main thread itself: a signal another thread takes would not interrupt
        # the main thread's blocking read of the next request
        signal.pthread_kill(main, signal.SIGTERM)

    main = threading.main_thread().ident or threading.get_ident()
    threading.Thread(target=watch, name="eightd-watch-caller", daemon=True).start()


def _start_worker(caller: int) -> None:
    from eightd.reports.writer import ReportWriter

    global _writer, _startup_error
    # Ctrl-C reaches the whole process group: the caller stops the workers in order
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    _watch_caller(caller)
    writer = ReportWriter()
    # multiprocessing runs Finalize callbacks when a worker exits (atexit does not run there)
    Finalize(writer, writer.close, exitpriority=10)
    try:
        writer.warm_up()
    except EightDError as exc:  # e.g. no ipykernel: told with every report, not as a broken pool
        _startup_error = exc
    _writer = writer


def _nothing() -> None:
    """A task that does nothing (submitting one starts the workers)."""


def _write_in_worker(request: ReportRequest) -> ReportResult:
    if _startup_error is not None:
        raise _startup_error
    assert _writer is not None, "worker not initialised"
    return _writer.write(request, print_pdf=False)  # printed by the caller's browser


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def start_fork_server() -> None:
    """Start the fork server now: it imports the report code in a process of its own
    while the caller goes on loading its own, and a pool made later forks its workers
    from it at once (a batch from the command line starts it before the commands'
    modules load, half a second of imports)."""
    ctx = _context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


class ReportPool:
    """``jobs`` worker processes with warm kernels. Use as a context manager."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self._executor = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=_context(),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )
        self._lock = threading.Lock()
        self._printer: PdfPrinter | None = None
        self._printing: ThreadPoolExecutor | None = None
        # the first task starts every worker: they boot their kernels from now on, while
        # the caller still reads the cases
        self._executor.submit(_nothing)

    def __enter__(self) -> ReportPool:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(abort=exc_type is not None)

    def submit(self, request: ReportRequest) -> Future[ReportResult]:
        written = self._executor.submit(_write_in_worker, request)
        if "pdf" not in request.formats:
            return written
        done: Future[ReportResult] = Future()
        written.add_done_callback(lambda w: self._print_later(w, done))
        return done

    def _print_later(self, written: Future[ReportResult], done: Future[ReportResult]) -> None:
        if written.cancelled():
            done.cancel()
            return
        error = written.exception()
        if error is not None:
            done.set_exception(error)
            return
        try:
            printing = self._printing_threads()
        except RuntimeError as exc:  # the pool is closing
            done.set_exception(exc)
            return
        printing.submit(self._print, written.result(), done)

    def _printing_threads(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._printing is None:
                from eightd.reports.pdf import PdfPrinter

                self._printer = PdfPrinter()
                # the browser is started (and bound to this process) by a printing thread
                self._printing = ThreadPoolExecutor(self.jobs, thread_name_prefix="eightd-pdf")
            return self._printing

    def _print(self, result: ReportResult, done: Future[ReportResult]) -> None:
        from eightd.reports.writer import finish_pdf

        assert self._printer is not None
        try:
            done.set_result(finish_pdf(result, self._printer))
        except BaseException as exc:
            done.set_exception(exc)

    def run(
        self,
        requests: Iterable[ReportRequest],
        *,
        count: int | None = None,
        progress: bool = False,
        lang: str = "en",
    ) -> Iterator[BatchItem]:
        """Every request's outcome as it completes (not in request order). Each request
        is handed to a worker as soon as it is taken from ``requests`` (``count`` of
        them, for the progress bar, when ``requests`` has no length)."""
        total = len(requests) if isinstance(requests, Sized) else count
        bar = _progress(total, progress, lang)
        try:
            futures = {self.submit(r): r for r in requests}
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

    def close(self, *, abort: bool = False) -> None:
        """Wait for the running reports, then stop the workers; with ``abort`` (Ctrl-C,
        SIGTERM, an error) stop them at once. Either way every kernel and the browser stop."""
        if abort:
            for process in list(getattr(self._executor, "_processes", {}).values()):
                if process.is_alive():
                    process.terminate()  # SIGTERM: the worker closes its kernel and exits
        try:
            self._executor.shutdown(wait=True, cancel_futures=True)
        finally:
            if self._printing is not None:
                self._printing.shutdown(wait=not abort, cancel_futures=True)
            if self._printer is not None:
                self._printer.close()


@dataclass(frozen=True)
class BatchItem:
    number: str
    result: ReportResult | None = None
    error: EightDError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _progress(total: int | None, enabled: bool, lang: str) -> tqdm[None]:
    return tqdm(
        total=total, desc=t("report.cli.progress", lang), unit="report", disable=not enabled
    )


def generate_reports(
    requests: Iterable[ReportRequest],
    *,
    count: int | None = None,
    jobs: int | None = None,
    progress: bool = False,
    lang: str = "en",
) -> list[BatchItem]:
    """Produce every report with ``jobs`` warm workers; failures are returned, not raised.

    ``requests`` may be a lazy iterable (with ``count``, how many it yields): the
    workers start, and boot their kernels, while the next requests are still made."""
    total = len(requests) if isinstance(requests, Sized) else count
    if total == 0:
        return []
    with ReportPool(min(jobs or os.cpu_count() or 1, total or os.cpu_count() or 1)) as pool:
        return list(pool.run(requests, count=total, progress=progress, lang=lang))

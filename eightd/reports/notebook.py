"""Running the report template: papermill on a kernel that stays warm.

A papermill run normally starts a kernel, executes the notebook and shuts the
kernel down; the start alone costs about a second. :class:`WarmKernel` keeps
one kernel (on IPC sockets, so parallel workers never race for TCP ports) and
runs each report as a real papermill execution of the parameterized template
through the ``eightd-warm`` papermill engine: same parameter injection, same
error markers, same executed notebook, but on the running kernel, with the
user namespace reset before each report so no report sees another's state.

The kernel is :class:`eightd.reports._kernel.ReportKernel` (the report code
loaded while it starts). A dict or list parameter (the case document, its view
model) is injected as one JSON string decoded by ``json.loads``, not as
papermill's Python literal: IPython tokenizes a literal token by token in pure
Python before it runs a cell, about 60 ms for a case, where one string is a
single token.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from eightd.errors import MissingDependencyError, ReportError
from eightd.reports.jupyter_tuning import wait_until_answered
from eightd.resources import template_path

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["KERNEL_NAME", "WarmKernel", "default_template", "load_template", "save_notebook"]

log = logging.getLogger(__name__)

ENGINE_NAME = "eightd-warm"
KERNEL_NAME = "eightd-python"
KERNEL_CLASS = "eightd.reports._kernel.ReportKernel"
OUTSTREAM_CLASS = "eightd.reports._kernel.ReportOutStream"
# the folder holding the eightd package: the kernel imports eightd from there
_SOURCE_ROOT = Path(__file__).resolve().parents[2]
# the namespace reset run before every report: a fresh user namespace and
# execution counts from 1, while imported modules stay loaded (that is the warmth).
# IPython's reset also flushes the output cache with a full gc.collect() (~50 ms in a
# warm kernel); the reports display through the display publisher, never that cache,
# and the collector still runs on its own schedule.
_RESET = """
def _eightd_reset(shell):
    full_cache = shell.displayhook.do_full_cache
    shell.displayhook.do_full_cache = False
    try:
        shell.reset(new_session=True, aggressive=False)
    finally:
        shell.displayhook.do_full_cache = full_cache
_eightd_reset(get_ipython())
"""


def default_template() -> Path:
    """``8d_report.ipynb`` from the template folders (see :mod:`eightd.resources`)."""
    return template_path("8d_report.ipynb")


def load_template(path: Path | None = None) -> NotebookNode:
    """The template notebook (read once per file version)."""
    path = (path or default_template()).resolve()
    if not path.is_file():
        raise ReportError("report.error.no_template", path=str(path))
    return copy.deepcopy(_read_template(path, path.stat().st_mtime_ns))


@cache
def _read_template(path: Path, mtime_ns: int) -> NotebookNode:
    import nbformat

    return nbformat.read(path, as_version=4)


def save_notebook(nb: NotebookNode, path: Path) -> None:
    """Write executed notebook ``nb`` to ``path`` as nbformat 4 JSON, in one C-encoded pass.

    The file is what ``nbformat.write`` writes, less its whitespace: no indents and
    multiline strings left whole (both optional in the format), keys sorted,
    transient values dropped. It is not validated again: papermill and nbclient
    built it from nbformat's own cells and outputs.
    """
    from nbformat.v4.rwbase import strip_transient

    text = json.dumps(strip_transient(nb), ensure_ascii=False, sort_keys=True)
    Path(path).write_text(text + "\n", encoding="utf-8")


class _InterpreterKernels(KernelSpecManager):
    """Kernel specs with one more: ``eightd-python``, the report kernel on *this*
    interpreter.

    A ``python3`` spec found on the Jupyter path may belong to another Python
    that lacks eightd; this one always runs the interpreter eightd runs in.
    """

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name != KERNEL_NAME:
            return super().get_kernel_spec(kernel_name)
        return KernelSpec(
            argv=[
                sys.executable,
                "-m",
                "ipykernel_launcher",
                "-f",
                "{connection_file}",
                f"--IPKernelApp.kernel_class={KERNEL_CLASS}",
                f"--IPKernelApp.outstream_class={OUTSTREAM_CLASS}",
            ],
            display_name="Python (eightd)",
            language="python",
            resource_dir="",
        )


def _check_ipykernel() -> None:
    try:
        import ipykernel  # noqa: F401
    except ModuleNotFoundError as exc:
        raise MissingDependencyError(
            what=f"ipykernel ({sys.executable})",
            hint=f"{sys.executable} -m pip install ipykernel",
        ) from exc


def kernel_env() -> dict[str, str]:
    """The kernel's environment: eightd importable even when not installed."""
    env = dict(os.environ)
    root = str(_SOURCE_ROOT)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


@cache
def _register_engine() -> None:
    """Register the ``eightd-warm`` papermill engine and the parameter translator of
    the report kernel. papermill and nbclient are imported here, not with this
    module, so a kernel can be launched before they load."""
    from nbformat import from_dict
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.translators import PythonTranslator, papermill_translators

    class JsonTranslator(PythonTranslator):
        """Python parameters with every dict and list as one JSON string."""

        @classmethod
        def translate_dict(cls, val: dict[str, Any]) -> str:
            return cls._json(val)

        @classmethod
        def translate_list(cls, val: list[Any]) -> str:
            return cls._json(val)

        @staticmethod
        def _json(val: object) -> str:
            return f"json.loads({json.dumps(val, ensure_ascii=False)!r})"

        @classmethod
        def codify(cls, parameters: dict[str, Any], comment: str = "Parameters") -> str:
            # papermill's version also runs black over the cell, when black is installed
            lines = [cls.comment(comment), "import json"]
            lines += [cls.assign(name, cls.translate(value)) for name, value in parameters.items()]
            return "\n".join(lines) + "\n"

    papermill_translators.register(KERNEL_NAME, JsonTranslator)

    class _WarmClient(PapermillNotebookClient):
        """papermill's client on a kernel and a kernel client that outlive the run."""

        def __init__(self, nb_man: Any, km: AsyncKernelManager, kc: Any, **kw: Any) -> None:
            super().__init__(nb_man, km=km, **kw)
            self.kc = kc

        def output(
            self, outs: list[Any], msg: dict[str, Any], display_id: str | None, cell_index: int
        ) -> Any:
            """A plain displayed output (the report cells' only kind) joins the cell as
            it came, without nbclient's check of it against the notebook schema (a
            jsonschema walk per output, about a twentieth of a warm report's own work);
            every other message goes through nbclient's own handling."""
            parent = msg["parent_header"].get("msg_id")
            if (
                msg["msg_type"] != "display_data"
                or display_id
                or self.clear_before_next_output
                or self.output_hook_stack[parent]
            ):
                return super().output(outs, msg, display_id, cell_index)
            content = msg["content"]
            out = from_dict(
                {
                    "output_type": "display_data",
                    "data": content["data"],
                    "metadata": content["metadata"],
                }
            )
            outs.append(out)
            return out

    class WarmKernelEngine(NBClientEngine):
        """papermill engine ``eightd-warm``: executes on the ``km`` / ``kc`` passed in."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: int | None = None,
            *,
            km: AsyncKernelManager,
            kc: Any,
            **kwargs: Any,
        ) -> NotebookNode:
            kwargs.pop("input_path", None)
            client = _WarmClient(
                nb_man,
                km=km,
                kc=kc,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logging.getLogger("papermill"),
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            return client.execute()

    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)


def _kill_group(km: AsyncKernelManager | None) -> subprocess.Popen[bytes] | None:
    """SIGKILL to the kernel's process group (it runs in a session of its own); the
    kernel's process, if there is one."""
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is not None:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
    return process


class WarmKernel:
    """One running kernel that executes report notebooks one after another.

    Not thread-safe: use one per thread or process (:class:`ReportPool` keeps
    one per worker process). Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, *, startup_timeout: int = 60, cell_timeout: int = 300) -> None:
        self.startup_timeout = startup_timeout
        self.cell_timeout = cell_timeout
        self.km: AsyncKernelManager | None = None
        self.kc: Any = None
        self._dir: str | None = None

    def __enter__(self) -> WarmKernel:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- life cycle (all on this thread's event loop, which nbclient uses too)

    def launch(self) -> None:
        """Start the kernel process without waiting for it: do other work meanwhile."""
        if self.km is None:
            run_sync(self._launch)()

    def start(self) -> None:
        """Start the kernel (unless launched already) and wait until it answers."""
        self.launch()
        if self.kc is None:
            run_sync(self._connect)()

    async def _launch(self) -> None:
        _check_ipykernel()
        # a short private folder: IPC socket paths must stay under ~100 bytes
        self._dir = tempfile.mkdtemp(prefix="eightd-k")
        km = AsyncKernelManager(
            kernel_name=KERNEL_NAME,
            kernel_spec_manager=_InterpreterKernels(),
            transport="ipc",
            ip=os.path.join(self._dir, "k"),
            connection_file=os.path.join(self._dir, "kernel.json"),
        )
        await km.start_kernel(
            env=kernel_env(),
            cwd=self._dir,
            extra_arguments=["--HistoryManager.enabled=False", "--Application.log_level=40"],
        )
        self.km = km

    async def _connect(self) -> None:
        assert self.km is not None
        kc = self.km.client()
        kc.start_channels()
        try:
            await wait_until_answered(kc, timeout=self.startup_timeout, is_alive=self.km.is_alive)
        except RuntimeError:
            kc.stop_channels()
            await self.km.shutdown_kernel(now=True)
            self.km = None
            raise
        kc.allow_stdin = False
        self.kc = kc

    def close(self) -> None:
        if self.km is not None:
            try:
                run_sync(self._close)()
            except BaseException:
                self._kill()  # e.g. interrupted by a signal mid-shutdown: no kernel may stay
                raise
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def _kill(self) -> None:
        """Kill the kernel's process group (it runs in a session of its own) at once."""
        km, self.km, self.kc = self.km, None, None
        _kill_group(km)

    def abandon(self) -> None:
        """Kill the kernel and drop its folder without the event loop (a signal handler may
        have interrupted a report in the middle of the loop)."""
        self._kill()
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    async def _close(self) -> None:
        assert self.km is not None
        if self.kc is not None:
            self.kc.stop_channels()
        try:
            # a report kernel holds nothing that needs a graceful exit (no history, no
            # files); stopping it at once spares every batch the shutdown handshake.
            # Killed and reaped here first: jupyter_client would interrupt it, then look
            # every 0.1 s whether it is gone (a tenth of a second of every cold report)
            process = _kill_group(self.km)
            if process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=5)
            await self.km.shutdown_kernel(now=True)
        finally:
            self.km, self.kc = None, None

    async def _restart(self) -> None:
        assert self.km is not None
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        await self.km.restart_kernel(now=True)
        await self._connect()

    async def _ensure_alive(self) -> None:
        assert self.km is not None
        if not await self.km.is_alive():
            log.warning("report kernel died; restarting it")
            await self._restart()

    async def _run_silently(self, code: str) -> None:
        """Run ``code`` outside any notebook (no outputs, no execution count)."""
        await self._ensure_alive()
        msg_id = self.kc.execute(code, silent=True, store_history=False)
        while True:
            reply = await self.kc.get_shell_msg(timeout=self.startup_timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content["status"] != "ok":
            raise RuntimeError(f"{code!r} failed in the report kernel: {content.get('evalue')}")

    # -- running a report

    def execute(
        self,
        template: NotebookNode,
        parameters: Mapping[str, Any],
        output_path: Path,
        *,
        source: str = "",
    ) -> NotebookNode:
        """Execute ``template`` with ``parameters``; the executed notebook is written to
        ``output_path`` also when a cell fails (papermill marks the failing cell).

        These are the steps of ``papermill.execute_notebook``, on papermill's own
        functions: papermill parameterizes the template (``source`` is the template's
        path, recorded in the notebook), its engine runs it, papermill marks a failed
        cell and saves that notebook. A notebook that ran through is saved by
        :func:`save_notebook`: papermill saves it re-validated, deep-copied and
        encoded with indents in pure Python (the metadata repeat the parameters, the
        whole case), about a sixth of a warm report.

        Raises ReportError naming ``output_path`` and the failing cell.
        """
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from papermill.engines import papermill_engines
        from papermill.exceptions import PapermillExecutionError
        from papermill.execute import (
            prepare_notebook_metadata,
            raise_for_execution_errors,
            remove_error_markers,
        )
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        _register_engine()
        self.start()
        run_sync(self._run_silently)(_RESET)
        try:
            nb = parameterize_notebook(
                load_notebook_node(template),
                dict(parameters),
                kernel_name=KERNEL_NAME,
                engine_name=ENGINE_NAME,
            )
            nb = remove_error_markers(prepare_notebook_metadata(nb, source, str(output_path)))
            nb = papermill_engines.execute_notebook_with_engine(
                ENGINE_NAME,
                nb,
                kernel_name=KERNEL_NAME,
                output_path=None,  # no saves while it runs
                progress_bar=False,
                execution_timeout=self.cell_timeout,
                km=self.km,
                kc=self.kc,
            )
            raise_for_execution_errors(nb, str(output_path))  # saves a failed notebook
            save_notebook(nb, output_path)
        except PapermillExecutionError as exc:
            raise ReportError(
                "report.error.cell_failed",
                path=str(output_path),
                cell=exc.exec_count if exc.exec_count is not None else exc.cell_index,
                ename=exc.ename,
                evalue=exc.evalue,
            ) from exc
        except CellTimeoutError as exc:
            run_sync(self._restart)()  # the kernel is still busy with the stuck cell
            raise ReportError(
                "report.error.timeout", path=str(output_path), seconds=self.cell_timeout
            ) from exc
        except DeadKernelError as exc:
            run_sync(self._restart)()
            raise ReportError("report.error.kernel_died", path=str(output_path)) from exc
        return nb

"""``eightd serve``: Voilà on 127.0.0.1 serving only the workbench notebooks, with
preheated kernels (a page opens on a kernel that has already imported eightd, opened
the store and read the policy) and idle kernels culled.

This module imports neither Voilà nor the widgets: it builds the command line of
:mod:`eightd.ui.voila_main`, the script the server runs."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from eightd.ui import voila_main

__all__ = [
    "ServeOptions",
    "free_port",
    "notebooks_dir",
    "voila_command",
    "voila_env",
]

APP_NOTEBOOKS = ("ledger.ipynb", "case.ipynb", "new.ipynb")
# the server runs this script (Voilà with the landing page's kernel warmed first)
_VOILA_MAIN = Path(voila_main.__file__)
_SOURCE_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def notebooks_dir() -> Path:
    """The app notebooks: the source tree's ``notebooks/``, else a wheel's
    ``<prefix>/share/eightd/notebooks``."""
    for directory in (_SOURCE_NOTEBOOKS, Path(sys.prefix) / "share" / "eightd" / "notebooks"):
        if (directory / APP_NOTEBOOKS[0]).is_file():
            return directory
    return _SOURCE_NOTEBOOKS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ServeOptions:
    port: int = 8866
    preheat: bool = True
    pool_size: int = 1  # warm kernels per notebook
    cull_idle_seconds: int = 900  # a page left alone this long (and closed) loses its kernel
    at: str = ""  # a fixed clock for demos and tests (EIGHTD_AT)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/ledger.ipynb"


def voila_command(options: ServeOptions, directory: Path | None = None) -> list[str]:
    """The Voilà command line: bound to 127.0.0.1 (kernels on IPC sockets), no browser,
    no tracebacks to users, only the notebooks directory, kernels preheated (or not) and
    culled when idle."""
    args = [
        sys.executable,
        str(_VOILA_MAIN),
        str(directory or notebooks_dir()),
        f"--port={options.port}",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        "--Voila.open_browser=False",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        # no file of the notebooks' folder is served: the one allowed pattern (a character
        # before the start) matches no name; traitlets takes a list item by item, and an
        # empty list literal is deprecated
        "--VoilaConfiguration.file_allowlist=.^",
        "--theme=light",
        # the pages show no code: the code-highlighting theme would only add scripts
        "--VoilaConfiguration.extension_denylist=jupyterlab_pygments",
        # kernels talk to the server over sockets in Voilà's private temporary folder,
        # not over TCP ports any local account can reach
        "--KernelManager.transport=ipc",
        f"--MappingKernelManager.cull_idle_timeout={options.cull_idle_seconds}",
        "--MappingKernelManager.cull_interval=60",
    ]
    if options.preheat:
        args += ["--preheat_kernel=True", f"--pool_size={options.pool_size}"]
        # only the workbench's pages wait warm; every kernel that starts with the server
        # shares its two cores with the first page (the dashboard opens on a new kernel)
        others = sorted(
            p.name
            for p in (directory or notebooks_dir()).glob("*.ipynb")
            if p.name not in APP_NOTEBOOKS
        )
        if others:
            # Voilà matches a pattern from the start of the notebook's absolute path
            patterns = json.dumps([f".*/{re.escape(name)}$" for name in others])
            args.append(f"--VoilaKernelManager.preheat_denylist={patterns}")
    return args


def voila_env(options: ServeOptions, base: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    if options.at:
        env["EIGHTD_AT"] = options.at
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def run(options: ServeOptions) -> int:
    """Become Voilà (on POSIX the process is replaced, so stopping ``eightd serve`` stops
    the server and its kernels; nothing is left behind)."""
    command, env = voila_command(options), voila_env(options)
    if os.name == "posix":
        os.execve(command[0], command, env)
    process = subprocess.Popen(command, env=env)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait(timeout=20)
        return 130

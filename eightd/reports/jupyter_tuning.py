"""Three costs of the Jupyter libraries that eightd's own processes do not pay: the
report workers, the command line and the workbench's Voilà server.

* jsonschema imports every optional library that checks a string ``format`` it knows
  (IRIs, URI templates, ISO durations through ``arrow``, colours ...) when it is
  installed: ``rfc3987_syntax`` alone builds a Lark grammar at import (0.9-1.8 s of
  CPU), the others cost about 0.1 s together. nbformat and jupyter_events, which
  import jsonschema here, check none of those formats; marked absent, they are left
  out (:func:`skip_format_checkers`).
* jupyter_client parses the dates of every message header with dateutil's general ISO
  parser; the standard library's reads the strings jupyter_client accepts to equal
  values, in a thirtieth of the time (:func:`parse_dates_quickly`).
* jupyter_client's ``wait_for_ready`` ends by waiting for 0.2 s of silence on IOPub, a
  fifth of a second of every kernel start (:func:`wait_until_answered`).

Each changes its whole process, so only a process eightd owns calls them (a library
caller's process is left alone). Standard library and jupyter_client only: the Voilà
server, which imports no eightd, loads this file by its path.
"""

from __future__ import annotations

import queue
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["FORMAT_CHECKERS", "parse_dates_quickly", "skip_format_checkers", "wait_until_answered"]

FORMAT_CHECKERS = (
    "rfc3987_syntax",
    "rfc3986_validator",
    "rfc3339_validator",
    "isoduration",
    "uri_template",
    "webcolors",
    "fqdn",
    "jsonpointer",
)


def skip_format_checkers() -> None:
    """Mark jsonschema's optional format checkers absent (before jsonschema is imported)."""
    for name in FORMAT_CHECKERS:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def parse_dates_quickly() -> None:
    """Parse message dates with ``datetime.fromisoformat``."""
    from datetime import datetime

    import jupyter_client.jsonutil

    jupyter_client.jsonutil._dateutil_parse = datetime.fromisoformat


async def wait_until_answered(
    client: Any, *, timeout: float | None, is_alive: Callable[[], Awaitable[bool]]
) -> None:
    """Return once the kernel of ``client`` answered ``kernel_info`` on its shell channel
    and a message of the kernel reached IOPub: ``wait_for_ready`` of jupyter_client, less
    its last step, the wait for 0.2 s of silence on IOPub. The messages that wait would
    have dropped are the kernel's status for that request; nbclient and papermill read
    only the messages of the cell they run."""
    deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
    while True:
        client.kernel_info()
        try:
            reply = await client.get_shell_msg(timeout=1)
        except queue.Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:  # the kernel said it is busy with that request: IOPub is connected
                await client.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                pass  # subscribed too late for it: ask again
            else:
                client._handle_kernel_info_reply(reply)
                return
        if not await is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

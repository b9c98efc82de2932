"""How ``eightd serve`` runs Voilà: only the workbench's pages preheat, and the landing
page's kernel warms before the others start (they would share its two cores)."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from eightd.ui.serve import ServeOptions, notebooks_dir, voila_command
from eightd.ui.voila_main import LANDING, landing_first


def test_voila_itself_keeps_the_denied_notebooks_out_of_the_kernel_pools() -> None:
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    command = voila_command(ServeOptions())
    (denied,) = [a for a in command if a.startswith("--VoilaKernelManager.preheat_denylist=")]
    manager = voila_kernel_manager_factory(AsyncMappingKernelManager, True, 1)
    configured = SimpleNamespace(preheat_denylist=json.loads(denied.split("=", 1)[1]))
    # Voilà hands its filter the notebook's absolute path
    pooled = {
        path.name
        for path in notebooks_dir().resolve().rglob("*.ipynb")
        if manager._notebook_filter(configured, path)
    }
    assert pooled == {"ledger.ipynb", "case.ipynb", "new.ipynb"}


class FakeManager:
    """What the wrapper relies on in Voilà's preheating manager: the constructor fills a
    pool per notebook; a pool holds tasks giving {"task": <rendering>}."""

    log = logging.getLogger("test")

    def __init__(self, **kwargs: Any) -> None:
        self.filled: list[str | None] = []
        self.envs: list[dict[str, str]] = []  # the extra variables of each kernel started
        self._pools: dict[str | None, list[Any]] = {}
        self.renders: dict[str | None, asyncio.Future[None]] = {}
        for name in ("new.ipynb", LANDING, "case.ipynb"):
            self.fill_if_needed(delay=0, notebook_name=name)

    def fill_if_needed(
        self, delay: float | None = None, notebook_name: str | None = None, **kwargs: Any
    ) -> None:
        self.filled.append(notebook_name)
        self.envs.append(dict(kwargs.get("extra_kernel_env_variables") or {}))
        loop = asyncio.get_event_loop()
        render = self.renders[notebook_name] = loop.create_future()

        async def start() -> dict[str, Any]:
            return {"task": render}

        self._pools.setdefault(notebook_name, []).append(loop.create_task(start()))

    async def get_rendered_notebook(self, notebook_name: str, **kwargs: Any) -> Any:
        # as Voilà: pop the pool's kernel, await it, ask for a refill, hand it out
        item = self._pools[notebook_name].pop(0)
        content = await item
        self.fill_if_needed(delay=None, notebook_name=notebook_name)
        return content["task"]


def _factory(base: type, preheat: bool, pool_size: int, **kwargs: Any) -> type:
    return base


def _run(scenario: Any) -> Any:
    """Run ``scenario`` on a loop of its own, the current one while it runs (the fake
    manager, as Voilà's, takes the current loop)."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(scenario)
    finally:
        loop.close()
        asyncio.set_event_loop(None)


def test_the_other_pools_fill_only_once_the_landing_page_kernel_ran_its_notebook() -> None:
    async def scenario() -> list[list[str | None]]:
        manager = landing_first(_factory)(FakeManager, True, 1, page_config_hook=None)()
        seen = [list(manager.filled)]
        await asyncio.sleep(0.05)
        seen.append(list(manager.filled))  # the landing kernel started, not done yet
        manager.renders[LANDING].set_result(None)
        await asyncio.sleep(0.05)
        seen.append(list(manager.filled))
        manager.fill_if_needed(notebook_name="case.ipynb")  # a refill later: at once
        seen.append(list(manager.filled))
        return seen

    first, waiting, after, refill = _run(scenario())
    assert first == waiting == [LANDING]
    assert after == [LANDING, "new.ipynb", "case.ipynb"]
    assert refill == [*after, "case.ipynb"]


def test_when_no_one_opens_the_landing_page_the_others_fill_after_a_while(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from eightd.ui import voila_main

    monkeypatch.setattr(voila_main, "HOLD_AT_MOST", 0.05)

    async def scenario() -> tuple[list[str | None], bool]:
        manager = landing_first(_factory)(FakeManager, True, 1)()
        await asyncio.sleep(0.2)
        return list(manager.filled), manager.renders[LANDING].cancelled()

    filled, cancelled = _run(scenario())
    assert filled == [LANDING, "new.ipynb", "case.ipynb"]
    assert not cancelled  # the landing page's kernel still waits for its first visitor


def test_without_preheating_voila_runs_as_it_comes() -> None:
    assert landing_first(_factory)(FakeManager, False, 1) is FakeManager
    assert Path(voila_command(ServeOptions())[1]).name == "voila_main.py"


VOILA_ENV = ("VOILA_PREHEAT", "VOILA_KERNEL_ID", "VOILA_APP_PORT", "VOILA_SERVER_URL")


def _voila_kernel_env(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    for name in ("VOILA_WS_PROTOCOL", "VOILA_APP_IP", "VOILA_WS_BASE_URL", "QUERY_STRING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k-123")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_SERVER_URL", "/hub/user/qe/")


# Voilà's helper leaves the event loop it made in its thread unclosed (collected here)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_preheated_page_asks_for_its_request_where_voila_itself_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import voila.utils

    from eightd.ui.session import query_url

    _voila_kernel_env(monkeypatch, 8877)
    asked: list[str] = []

    async def request_info(url: str) -> None:
        asked.append(url)

    monkeypatch.setattr(voila.utils, "_get_request_info", request_info)
    voila.utils.wait_for_request()
    import gc

    gc.collect()
    assert asked == [query_url("k-123")] == ["ws://127.0.0.1:8877/hub/user/qe/voila/query/k-123"]


def test_a_preheated_page_reads_the_query_string_voila_sends_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from websockets.sync.server import serve

    from eightd.ui import query_string

    paths: list[str] = []

    def handler(socket: Any) -> None:  # what Voilà's RequestInfoSocketHandler sends
        paths.append(socket.request.path)
        socket.send(json.dumps({"QUERY_STRING": "number=202611-0003&lang=zh", "SERVER_PORT": "1"}))

    with serve(handler, "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        _voila_kernel_env(monkeypatch, server.socket.getsockname()[1])
        monkeypatch.delenv("SERVER_PORT", raising=False)
        assert query_string() == "number=202611-0003&lang=zh"
        server.shutdown()
    assert paths == ["/hub/user/qe/voila/query/k-123"]
    import os

    assert os.environ["SERVER_PORT"] == "1"  # the request's variables, as Voilà sets them
    monkeypatch.delenv("SERVER_PORT")


def test_a_page_on_a_plain_kernel_reads_the_query_string_from_its_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from eightd.ui import query_string

    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    assert query_string() == "lang=en"
    monkeypatch.delenv("VOILA_PREHEAT")
    assert query_string() == "lang=en"


def test_a_pool_refills_only_once_the_page_that_took_its_kernel_is_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from eightd.ui import voila_main

    monkeypatch.setattr(voila_main, "BROWSER_GRACE", 0.0)

    async def scenario() -> tuple[list[str | None], list[str | None]]:
        manager = landing_first(_factory)(FakeManager, True, 1)()
        render = manager.renders[LANDING]
        await manager.get_rendered_notebook(LANDING)
        await asyncio.sleep(0.05)
        while_drawing = [n for n in manager.filled if n == LANDING]
        render.set_result(None)  # the kernel drew the page
        await asyncio.sleep(0.05)
        return while_drawing, [n for n in manager.filled if n == LANDING]

    while_drawing, after = _run(scenario())
    assert while_drawing == [LANDING]  # only the first kernel: no refill beside it
    assert after == [LANDING, LANDING]


def test_only_the_landing_page_kernel_started_with_the_server_skips_its_rehearsal() -> None:
    from eightd.ui.voila_main import NO_REHEARSAL

    async def scenario() -> FakeManager:
        manager = landing_first(_factory)(FakeManager, True, 1)()
        manager.renders[LANDING].set_result(None)
        await asyncio.sleep(0.05)
        manager.fill_if_needed(notebook_name=LANDING, delay=0)  # a later kernel
        return manager

    manager = _run(scenario())
    assert manager.filled == [LANDING, "new.ipynb", "case.ipynb", LANDING]
    assert manager.envs == [{NO_REHEARSAL: "1"}, {}, {}, {}]
    import eightd.ui

    assert eightd.ui.NO_REHEARSAL == NO_REHEARSAL  # the kernel reads what the server sets


def test_the_server_parses_message_dates_and_filters_debug_lines_cheaply(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import datetime
    from types import SimpleNamespace

    import jupyter_client.jsonutil as jsonutil
    from dateutil.parser import isoparse
    from voila.app import Voila

    from eightd.ui.voila_main import lighter_messages

    # both are restored after the test (lighter_messages replaces them in the server)
    monkeypatch.setattr(jsonutil, "_dateutil_parse", jsonutil._dateutil_parse)
    monkeypatch.setattr(Voila, "initialize", lambda self, argv=None: None)
    lighter_messages()
    for text in (
        "2026-12-03T10:00:00.1Z",
        "2026-12-03T10:00:00.123456+08:00",
        "2026-12-03T10:00:00Z",
    ):
        parsed = jsonutil.parse_date(text)
        assert isinstance(parsed, datetime) and parsed == isoparse(text)
        assert parsed.utcoffset() == isoparse(text).utcoffset()
    assert jsonutil.parse_date("not a date") == "not a date"
    log = logging.getLogger("test.voila")
    log.setLevel(logging.DEBUG)  # as traitlets leaves the application's logger
    Voila.initialize(SimpleNamespace(log=log, log_level=logging.INFO))
    assert not log.isEnabledFor(logging.DEBUG)


def test_a_kernel_is_ready_once_it_answered_without_waiting_for_iopub_silence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The kernel answers kernel_info and keeps IOPub busy (jupyter_client's own wait
    reads on until IOPub falls silent): ready after its first IOPub message. A first
    answer whose IOPub message was missed is asked again; a kernel that died is told."""
    import asyncio
    import queue

    from jupyter_client.asynchronous.client import AsyncKernelClient
    from jupyter_client.manager import KernelManager

    from eightd.ui.voila_main import ready_when_answered

    monkeypatch.setattr(AsyncKernelClient, "wait_for_ready", AsyncKernelClient.wait_for_ready)
    ready_when_answered()

    class Client(AsyncKernelClient):
        def __init__(self, missed: int, alive: bool = True) -> None:
            super().__init__(parent=KernelManager())
            self.missed, self.alive, self.asked, self.handled = missed, alive, 0, False
            self.reads = 0

        def kernel_info(self) -> str:
            self.asked += 1
            return "id"

        async def get_shell_msg(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
            if not self.alive:
                raise queue.Empty
            return {"msg_type": "kernel_info_reply", "content": {"protocol_version": "5.3"}}

        async def get_iopub_msg(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
            self.reads += 1
            if self.missed or self.reads > 100:  # 100: where a busy kernel would pause
                self.missed = max(0, self.missed - 1)
                raise queue.Empty
            return {"msg_type": "status", "content": {"execution_state": "busy"}}

        async def _async_is_alive(self) -> bool:
            return self.alive

        def _handle_kernel_info_reply(self, msg: dict[str, Any]) -> None:
            self.handled = True

    client = Client(missed=0)
    asyncio.run(client.wait_for_ready(timeout=5))
    assert (client.asked, client.reads, client.handled) == (1, 1, True)
    late = Client(missed=1)
    asyncio.run(late.wait_for_ready(timeout=5))
    assert (late.asked, late.reads, late.handled) == (2, 2, True)
    with pytest.raises(RuntimeError, match="died"):
        asyncio.run(Client(missed=0, alive=False).wait_for_ready(timeout=5))


def test_the_server_loads_the_jupyter_tuning_by_path_and_it_imports_no_eightd() -> None:
    """The server shares eightd's Jupyter tuning with the report workers and the command
    line without importing the eightd package: the file imports none of it."""
    import ast

    import eightd.reports.jupyter_tuning as shared
    from eightd.ui.voila_main import TUNING, tuning

    assert Path(shared.__file__).resolve() == TUNING
    tree = ast.parse(TUNING.read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] == "eightd"}
    assert tuning().FORMAT_CHECKERS == shared.FORMAT_CHECKERS

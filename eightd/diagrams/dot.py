"""A small writer of DOT text.

Node names are generated here (``n1``, ``n2`` ...), never taken from user
data; user text only ever appears inside HTML-like labels built from
:func:`eightd.diagrams.labels.literal` fragments. Plain attribute values are
quoted with every ``"`` and ``\\`` escaped, so even a stray value cannot end
its string.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["DotWriter", "Html", "safe_id"]

_ID_CHARS = re.compile(r"[^A-Za-z0-9_-]")


class Html(str):
    """An HTML-like label body, already escaped; written as ``<...>``."""

    __slots__ = ()


Attrs = Mapping[str, "str | float | int | Html"]


def safe_id(text: str) -> str:
    """``text`` reduced to characters that are safe in SVG ids and URL fragments."""
    return _ID_CHARS.sub("_", text)[:40] or "_"


def _value(value: str | float | int) -> str:
    if isinstance(value, Html):
        return f"<{value}>"
    text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _attr_list(attrs: Attrs) -> str:
    return ", ".join(f"{key}={_value(value)}" for key, value in attrs.items())


@dataclass
class DotWriter:
    """Collects statements of one ``digraph``; :meth:`source` returns the text."""

    lines: list[str] = field(default_factory=list)
    _count: int = 0
    _indent: int = 1

    def new_name(self) -> str:
        self._count += 1
        return f"n{self._count}"

    def defaults(self, kind: str, attrs: Attrs) -> None:
        """``graph [...]``, ``node [...]`` or ``edge [...]``."""
        self._emit(f"{kind} [{_attr_list(attrs)}];")

    def node(self, attrs: Attrs, name: str | None = None) -> str:
        name = name or self.new_name()
        self._emit(f"{name} [{_attr_list(attrs)}];")
        return name

    def edge(self, tail: str, head: str, attrs: Attrs | None = None) -> None:
        suffix = f" [{_attr_list(attrs)}]" if attrs else ""
        self._emit(f"{tail} -> {head}{suffix};")

    def chain(self, names: Iterable[str], attrs: Attrs | None = None) -> None:
        names = list(names)
        for tail, head in itertools.pairwise(names):
            self.edge(tail, head, attrs)

    def same_rank(self, names: Iterable[str]) -> None:
        self._emit("{ rank=same; " + " ".join(f"{n};" for n in names) + " }")

    def open_subgraph(self, name: str, attrs: Attrs | None = None) -> None:
        self._emit(f"subgraph {name} {{")
        self._indent += 1
        if attrs:
            self.defaults("graph", attrs)

    def close_subgraph(self) -> None:
        self._indent -= 1
        self._emit("}")

    def source(self, graph_attrs: Attrs, node_attrs: Attrs, edge_attrs: Attrs) -> str:
        head = [
            "digraph eightd {",
            f"  graph [{_attr_list(graph_attrs)}];",
            f"  node [{_attr_list(node_attrs)}];",
            f"  edge [{_attr_list(edge_attrs)}];",
        ]
        return "\n".join([*head, *self.lines, "}"]) + "\n"

    def _emit(self, line: str) -> None:
        self.lines.append("  " * self._indent + line)

"""Root-cause diagrams of a case: the 5M1E fishbone and the 5-Why chains.

Each builder returns a :class:`Diagram` holding DOT source; ``.svg()`` and
``.png()`` render it with Graphviz ``dot``::

    from eightd.diagrams import fishbone
    svg = fishbone(case, lang="zh").svg()

User text is escaped before it reaches DOT and renders literally.
"""

from eightd.diagrams.fishbone import fishbone
from eightd.diagrams.five_whys import five_whys
from eightd.diagrams.render import Diagram

__all__ = ["Diagram", "fishbone", "five_whys"]

"""Regenerate the README's diagram examples from the demo cases.

Run: ``.venv/bin/python docs/make_images.py``  (writes docs/images/*.png)

The English example is the automotive ECU case (cracked THT solder joints),
the Chinese one the kettle lid hinge case; both have sub-causes, ruled-out
causes, an escape cause and 5-Why chains.
"""

from __future__ import annotations

from pathlib import Path

from eightd.demo import demo_cases
from eightd.diagrams import fishbone, five_whys
from eightd.domain import Case

IMAGES = Path(__file__).parent / "images"
EXAMPLES = {"en": "AE-ECU-4471", "zh": "HA-KT-1702"}  # product numbers of the demo cases
DPI = 110


def example(cases: list[Case], product_number: str) -> Case:
    return next(c for c in cases if c.intake.product_number == product_number)


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    cases = demo_cases()
    for lang, product_number in EXAMPLES.items():
        case = example(cases, product_number)
        for name, diagram in (
            ("fishbone", fishbone(case, lang=lang)),
            ("five-whys", five_whys(case, lang=lang)),
        ):
            path = IMAGES / f"{name}-{lang}.png"
            path.write_bytes(diagram.png(dpi=DPI))
            print(f"{path} ({case.number} {case.title})")


if __name__ == "__main__":
    main()

"""Benchmark: a 60-cause fishbone rendered to SVG (target: < 150 ms).

Run: ``.venv/bin/python benchmarks/bench_fishbone.py [--runs N] [--lang zh|en]``

Also measures, in the same run, the floor: ``dot`` rendering a one-node graph
(process start-up, plug-in and font loading), so the figure can be read
against the machine it ran on. Exits 1 when the median misses the target.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

from eightd.diagrams import Diagram, fishbone
from eightd.domain import BoneCategory, Case, Cause, CauseStatus, CauseType, ProblemDescription

TARGET_MS = 150.0

TEXTS = {
    "en": [
        "Operator skipped the torque check on night shift",
        "Reflow oven peak temperature 8 °C below the validated profile",
        "Solder paste lot used past its floor life",
        "Work instruction lacks the stencil cleaning step",
        "AOI threshold widened after the last program change",
        "Storage humidity above 60 % RH for two weeks",
        "New operator not certified for the press-fit station",
        "Fixture pins worn, board flexes during press-fit",
        "Supplier changed the plating bath without a PCN",
        "Gauge R&R of the pull tester not done since 2023",
    ],
    "zh": [
        "夜班操作员漏做扭矩检查",
        "回流焊炉峰值温度比验证曲线低 8 °C",
        "锡膏批次超过车间寿命仍在使用",
        "作业指导书缺少钢网清洁步骤",
        "上次程序变更后 AOI 阈值被放宽",
        "仓库湿度连续两周超过 60 % RH",
        "新员工未取得压接工位上岗资格",
        "治具顶针磨损，压接时电路板弯曲",
        "供应商未发变更通知即更换电镀槽液",
        "拉力测试仪自 2023 年起未做量具 R&R",
    ],
}


def sixty_cause_case(lang: str) -> Case:
    """Ten causes per bone, every fifth a sub-cause, all types and statuses mixed."""
    texts = TEXTS[lang]
    bones = list(BoneCategory)
    causes: list[Cause] = []
    for i in range(60):
        parent = causes[i - 1] if i % 5 == 4 else None
        causes.append(
            Cause(
                id=f"C{i + 1}",
                text=texts[i % len(texts)],
                category=parent.category if parent else bones[i % 6],
                type=CauseType.ESCAPE if i % 4 == 3 else CauseType.OCCURRENCE,
                status=list(CauseStatus)[i % 3],
                parent=parent.id if parent else "",
                evidence="bench",
                whys=["why 1", "why 2", "why 3"] if i % 7 == 0 else [],
            )
        )
    return Case(
        number="202611-0060",
        title="benchmark",
        problem=ProblemDescription(what="PCBA solder joints crack at customer ICT, 2.3 % bad"),
        causes=causes,
    )


def median_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm caches (catalogs, font config) before timing
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--lang", choices=sorted(TEXTS), default="zh")
    args = parser.parse_args(argv)

    case = sixty_cause_case(args.lang)
    floor = Diagram('digraph { a [label="a"]; }\n')
    floor_ms = median_ms(floor.svg, args.runs)
    build_ms = median_ms(lambda: fishbone(case, lang=args.lang), args.runs)
    svg_ms = median_ms(lambda: fishbone(case, lang=args.lang).svg(), args.runs)
    png_ms = median_ms(lambda: fishbone(case, lang=args.lang).png(), max(3, args.runs // 3))

    print(f"fishbone, 60 causes, lang={args.lang}, median of {args.runs} runs")
    print(f"  floor: dot on a 1-node graph   {floor_ms:8.1f} ms")
    print(f"  build the DOT source only      {build_ms:8.1f} ms")
    print(f"  build + render SVG             {svg_ms:8.1f} ms   target < {TARGET_MS:.0f} ms")
    print(f"  build + render PNG (150 dpi)   {png_ms:8.1f} ms")
    print(f"  SVG / floor                    {svg_ms / floor_ms:8.1f} x")
    ok = svg_ms < TARGET_MS
    print("PASS" if ok else "FAIL: over target")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

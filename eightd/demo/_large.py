"""Many varied cases for benchmarks, recombined from the hand-written demo cases.

Each generated case is a demo case loaded on an earlier day (so its whole timeline
moves back intact), sold to another customer of the same industry, and - from D4 on -
given a larger fishbone whose extra causes come from the other demo cases of the same
industry and from a generic 5M1E list. Every fifth case with a fishbone gets 60 causes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from eightd.domain import BoneCategory, Case, Cause, CauseStatus, CauseType

LARGE_FISHBONE = 60

_CUSTOMERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("EY", "zh"): ("李女士", "王先生", "张女士", "刘先生", "陈女士", "杨先生", "黄女士", "赵先生"),
    ("EY", "en"): ("Mr. Daniel Weber", "Ms. Laura Chen", "Mr. James Park"),
    ("AE", "en"): (
        "Nordwerk Automotive Systems (Changchun) Co., Ltd.",
        "Kaiyuan Auto Electric Co., Ltd.",
        "Brightway EV Technology Co., Ltd.",
        "Meridian Drive Systems (Wuhu) Co., Ltd.",
        "Lumen Lighting Modules (Tianjin) Co., Ltd.",
    ),
    ("AE", "zh"): ("江淮座椅系统有限公司", "长风汽车电子有限公司", "渝川汽车配套件有限公司"),
    ("HA", "zh"): ("京东自营 家电采购部", "苏宁易购 小家电事业部", "天猫超市 家电品控"),
    ("HA", "en"): (
        "Hausmann Home Appliances GmbH",
        "Sunrise Retail Group, DC Kunshan",
        "Nordic Living AB",
    ),
    ("FP", "zh"): ("三禾坚果食品有限公司", "粤香饼业有限公司", "百味园零食有限公司"),
}

_B = BoneCategory
_GENERIC: dict[str, dict[BoneCategory, tuple[str, ...]]] = {
    "en": {
        _B.MAN: (
            "Operator not trained on the latest revision",
            "Shift handover missed a setting change",
            "Temporary worker on the station",
            "Fatigue on an overtime shift",
            "Inspector unfamiliar with the limit sample",
            "Wrong tool taken from the shared rack",
        ),
        _B.MACHINE: (
            "Fixture locating pin worn",
            "Spindle run-out above limit",
            "Sensor drift after maintenance",
            "Tool life counter reset by mistake",
            "Heater band degraded",
            "Conveyor speed fluctuates",
        ),
        _B.MATERIAL: (
            "Supplier lot at the edge of the specification",
            "Mixed lots at the line side",
            "Material stored beyond its shelf life",
            "Raw material moisture above limit",
            "Sub-supplier changed without notice",
            "Packaging material too weak",
        ),
        _B.METHOD: (
            "Work instruction ambiguous about the sequence",
            "No first-off approval after changeover",
            "Rework route not defined",
            "Process parameter window too wide",
            "ECN implemented without a trial run",
            "Sampling plan not risk-based",
        ),
        _B.MEASUREMENT: (
            "Gauge R&R above 30 %",
            "Calibration of the test fixture overdue",
            "Inspection criteria not quantified",
            "Test coverage misses this failure mode",
            "Sampling frequency too low to catch a drift",
            "Limit sample faded",
        ),
        _B.ENVIRONMENT: (
            "Temperature swing in the workshop",
            "Dust near the station",
            "Electrostatic discharge in the dry season",
            "Humidity in the warehouse",
            "Vibration from the neighbouring press",
            "Lighting too low at inspection",
        ),
    },
    "zh": {
        _B.MAN: (
            "作业员未接受最新版本培训",
            "交接班未交代参数变更",
            "临时工顶岗",
            "加班疲劳",
            "检验员不熟悉限度样品",
            "从共用工具架取错工具",
        ),
        _B.MACHINE: (
            "夹具定位销磨损",
            "主轴跳动超差",
            "保养后传感器漂移",
            "刀具寿命计数被误清零",
            "加热元件老化",
            "输送带速度波动",
        ),
        _B.MATERIAL: (
            "供应商批次处于规格边缘",
            "线边物料混批",
            "物料超过保质期",
            "原料含水率超标",
            "次级供应商变更未通知",
            "包装材料强度不足",
        ),
        _B.METHOD: (
            "作业指导书工序顺序不明确",
            "换型后无首件确认",
            "返工流程未定义",
            "工艺参数窗口过宽",
            "工程变更未经试产即实施",
            "抽样方案未基于风险",
        ),
        _B.MEASUREMENT: (
            "量具 GR&R 超过 30%",
            "测试治具校准过期",
            "检验标准未量化",
            "测试覆盖不到该失效模式",
            "抽检频次太低无法发现漂移",
            "限度样品褪色",
        ),
        _B.ENVIRONMENT: (
            "车间温度波动大",
            "工位附近粉尘",
            "干燥季节静电",
            "仓库湿度高",
            "相邻冲床振动",
            "检验工位照度不足",
        ),
    },
}

_RULED_OUT_EVIDENCE = {
    "en": "Checked by the team and excluded: no difference between good and bad parts",
    "zh": "小组核查后排除：良品与不良品无差异",
}


def language_of(case: Case) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in case.title) else "en"


def generate(
    n: int, seed: int, today: date, builders: Sequence[Callable[[date], Case]]
) -> list[Case]:
    """``n`` cases, each a template loaded on an earlier day (unnumbered)."""
    rng = random.Random(seed)
    pools = _cause_pools([build(today) for build in builders])
    order: list[Callable[[date], Case]] = []
    cases: list[Case] = []
    with_fishbone = 0
    for _ in range(n):
        if not order:  # every template once per round, in a shuffled order
            order = list(builders)
            rng.shuffle(order)
        build = order.pop()
        earlier = today - timedelta(days=rng.randint(0, 350))
        case = build(earlier)
        _vary_customer(case, rng)
        if case.causes:
            target = LARGE_FISHBONE if with_fishbone % 5 == 0 else rng.randint(len(case.causes), 24)
            _grow_fishbone(case, target, pools, rng)
            with_fishbone += 1
        cases.append(case)
    return cases


def _key(case: Case) -> tuple[str, str]:
    return case.intake.product_number[:2], language_of(case)


def _vary_customer(case: Case, rng: random.Random) -> None:
    names = _CUSTOMERS.get(_key(case))
    if names:
        case.intake.customer_name = rng.choice(names)
        case.intake.customer_code = f"{case.intake.product_number[:2]}-{rng.randint(1000, 9999)}"


def _cause_pools(cases: list[Case]) -> dict[tuple[str, str], list[tuple[BoneCategory, str]]]:
    """Causes of the hand-written cases by industry and language, then the generic list."""
    pools: dict[tuple[str, str], list[tuple[BoneCategory, str]]] = {}
    for case in cases:
        pool = pools.setdefault(_key(case), [])
        pool.extend((c.category, c.text) for c in case.causes if (c.category, c.text) not in pool)
    for (_, lang), pool in pools.items():
        pool.extend((bone, text) for bone, texts in _GENERIC[lang].items() for text in texts)
    return pools


def _grow_fishbone(
    case: Case,
    target: int,
    pools: dict[tuple[str, str], list[tuple[BoneCategory, str]]],
    rng: random.Random,
) -> None:
    lang = language_of(case)
    pool = [item for item in pools[_key(case)] if item[1] not in {c.text for c in case.causes}]
    rng.shuffle(pool)
    tops = [c for c in case.causes if not c.parent]
    round_ = 1
    while len(case.causes) < target:
        if not pool:  # more causes wanted than distinct texts: a second look at each
            round_ += 1
            pool = [(b, f"{t} ({round_})") for b, t in pools[_key(case)]]
            rng.shuffle(pool)
        bone, text = pool.pop()
        parents = [c.id for c in tops if c.category is bone]
        ruled_out = rng.random() < 0.6
        case.causes.append(
            Cause(
                id=case.next_id("C"),
                text=text[:500],
                category=bone,
                type=CauseType.ESCAPE
                if bone is BoneCategory.MEASUREMENT and rng.random() < 0.5
                else CauseType.OCCURRENCE,
                status=CauseStatus.RULED_OUT if ruled_out else CauseStatus.SUSPECTED,
                parent=rng.choice(parents) if parents and rng.random() < 0.5 else "",
                evidence=_RULED_OUT_EVIDENCE[lang] if ruled_out else "",
            )
        )

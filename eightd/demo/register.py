"""A realistic legacy complaint register (投诉登记台账) of a retail chain, for import tests,
benchmarks and the README: Chinese headers, store and product codes, 18-digit order numbers,
dates typed the ways people type them, the categories the stores use (mapped by
:data:`DEMO_REGISTER_MAP`), results and closure dates of handled complaints, and the blank
rows such sheets collect.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

__all__ = ["DEMO_REGISTER_HEADERS", "DEMO_REGISTER_MAP", "demo_register"]

DEMO_REGISTER_HEADERS = (
    "序号",
    "投诉编号",
    "投诉日期",
    "门店",
    "客户名称",
    "联系电话",
    "订单号",
    "产品编号",
    "产品名称",
    "投诉类别",
    "投诉渠道",
    "投诉内容",
    "投诉要求",
    "处理部门",
    "负责人",
    "处理结果",
    "结案日期",
    "回访结果",
)

# the store's own words for categories and channels, mapped to eightd's codes
DEMO_REGISTER_MAP = """\
# Column mapping of the stores' complaint register (投诉登记台账).
[columns]
ref = "投诉编号"
received_at = "投诉日期"
order_refs = "订单号"

[values.category]
"质量问题" = "product_quality"
"服务态度" = "service"
"价格争议" = "sales"
"配送问题" = "delivery"
"验光配镜" = "fitting"
"退换货" = "sales"

[values.channel]
"热线" = "phone"
"门店" = "walk_in"
"微信" = "social_media"
"12315" = "third_party"
"""

_STORES = ("南京新街口店", "上海徐家汇店", "杭州湖滨店", "苏州观前店", "合肥万达店", "无锡八佰伴店")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_PRODUCTS = (
    ("EY-FR-2231", "钛合金镜架 TX-31"),
    ("EY-LS-1560", "1.60 非球面树脂镜片"),
    ("EY-LS-1670", "1.67 防蓝光镜片"),
    ("EY-CL-0030", "月抛隐形眼镜 30 片装"),
    ("EY-SG-0815", "偏光太阳镜 S815"),
    ("EY-FR-5102", "板材镜架 B102"),
)
_COMPLAINTS = {
    "质量问题": (
        "镜架鼻托处断裂，佩戴不足一个月",
        "镜片膜层脱落，出现斑驳",
        "镜腿螺丝松动反复脱落",
        "电镀层起泡变色",
        "镜片表面有划痕，取镜时未发现",
        "隐形眼镜片边缘破损",
    ),
    "服务态度": ("店员解释不耐心，态度冷淡", "电话多次无人接听", "承诺回电未兑现"),
    "价格争议": ("会员折扣未按宣传执行", "同款镜片价格与网店不一致"),
    "配送问题": ("配镜超过约定时间七天未到店", "快递寄错地址"),
    "验光配镜": ("验光度数不准，佩戴头晕", "瞳距测量错误导致视物重影"),
    "退换货": ("要求退货被拒绝", "换货流程过长"),
}
_DEMANDS = ("免费更换", "退款", "赔偿并道歉", "重新验光配镜", "给出书面说明")
_DEPARTMENTS = ("品质部", "客服部", "门店运营部", "采购部")
_RESULTS = (
    "已免费更换新品",
    "已退款",
    "已重新配镜，客户认可",
    "向客户道歉并赠送护理液",
    "供应商返修",
)
_OUTCOMES = ("满意", "满意", "满意", "不满意", "未接通")
_CHANNELS = ("热线", "门店", "微信", "12315")


def _typed(day: datetime, rng: random.Random) -> Any:
    """A date as someone typed it into the sheet (or as an Excel date)."""
    style = rng.randrange(5)
    if style == 0:
        return day.replace(second=0, microsecond=0)  # a real Excel date-time
    if style == 1:
        return day.strftime("%Y-%m-%d")
    if style == 2:
        return f"{day.year}/{day.month}/{day.day} {day.hour}:{day.minute:02d}"
    if style == 3:
        return f"{day.year}年{day.month}月{day.day}日"
    return day.strftime("%Y.%m.%d")


def demo_register(
    n: int, *, seed: int = 0, start: date = date(2025, 1, 2), blank_every: int = 400
) -> tuple[list[str], list[list[Any]]]:
    """Headers and ``n`` complaint rows (plus a blank row every ``blank_every`` rows)."""
    rng = random.Random(seed)
    rows: list[list[Any]] = []
    for i in range(n):
        if blank_every and i and i % blank_every == 0:
            rows.append([None] * len(DEMO_REGISTER_HEADERS))
        received = datetime.combine(start, datetime.min.time()) + timedelta(
            days=rng.randint(0, 540), hours=rng.randint(9, 20), minutes=rng.randint(0, 59)
        )
        category = rng.choice(list(_COMPLAINTS))
        product, product_name = rng.choice(_PRODUCTS)
        closed = rng.random() < 0.85
        closed_on = received + timedelta(days=rng.randint(1, 20))
        rows.append(
            [
                i + 1,
                f"TS{received:%Y%m}{i + 1:06d}",
                _typed(received, rng),
                rng.choice(_STORES),
                rng.choice(_SURNAMES) + rng.choice(("女士", "先生")),
                f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}",
                f"{rng.randint(10**17, 10**18 - 1)}",  # an 18-digit order number
                product,
                product_name,
                category,
                rng.choice(_CHANNELS),
                rng.choice(_COMPLAINTS[category]),
                rng.choice(_DEMANDS),
                rng.choice(_DEPARTMENTS),
                rng.choice(_SURNAMES) + rng.choice(("经理", "主管", "工程师")),
                rng.choice(_RESULTS) if closed else "",
                _typed(closed_on, rng) if closed else None,
                rng.choice(_OUTCOMES) if closed else "",
            ]
        )
    return list(DEMO_REGISTER_HEADERS), rows

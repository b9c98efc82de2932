"""Eyewear retail (rules ES-1, RT-1): a chain of optical stores and its lens and frame suppliers.

Mostly Chinese, as the stores keep their registers; one case in English (an expatriate
customer in Shanghai). Product numbers start with ``EY-``.
"""

# ruff: noqa: E501  -- data module: complaint texts are prose, kept on one line each

from __future__ import annotations

from datetime import timedelta
from typing import Any

from eightd.domain import (
    AbnormalGround,
    Case,
    CaseStatus,
    Channel,
    Closure,
    ClosureKind,
    ComplaintCategory,
    DefectKind,
    DocumentKind,
    FoundAt,
    Intake,
    Pause,
    PauseReason,
    Priority,
    ProblemDescription,
    Severity,
    TeamMember,
    TeamRole,
    Validity,
)
from eightd.domain import CallbackOutcome as Outcome
from eightd.domain import ContainmentLocation as Loc
from eightd.domain import ContainmentMeasure as Do
from eightd.domain import IsIsNotDimension as Dim

from ._parts import (
    ENVIRONMENT,
    IN_PROGRESS,
    MACHINE,
    MAN,
    MATERIAL,
    MEASUREMENT,
    METHOD,
    RULED_OUT,
    SUSPECTED,
    VERIFIED,
    Clock,
    action,
    approval,
    callback,
    cause,
    contact,
    contain,
    current_stage,
    document,
    grade,
    history,
    is_is_not,
    team,
    timeline,
    verify,
)

QE = "林静"  # 品质专员
QA_MANAGER = "周建国"  # 品保部经理
BUYER = "赵敏"  # 采购主管
OPTOMETRIST = "陈浩"
FITTER = "刘永强"  # 加工师
INSPECTOR = "孙丽"  # 品保部质检员
FRAME_SUPPLIER = "孙伟（丹阳华锐眼镜有限公司）"
LENS_SUPPLIER = "吴芳（江苏明光光学有限公司）"


def _retail_team(
    store_manager: str, store: str, *extra: tuple[str, TeamRole, str, str]
) -> list[TeamMember]:
    return team(
        (QA_MANAGER, TeamRole.CHAMPION, "品保部", "批准临时措施与 8D 报告，协调资源"),
        (QE, TeamRole.LEADER, "品保部", "组织分析，跟进进度，编写 8D 报告"),
        (store_manager, TeamRole.SALES, store, "顾客沟通、回访，门店库存处理"),
        (INSPECTOR, TeamRole.QUALITY, "品保部", "样品检测、库存抽检与数据记录"),
        *extra,
    )


# ---------------------------------------------------------------- 镀膜脱落, closed normally


def coating_peeling(clock: Clock) -> Case:
    r = clock.ago(45, 14, 20)
    done = [0.3, 0.6, 1.0, 1.2, 5.0, 7.0, 13.0, 16.0, 18.0]
    at, on = timeline(r)
    store = "明视眼镜 南京新街口店"
    return Case(
        number="",
        title="1.60 防蓝光镜片保修期内膜层脱落",
        intake=Intake(
            received_at=r,
            customer_name="李女士",
            customer_code="VIP-0032817",
            channel=Channel.WALK_IN,
            contact_person="李女士",
            contact_details="138****5621",
            product_number="EY-LN-160BL",
            product_name="1.60 防蓝光加膜树脂镜片",
            lot_numbers=["HL2405-118"],
            order_refs=["XJK-240311-027"],
            site=store,
            defect_description="佩戴约 5 个月后两片镜片中央出现网状裂纹并起皮脱膜，影响视物；仍在一年保修期内",
            customer_demand="免费更换镜片",
            ship_date=(r - timedelta(days=152)).date(),
            shipped_quantity=1,
            lot_size=420,
            defect_count=5,
            found_at=FoundAt.END_USER,
            found_at_detail="顾客日常佩戴中发现，到店投诉",
            quantity_complained=1,
            quantity_returned=1,
            has_sample=True,
            defect_kinds=[DefectKind.COSMETIC],
        ),
        status=CaseStatus.CLOSED,
        stage=current_stage(done),
        validity=Validity.FOUNDED,
        validity_note="保修期内脱膜，属镜片质量问题（镜片保修条款：正常使用下膜层脱落）",
        grading=grade(Severity.GENERAL, Priority.MEDIUM, QE, at(0.2)),
        emergency_actions="当场为顾客登记，借用备用眼镜；镜片送品保部检测",
        team=_retail_team(
            "王丽",
            store,
            (BUYER, TeamRole.SUPPLIER, "采购部", "对接镜片供应商，发出纠正措施要求"),
            (LENS_SUPPLIER, TeamRole.SUPPLIER, "供应商", "供应商内部调查与整改"),
            (FITTER, TeamRole.PRODUCTION, "加工中心", "加工过程排查"),
        ),
        problem=ProblemDescription(
            what="1.60 防蓝光镜片加硬/减反射膜层脱落（网状裂纹后起皮）",
            where="镜片中央光学区，双眼镜片均有",
            when="配镜后约 5 个月；同批 HL2405-118 另有 4 例类似投诉",
            who="江苏明光光学批次 HL2405-118，本店加工中心加工",
            why="膜层附着力不足，疑与供应商镀膜前处理有关",
            how="百格测试 3B（要求 ≥4B），煮沸试验后脱膜面积 >30%",
            how_many="该批售出 420 副，投诉 5 副（1.19%）",
            is_is_not=is_is_not(
                (Dim.WHAT, "防蓝光加膜 1.60 镜片脱膜", "同型号 1.67 镜片、普通加膜镜片未见脱膜"),
                (Dim.WHERE, "南京 3 家门店售出的 HL2405-118 批", "其他批次、其他供应商镜片"),
                (Dim.WHEN, "佩戴 4–6 个月后出现", "取镜时及首月内未见"),
                (Dim.HOW_BIG, "5 副 / 420 副", "未见整片崩裂或镜片破损"),
            ),
            first_occurred=(r - timedelta(days=20)).date(),
            repeat_occurrence=True,
            previous_d7_review="同批前 4 例按单件退换处理，未做 8D，没有可评审的 D7；"
            "本 8D 的 D7 补上来料附着力检验与供应商协议",
            other_affected="同供应商同期生产的 1.67 防蓝光镜片（已抽检，未见异常）",
        ),
        containment=[
            contain(
                "K1",
                Loc.FINISHED_STOCK,
                Do.QUARANTINE,
                "全部门店同批次库存封存并抽检百格",
                BUYER,
                at(1.0),
                at(1.1),
                86,
                3,
                "封存 86 片，抽检 3 片 3B，整批退供应商",
            ),
            contain(
                "K2",
                Loc.AT_SUPPLIER,
                Do.REINSPECT,
                "供应商在库同批半成品全检附着力",
                LENS_SUPPLIER,
                at(2.0),
                at(2.5),
                1200,
                36,
                "不良 36 片报废，其余附测试报告放行",
            ),
            contain(
                "K3",
                Loc.AT_CUSTOMER,
                Do.RECALL,
                "主动回访已售同批次顾客，免费检查、脱膜者免费重配",
                "王丽",
                at(5.0),
                at(9.0),
                334,
                4,
                "回访 334 位，4 位脱膜已重配",
            ),
            contain(
                "K4",
                Loc.IN_PROCESS,
                Do.QUARANTINE,
                "加工中心在制订单停用该批镜片，改用 HL2405-131 批",
                FITTER,
                at(0.5),
                at(0.4),
                23,
                1,
                "23 副在制订单换批，1 片百格 3B",
            ),
        ],
        clean_point="整改后批次镜片袋贴绿色“附着力已测”标签，首批 HL2406-032",
        causes=[
            cause(
                "C1",
                MATERIAL,
                "批次 HL2405-118 加硬膜附着力不足（百格 3B，要求 ≥4B）",
                status=VERIFIED,
                evidence="退回样品与库存各 10 片百格：3B/2B；对照批均 5B",
                whys=[
                    "镜片为何脱膜？膜层附着力不足",
                    "为何附着力不足？基片表面在镀膜前不洁净",
                    "为何不洁净？超声波清洗液浓度偏低，脱模剂残留",
                    "为何浓度偏低？清洗液按周补加，未按实际处理量滴定",
                ],
            ),
            cause(
                "C2",
                METHOD,
                "供应商镀膜前清洗液浓度未按处理量补加，基片残留脱模剂",
                parent="C1",
                status=VERIFIED,
                evidence="供应商清洗线记录：批次生产期间浓度 2.1%（标准 3–5%）；复现试验 2% 浓度百格 3B",
            ),
            cause(
                "C3",
                MACHINE,
                "镀膜机真空度不足",
                parent="C1",
                status=RULED_OUT,
                evidence="该批镀膜真空度记录均优于 3×10⁻³ Pa",
            ),
            cause(
                "C4",
                MAN,
                "顾客用酒精湿巾或洗洁精擦拭镜片",
                status=RULED_OUT,
                evidence="5 位顾客清洁习惯各异，其中 3 位只用镜布清水，均脱膜",
            ),
            cause(
                "C5",
                ENVIRONMENT,
                "高温高湿使用环境（桑拿、热水蒸汽）",
                status=RULED_OUT,
                evidence="85℃/85%RH 48 h 试验对照批无脱膜；顾客无桑拿习惯",
            ),
            cause(
                "C6",
                MEASUREMENT,
                "门店来料检验只查外观和度数，不做附着力测试",
                escape=True,
                status=VERIFIED,
                evidence="来料检验规范 QI-ST-012 rev B 无附着力项目；该批入库记录仅外观合格",
                whys=[
                    "为何不良批次进入门店？来料检验未拦截",
                    "为何未拦截？检验规范没有附着力项目",
                    "为何没有？规范制定时认为供应商出厂检验已覆盖",
                ],
            ),
            cause(
                "C7",
                METHOD,
                "供应商质量协议未要求每批附附着力测试报告",
                escape=True,
                parent="C6",
                status=VERIFIED,
                systemic=True,
                evidence="协议 SQA-2022-07 第 5 条只要求出厂合格证",
            ),
        ],
        actions=[
            action(
                "A1",
                "供应商清洗液改为每班两次滴定并记录，低于 3% 自动停线",
                ["C1", "C2"],
                LENS_SUPPLIER,
                on(8.0),
                implemented_on=on(7.5),
                validation="审核供应商 8D 及两周清洗记录；试产 3 批百格均 5B",
            ),
            action(
                "A2",
                "来料检验增加百格测试：每批抽 5 片，≥4B 方可入库",
                ["C6"],
                QE,
                on(8.0),
                implemented_on=on(6.0),
                validation="新规范试行 2 周，检出 1 批 3B 已退货",
                from_containment="K1",
            ),
            action(
                "A3",
                "修订供应商质量协议：每批随货附百格与煮沸试验报告",
                ["C7"],
                BUYER,
                on(10.0),
                implemented_on=on(9.5),
                validation="协议双方签署，首批报告已随货到达",
            ),
        ],
        verifications=[
            verify(
                "V1",
                ["A1", "A2", "A3"],
                on(15.5),
                QE,
                (True, True, True),
                "整改后 8 周 3 个新批次百格均 5B；脱膜投诉率下降，未见新的外观问题",
                "脱膜投诉 ppm（按售出副数）",
                2600.0,
                180.0,
            ),
        ],
        containment_removed_on=on(16.0),
        standardization=[
            document(
                DocumentKind.INSPECTION_INSTRUCTION,
                "QI-ST-012",
                "镜片来料检验规范",
                "B",
                "C",
                QE,
                on(16.5),
            ),
            document(
                DocumentKind.FMEA,
                "PFMEA-LAB-03",
                "门店加工中心 PFMEA（来料与装配）",
                "4",
                "5",
                QE,
                on(16.8),
            ),
            document(
                DocumentKind.OTHER,
                "SQA-2022-07",
                "供应商质量协议（明光光学）",
                "2022",
                "2024-1",
                BUYER,
                on(9.5),
            ),
        ],
        read_across=[
            "同供应商 1.67 防蓝光镜片同样增加百格测试",
            "苏州、上海门店来料检验同步执行 QI-ST-012 rev C",
        ],
        callbacks=[callback(at(17.2), "王丽", Outcome.SATISFIED, "顾客对新镜片满意，感谢主动回访")],
        closure=Closure(
            kind=ClosureKind.NORMAL,
            closed_at=at(18.0),
            closed_by=QE,
            customer_accepted=True,
            lessons_learned="加膜镜片附着力须在来料时验证，不能只依赖供应商合格证",
            team_recognition="品保部月度质量之星：王丽（主动回访 334 位顾客）",
        ),
        approvals=[approval(QA_MANAGER, "qa_manager", "批准 8D 报告", at(17.0))],
        contacts=[
            contact(
                r,
                "王丽",
                "到店接待，复述问题经顾客确认，登记投诉并借用备用眼镜",
                channel=Channel.WALK_IN,
                inbound=True,
                promise="2 个工作日内答复检测结果",
                next_reply_due=at(2.0),
            ),
            contact(
                at(1.5),
                "王丽",
                "告知检测结果：属镜片质量问题，免费重配",
                promise="3 个工作日内通知取镜",
                next_reply_due=at(4.5),
            ),
            contact(at(4.0), "王丽", "通知顾客新镜片已到，约定周六取镜"),
        ],
        history=history(r, done, QE, closed_after=18.0),
        created_at=r + timedelta(minutes=25),
        created_by="王丽",
    )


# ---------------------------------------------------------------- 镜架脱焊, three customers


_FRAME: dict[str, Any] = {
    "product_number": "EY-FR-2217",
    "product_name": "钛合金半框镜架 TF-2217",
    "category": ComplaintCategory.PRODUCT_QUALITY,
    "defect_kinds": [DefectKind.FUNCTIONAL],
}


def frame_solder_break(clock: Clock) -> Case:
    """The first of three frame complaints within a month (an escalation level 2 pattern)."""
    r = clock.ago(18, 10, 5)
    done = [0.2, 0.5, 1.0, 1.5, 5.0, 8.0]
    at, on = timeline(r)
    store = "明视眼镜 南京河西万达店"
    return Case(
        number="",
        title="TF-2217 钛架鼻梁焊点断裂",
        intake=Intake(
            received_at=r,
            customer_name="张先生",
            customer_code="VIP-0040562",
            channel=Channel.PHONE,
            contact_person="张先生",
            contact_details="139****0217",
            **_FRAME,
            lot_numbers=["HR-2217-2404"],
            order_refs=["HX-240402-113"],
            site=store,
            defect_description="配镜 7 周后镜架鼻梁焊点处断裂，两片镜片分离，无法佩戴",
            customer_demand="免费更换镜架并赔偿误工",
            ship_date=(r - timedelta(days=49)).date(),
            shipped_quantity=1,
            lot_size=300,
            defect_count=3,
            found_at=FoundAt.END_USER,
            found_at_detail="早上摘镜时听到“咔”一声后断裂",
            quantity_complained=1,
            quantity_returned=1,
            has_sample=True,
            recurrence=True,
        ),
        stage=current_stage(done),
        validity=Validity.FOUNDED,
        grading=grade(Severity.SERIOUS, Priority.HIGH, QE, at(0.1)),
        emergency_actions="为顾客免费更换同价位其他型号镜架；全部门店暂停销售 TF-2217",
        team=_retail_team(
            "黄建华",
            store,
            (BUYER, TeamRole.SUPPLIER, "采购部", "对接镜架供应商"),
            (FRAME_SUPPLIER, TeamRole.SUPPLIER, "供应商", "焊接工艺调查与整改"),
            (FITTER, TeamRole.PRODUCTION, "加工中心", "装配应力排查"),
        ),
        problem=ProblemDescription(
            what="TF-2217 镜架鼻梁焊点断裂",
            where="鼻梁与左右镜圈的焊点，断口位于焊料与钛材界面",
            when="佩戴 5–8 周后",
            who="丹阳华锐批次 HR-2217-2404",
            why="焊点强度不足，疑焊料变更",
            how="断口平整无塑性变形，呈脆性断裂；拉力测试 42 N（要求 ≥80 N）",
            how_many="该批售出 300 副，投诉 3 副，其中本店 1 副",
            is_is_not=is_is_not(
                (Dim.WHAT, "鼻梁焊点断裂", "铰链、桩头、镜腿未见断裂"),
                (Dim.WHERE, "批次 HR-2217-2404", "HR-2217-2311 及更早批次"),
                (Dim.WHEN, "佩戴 5–8 周", "取镜时及加工装配时"),
                (Dim.HOW_BIG, "3 / 300 副，1%", "未见镜片破损或伤人"),
            ),
            first_occurred=(r - timedelta(days=3)).date(),
            repeat_occurrence=True,
            other_affected="同供应商 TF-2218、TF-2230 使用同一焊接线",
        ),
        containment=[
            contain(
                "K1",
                Loc.FINISHED_STOCK,
                Do.QUARANTINE,
                "各门店 TF-2217 全部下架封存",
                BUYER,
                at(1.0),
                at(0.8),
                126,
                0,
                "126 副封存，待供应商更换",
            ),
            contain(
                "K2",
                Loc.AT_SUPPLIER,
                Do.REINSPECT,
                "供应商库存 100% 焊点拉力测试",
                FRAME_SUPPLIER,
                at(3.0),
                at(2.5),
                540,
                61,
                "拉力 <80 N 的 61 副报废",
            ),
            contain(
                "K3",
                Loc.AT_CUSTOMER,
                Do.RECALL,
                "通知已购同批顾客到店免费检查焊点",
                "黄建华",
                at(5.0),
                at(7.0),
                188,
                5,
                "5 副焊点有裂纹，免费更换",
            ),
            contain(
                "K4",
                Loc.IN_PROCESS,
                Do.STOP_PRODUCTION,
                "加工中心暂停装配 TF-2217 订单，征得顾客同意改用 TF-2230",
                FITTER,
                at(0.5),
                at(0.3),
                9,
                0,
                "9 张订单改型号，顾客均同意",
            ),
        ],
        clean_point="更换后的镜架吊牌加盖“焊点已检”蓝章",
        causes=[
            cause(
                "C1",
                MATERIAL,
                "供应商将银焊料改为低银铜基焊料，焊点脆性增大",
                status=VERIFIED,
                evidence="断口能谱：Ag 12%（原规格 Ag 45%）；旧焊料复焊拉力 95 N，新焊料 40–50 N",
                whys=[
                    "镜架为何断？鼻梁焊点强度不足",
                    "为何强度不足？焊料含银量低、焊点脆",
                    "为何换焊料？供应商为降本自行变更",
                    "为何未通知我方？协议无变更通知条款，供应商认为不影响外观",
                    "为何协议没有？供应商管理未纳入 PPAP 式变更控制",
                ],
            ),
            cause(
                "C2",
                METHOD,
                "供应商变更未通知客户（变更管理缺失）",
                parent="C1",
                status=VERIFIED,
                systemic=True,
                evidence="供应商承认 2024 年 3 月起换焊料，无变更申请记录",
            ),
            cause(
                "C3",
                MACHINE,
                "高频焊机功率偏低导致虚焊",
                parent="C1",
                status=RULED_OUT,
                evidence="焊机功率记录稳定；金相无未熔合",
            ),
            cause(
                "C4",
                MAN,
                "加工师装片时镜圈过紧，焊点受应力",
                status=RULED_OUT,
                evidence="复查 20 副加工记录，镜片尺寸均在公差内；应力仪无异常",
            ),
            cause(
                "C5",
                ENVIRONMENT,
                "顾客在游泳馆等含氯环境佩戴导致腐蚀",
                status=RULED_OUT,
                evidence="断口无腐蚀产物；3 位顾客均无此环境",
            ),
            cause(
                "C6",
                MEASUREMENT,
                "供应商出货只做外观检验，不做焊点拉力抽检",
                escape=True,
                status=VERIFIED,
                evidence="供应商 OQC 记录无拉力项目",
            ),
            cause(
                "C7",
                METHOD,
                "门店来料检验无镜架焊点强度项目",
                escape=True,
                status=VERIFIED,
                evidence="QI-ST-015 rev A 仅外观、尺寸",
            ),
        ],
        actions=[
            action(
                "A1",
                "恢复 Ag45 银焊料，焊料纳入供应商关键物料清单，变更须书面批准",
                ["C1", "C2"],
                FRAME_SUPPLIER,
                on(9.0),
                implemented_on=on(8.5),
                validation="试产 50 副拉力 88–104 N",
            ),
            action(
                "A2",
                "供应商 OQC 增加焊点拉力抽检（每批 5 副，≥80 N）",
                ["C6"],
                FRAME_SUPPLIER,
                on(9.0),
                implemented_on=on(8.5),
                validation="审核首两批 OQC 记录",
            ),
            action(
                "A3", "门店来料每批抽 2 副做焊点拉力测试", ["C7"], QE, on(10.0), status=IN_PROGRESS
            ),
        ],
        verifications=[
            verify(
                "V1",
                ["A1", "A2"],
                on(13.0),
                QE,
                (True, True, None),
                "新批 HR-2217-2406 拉力 90–104 N；上市 4 周内无断裂投诉，需观察满 3 个月",
                "焊点拉力最小值 N",
                42.0,
                90.0,
            ),
        ],
        contacts=[
            contact(
                r,
                "黄建华",
                "顾客来电投诉镜架断裂，情绪激动；致歉并约到店",
                inbound=True,
                promise="当天为顾客更换镜架",
                next_reply_due=at(0.5),
            ),
            contact(
                at(0.4),
                "黄建华",
                "顾客到店，免费更换同价位镜架",
                channel=Channel.WALK_IN,
                promise="10 个工作日内告知原因调查结果",
                next_reply_due=at(10.0),
            ),
            contact(
                at(9.0),
                QE,
                "电话告知：供应商焊料变更导致，已整改；误工赔偿按公司规定赠送护理套装",
                promise="整改验证完成后再回访",
                next_reply_due=clock.ahead(8),
            ),
        ],
        history=history(r, done, QE),
        created_at=r + timedelta(minutes=12),
        created_by="黄建华",
    )


def frame_solder_break_second(clock: Clock) -> Case:
    r = clock.ago(11, 16, 40)
    done = [0.3, 1.0]
    at, _ = timeline(r)
    store = "明视眼镜 苏州观前街店"
    return Case(
        number="",
        title="TF-2217 镜架鼻梁断裂（第二例）",
        intake=Intake(
            received_at=r,
            customer_name="陈女士",
            channel=Channel.ONLINE,
            contact_person="陈女士",
            contact_details="微信 chen_***",
            **_FRAME,
            lot_numbers=["HR-2217-2404"],
            site=store,
            defect_description="镜架鼻梁处断开，顾客自称未受外力",
            customer_demand="退款",
            ship_date=(r - timedelta(days=38)).date(),
            shipped_quantity=1,
            defect_rate_percent=1.0,
            found_at=FoundAt.END_USER,
            quantity_complained=1,
            has_sample=True,
            recurrence=True,
        ),
        stage=current_stage(done),
        validity=Validity.FOUNDED,
        grading=grade(Severity.SERIOUS, Priority.HIGH, QE, at(0.2)),
        emergency_actions="门店为顾客办理退款；样品寄品保部",
        team=_retail_team("许敏", store, (BUYER, TeamRole.SUPPLIER, "采购部", "对接镜架供应商")),
        problem=ProblemDescription(
            what="TF-2217 鼻梁焊点断裂，与南京河西万达店投诉同型号同批次",
            where="鼻梁左侧焊点",
            when="佩戴约 5 周",
            who="批次 HR-2217-2404",
            how_many="本店售出该批 42 副，投诉 1 副",
            is_is_not=is_is_not(
                (Dim.WHAT, "鼻梁焊点断裂", "镜腿、铰链完好"),
                (Dim.WHERE, "苏州观前街店售出", "本店其他型号"),
            ),
            repeat_occurrence=True,
            other_affected="与南京河西万达店同型号投诉合并跟踪",
        ),
        contacts=[
            contact(
                r,
                "许敏",
                "顾客在线客服投诉，要求退款",
                channel=Channel.ONLINE,
                inbound=True,
                promise="次日上午回电",
                next_reply_due=at(0.6),
            ),
            contact(
                at(0.5),
                "许敏",
                "回电同意退款，请顾客到店办理并留样",
                promise="原因调查结果出来后电话告知",
                next_reply_due=clock.ahead(5),
            ),
        ],
        history=history(r, done, QE),
        created_at=r + timedelta(minutes=8),
        created_by="许敏",
    )


def frame_solder_break_third(clock: Clock) -> Case:
    r = clock.ago(4, 11, 15)
    done = [0.4]
    at, _ = timeline(r)
    store = "明视眼镜 上海静安嘉里店"
    return Case(
        number="",
        title="TF-2217 镜架断裂（一个月内第三例）",
        intake=Intake(
            received_at=r,
            customer_name="刘先生",
            channel=Channel.SOCIAL_MEDIA,
            contact_person="刘先生",
            contact_details="微博私信",
            **_FRAME,
            lot_numbers=["HR-2217-2404"],
            site=store,
            defect_description="镜架鼻梁断裂，顾客在微博发帖并私信客服",
            customer_demand="更换并公开说明",
            ship_date=(r - timedelta(days=45)).date(),
            shipped_quantity=1,
            defect_rate_percent=1.0,
            found_at=FoundAt.END_USER,
            quantity_complained=1,
            recurrence=True,
            departments=["门店", "市场部"],
        ),
        stage=current_stage(done),
        validity=Validity.FOUNDED,
        grading=grade(Severity.SERIOUS, Priority.HIGH, QE, at(0.2)),
        emergency_actions="客服在微博回复致歉并私信约到店更换",
        team=_retail_team("吴磊", store, ("蒋琳", TeamRole.MEMBER, "市场部", "社交媒体回应口径")),
        contacts=[
            contact(
                r,
                "蒋琳",
                "微博私信致歉，约到店",
                channel=Channel.SOCIAL_MEDIA,
                promise="24 小时内电话联系",
                next_reply_due=at(1.0),
            ),
            contact(
                at(0.8),
                "吴磊",
                "电话联系，顾客同意到店更换",
                promise="调查结论出来后书面说明",
                next_reply_due=clock.ahead(6),
            ),
        ],
        history=history(r, done, QE),
        created_at=r + timedelta(minutes=40),
        created_by="蒋琳",
    )


# ---------------------------------------------------------------- 验光错误, D5


def wrong_prescription(clock: Clock) -> Case:
    r = clock.ago(9, 15, 30)
    done = [0.2, 0.5, 1.0, 1.2, 6.0]
    at, on = timeline(r)
    store = "明视眼镜 南京新街口店"
    return Case(
        number="",
        title="验光处方散光轴位错误导致头晕",
        intake=Intake(
            received_at=r,
            customer_name="赵先生",
            customer_code="VIP-0051190",
            channel=Channel.WALK_IN,
            contact_person="赵先生",
            contact_details="136****8842",
            product_number="EY-SV-167AS",
            product_name="1.67 非球面单光镜片（定制散光）",
            order_refs=["XJK-240520-044"],
            site=store,
            category=ComplaintCategory.FITTING,
            defect_description="新配眼镜戴后头晕、看远处重影，旧眼镜无此问题",
            customer_demand="重新验光并免费重配",
            ship_date=(r - timedelta(days=6)).date(),
            shipped_quantity=1,
            lot_size=1,
            defect_count=1,
            found_at=FoundAt.END_USER,
            quantity_complained=1,
            defect_kinds=[DefectKind.FUNCTIONAL, DefectKind.SERVICE],
        ),
        stage=current_stage(done),
        validity=Validity.FOUNDED,
        grading=grade(
            Severity.GENERAL,
            Priority.MEDIUM,
            QE,
            at(0.2),
            suggested=Severity.SERIOUS,
            reason="单一顾客、非批量问题，重配即可解决，无安全风险",
        ),
        emergency_actions="当场用焦度计核对，发现右眼轴位 160°（处方单为 180°），先请顾客戴回旧眼镜",
        team=_retail_team(
            "王丽",
            store,
            (OPTOMETRIST, TeamRole.ENGINEERING, "验光室", "复核验光流程"),
            (FITTER, TeamRole.PRODUCTION, "加工中心", "加工与出货检验"),
        ),
        problem=ProblemDescription(
            what="右眼镜片散光轴位与验光结果不符（订单 160°，验光记录 180°）",
            where="新街口店验光室 → 订单系统 → 加工中心",
            when="5 月 20 日（周六高峰）验光下单",
            who="验光师手工录入订单",
            why="手写处方转录订单时输错",
            how="焦度计测量右片 -1.25DC×160，验光记录 -1.25DC×180",
            how_many="1 副；抽查同日 38 张订单另发现 1 张轴位录入错误（尚未取镜）",
            is_is_not=is_is_not(
                (Dim.WHAT, "散光轴位错误", "球镜度数、瞳距正确"),
                (Dim.WHEN, "周六高峰时段录入", "工作日录入的订单"),
                (Dim.HOW_BIG, "2 / 38 张订单", "其他门店抽查 120 张未见"),
            ),
            first_occurred=(r - timedelta(days=6)).date(),
            agreed_test_time="顾客同意在眼科医院复查眼底排除其他病因，约 3 个工作日，不计入时限",
        ),
        containment=[
            contain(
                "K1",
                Loc.IN_PROCESS,
                Do.REINSPECT,
                "当周未取镜订单 100% 按验光记录复核散光轴位",
                OPTOMETRIST,
                at(1.0),
                at(0.9),
                212,
                1,
                "发现 1 张录入错误，已重做",
            ),
            contain(
                "K2",
                Loc.AT_CUSTOMER,
                Do.OTHER,
                "为顾客重新验光并加急重配",
                "王丽",
                at(3.0),
                at(2.5),
                1,
                1,
                "顾客试戴 30 分钟无头晕",
            ),
            contain(
                "K3",
                Loc.FINISHED_STOCK,
                Do.REINSPECT,
                "已加工待取眼镜用焦度计逐副核对原始验光记录",
                FITTER,
                at(1.0),
                at(0.7),
                64,
                0,
                "64 副全部与验光记录一致",
            ),
        ],
        clean_point="复核后的订单在系统中打“双人复核”标记",
        causes=[
            cause(
                "C1",
                MAN,
                "验光师将处方轴位 180° 录入为 160°",
                status=VERIFIED,
                evidence="验光记录与订单截图对比；验光师确认手写 8 与 6 相近",
                whys=[
                    "为何镜片轴位错？订单轴位录入错",
                    "为何录错？手写处方转录，字迹 8/6 易混",
                    "为何要转录？综合验光仪数据未直接传入订单系统",
                    "为何未传入？门店系统上线时未做接口",
                ],
            ),
            cause(
                "C2",
                METHOD,
                "处方需手工转录到订单系统，无接口",
                parent="C1",
                status=VERIFIED,
                systemic=True,
                evidence="系统配置确认无验光仪接口",
            ),
            cause(
                "C3",
                MAN,
                "周六高峰一人验光 40 位顾客，疲劳",
                parent="C1",
                status=SUSPECTED,
                evidence="排班表：当日 1 名验光师",
            ),
            cause(
                "C4",
                MACHINE,
                "综合验光仪轴位刻度偏差",
                status=RULED_OUT,
                evidence="计量检定在有效期内，复测偏差 <1°",
            ),
            cause(
                "C5",
                ENVIRONMENT,
                "验光室照度不足影响读数",
                status=RULED_OUT,
                evidence="照度 520 lx，符合要求",
            ),
            cause(
                "C6",
                MEASUREMENT,
                "取镜前检验只核对订单，不核对原始验光记录",
                escape=True,
                status=VERIFIED,
                evidence="出货检验单只有订单值一栏",
            ),
        ],
        actions=[
            action(
                "A1",
                "上线综合验光仪与订单系统接口，处方数据直传，禁止手工录入轴位",
                ["C1", "C2"],
                "IT 部 钱涛",
                on(25.0),
                status=IN_PROGRESS,
            ),
            action(
                "A2",
                "出货检验单增加“原始验光记录”栏，焦度计测量值须与原始记录核对",
                ["C6"],
                FITTER,
                on(10.0),
            ),
            action(
                "A3", "周六高峰安排两名验光师，单人每日验光不超过 25 位", ["C3"], "王丽", on(12.0)
            ),
        ],
        pauses=[
            Pause(
                reason=PauseReason.AGREED_TEST,
                start=on(2.0),
                end=on(5.0),
                note="顾客在省人民医院眼科复查，结果正常",
            ),
        ],
        contacts=[
            contact(
                r,
                "王丽",
                "接待顾客，复述症状；当场核对发现轴位不符，致歉",
                channel=Channel.WALK_IN,
                inbound=True,
                promise="次日重新验光，3 个工作日内取新眼镜",
                next_reply_due=at(3.0),
            ),
            contact(at(2.5), "王丽", "通知取新眼镜，试戴满意"),
            contact(
                at(6.2),
                QE,
                "告知原因与改进措施，顾客接受",
                promise="两周后回访佩戴情况",
                next_reply_due=clock.ahead(6),
            ),
        ],
        history=history(r, done, QE),
        created_at=r + timedelta(minutes=15),
        created_by="王丽",
    )


# ---------------------------------------------------------------- 儿童镜架伤人, injury, D3


def child_frame_injury(clock: Clock) -> Case:
    r = clock.ago(3, 19, 10)
    done = [0.1, 0.2, 0.5]
    at, _ = timeline(r)
    store = "明视眼镜 南京河西万达店"
    return Case(
        number="",
        title="儿童 TR90 镜架铰链断裂划伤眼睑",
        intake=Intake(
            received_at=r,
            customer_name="孙女士（患儿家长）",
            channel=Channel.SOCIAL_MEDIA,
            contact_person="孙女士",
            contact_details="小红书账号 / 137****6630",
            product_number="EY-KD-0815",
            product_name="儿童 TR90 镜架 KD-0815",
            lot_numbers=["KD0815-2403"],
            site=store,
            defect_description="孩子佩戴时镜腿铰链断裂，金属铰链片外露划伤左眼睑，医院缝合 2 针",
            customer_demand="赔偿医疗费并公开道歉，要求召回该款镜架",
            ship_date=(r - timedelta(days=60)).date(),
            shipped_quantity=1,
            defect_rate_percent=0.5,
            found_at=FoundAt.END_USER,
            found_at_detail="学校课间",
            quantity_complained=1,
            has_sample=True,
            defect_kinds=[DefectKind.SAFETY, DefectKind.FUNCTIONAL],
            injury=True,
            corrective_action_demanded=True,
            departments=["门店", "品保部", "采购部", "市场部"],
        ),
        stage=current_stage(done),
        validity=Validity.FOUNDED,
        grading=grade(Severity.SERIOUS, Priority.HIGH, QE, at(0.05)),
        emergency_actions="店长当晚陪同就医并垫付医疗费；全部门店当晚下架 KD-0815；总经理批准启动一级投诉",
        team=team(
            ("总经理 何志远", TeamRole.CHAMPION, "总经办", "一级投诉负责人，对外沟通"),
            (QE, TeamRole.LEADER, "品保部", "组织调查与召回"),
            ("黄建华", TeamRole.SALES, store, "家长沟通与探望"),
            (BUYER, TeamRole.SUPPLIER, "采购部", "供应商封存与召回"),
            ("蒋琳", TeamRole.MEMBER, "市场部", "社交媒体回应"),
        ),
        problem=ProblemDescription(
            what="KD-0815 镜腿铰链处 TR90 材料断裂，金属铰链片外露",
            where="左镜腿铰链埋钉处",
            when="佩戴约 2 个月，课间打闹时",
            who="批次 KD0815-2403（供应商：厦门童视）",
            how="断口发白、有气孔，疑注塑熔接线位于铰链处",
            how_many="该批售出 200 副，已知 1 例伤人",
            is_is_not=is_is_not(
                (Dim.WHAT, "铰链处断裂并外露金属片", "镜圈、鼻托未断"),
                (Dim.WHERE, "KD0815-2403 批", "KD-0816 等其他儿童款"),
            ),
            first_occurred=r.date(),
            other_affected="同供应商其他 TR90 儿童款（KD-0816、KD-0820）",
        ),
        containment=[
            contain(
                "K1",
                Loc.FINISHED_STOCK,
                Do.QUARANTINE,
                "全部门店下架封存 KD-0815",
                BUYER,
                at(0.5),
                at(0.3),
                312,
                4,
                "封存 312 副，弯折试验 4 副铰链开裂",
            ),
            contain(
                "K2",
                Loc.AT_SUPPLIER,
                Do.STOP_PRODUCTION,
                "供应商停止 KD-0815 生产与发货",
                BUYER,
                at(1.0),
                at(0.6),
                0,
                0,
                "供应商书面确认停产",
            ),
            contain(
                "K3",
                Loc.AT_CUSTOMER,
                Do.RECALL,
                "短信通知已购 200 位家长到店免费更换",
                "黄建华",
                at(5.0),
                None,
                63,
                2,
                "进行中：已换 63 副，2 副铰链有裂纹",
            ),
            contain(
                "K4",
                Loc.IN_PROCESS,
                Do.STOP_PRODUCTION,
                "加工中心停止 KD-0815 在制订单，联系家长改型号",
                FITTER,
                at(0.5),
                at(0.2),
                14,
                0,
                "14 张订单全部改为 KD-0816 或退款",
            ),
        ],
        contacts=[
            contact(
                r,
                "蒋琳",
                "家长在小红书发帖，客服私信致歉并获取联系方式",
                channel=Channel.SOCIAL_MEDIA,
                promise="1 小时内店长电话联系",
                next_reply_due=r + timedelta(hours=1),
            ),
            contact(
                r + timedelta(minutes=40),
                "黄建华",
                "电话致歉，当晚陪同就医",
                promise="次日探望并说明处理方案",
                next_reply_due=at(1.0),
            ),
            contact(
                at(0.9),
                "总经理 何志远",
                "登门探望，承担医疗费，说明已全面下架召回",
                channel=Channel.VISIT,
                promise="调查结果出来后书面答复",
                next_reply_due=clock.ahead(4),
            ),
        ],
        history=history(r, done, QE),
        created_at=r + timedelta(minutes=20),
        created_by="蒋琳",
    )


# ---------------------------------------------------------------- closed without 8D


def lens_scratches_not_founded(clock: Clock) -> Case:
    r = clock.ago(25, 13, 45)
    at, _ = timeline(r)
    store = "明视眼镜 苏州观前街店"
    return Case(
        number="",
        title="镜片表面划痕（经检测为使用磨损）",
        intake=Intake(
            received_at=r,
            customer_name="周先生",
            channel=Channel.WALK_IN,
            contact_person="周先生",
            contact_details="135****7310",
            product_number="EY-LN-156HC",
            product_name="1.56 加硬树脂镜片",
            site=store,
            defect_description="配镜 3 周镜片出现大量细划痕",
            customer_demand="免费更换镜片",
            ship_date=(r - timedelta(days=21)).date(),
            shipped_quantity=1,
            lot_size=1,
            defect_count=1,
            found_at=FoundAt.END_USER,
            quantity_complained=1,
            defect_kinds=[DefectKind.COSMETIC],
        ),
        status=CaseStatus.CLOSED,
        stage=current_stage([]),
        validity=Validity.NOT_FOUNDED,
        validity_note=(
            "10 倍放大镜下划痕方向杂乱、集中在镜片中央擦拭区，为带沙粒干擦所致；同批镜片硬度测试合格。"
            "已向顾客说明正确清洁方法，赠送镜布与清洗液，按 8 折优惠重配，顾客接受。"
        ),
        grading=grade(Severity.GENERAL, Priority.LOW, QE, at(0.3)),
        closure=Closure(
            kind=ClosureKind.NO_8D,
            closed_at=at(2.0),
            closed_by=QE,
            reason="投诉不成立：使用磨损，非镜片质量问题（属使用中的问题，不在保修范围）",
            customer_accepted=True,
        ),
        callbacks=[callback(at(1.9), "许敏", Outcome.SATISFIED, "顾客接受说明，已预约重配")],
        approvals=[approval(QA_MANAGER, "qa_manager", "批准不成立结论", at(1.8))],
        contacts=[
            contact(
                r,
                "许敏",
                "接待顾客并检测镜片，初步判断为擦拭磨损",
                channel=Channel.WALK_IN,
                inbound=True,
                promise="2 天内给出检测结论",
                next_reply_due=at(2.0),
            ),
            contact(at(1.5), "许敏", "电话说明检测结论与优惠重配方案，顾客接受"),
        ],
        history=history(r, [], QE, closed_after=2.0),
        created_at=r + timedelta(minutes=30),
        created_by="许敏",
    )


def progressive_adaptation_request(clock: Clock) -> Case:
    r = clock.ago(14, 11, 0)
    at, _ = timeline(r)
    return Case(
        number="",
        title="First-time progressive lenses: blurred side vision",
        intake=Intake(
            received_at=r,
            customer_name="Mr. Daniel Weber",
            channel=Channel.EMAIL,
            contact_person="Daniel Weber",
            contact_details="d.weber@example.com",
            product_number="EY-PG-160FV",
            product_name="1.60 free-form progressive lens",
            site="明视眼镜 上海静安嘉里店",
            category=ComplaintCategory.FITTING,
            defect_description="Side vision blurred and 'swimming' when turning the head, first week",
            customer_demand="Asks whether the lenses are made wrongly",
            ship_date=(r - timedelta(days=5)).date(),
            shipped_quantity=1,
            lot_size=1,
            defect_count=0,
            found_at=FoundAt.END_USER,
            defect_kinds=[DefectKind.OTHER],
        ),
        status=CaseStatus.CLOSED,
        stage=current_stage([]),
        validity=Validity.CUSTOMER_REQUEST,
        validity_note=(
            "Lens power, fitting height and PD checked and correct. Peripheral blur is normal for a "
            "first progressive wearer: the customer needs some days to adapt. "
            "Explained head-turning and reading posture; offered a free re-check after two weeks."
        ),
        grading=grade(Severity.INCIDENTAL, Priority.LOW, QE, at(0.1)),
        closure=Closure(
            kind=ClosureKind.NO_8D,
            closed_at=at(0.5),
            closed_by=QE,
            reason="Customer enquiry (adaptation), not a complaint; handled by the optometrist",
            customer_accepted=True,
        ),
        callbacks=[
            callback(at(0.48), "Emma Zhou", Outcome.SATISFIED, "Customer thanked for the advice")
        ],
        approvals=[
            approval(QA_MANAGER, "qa_manager", "Approved closing as a customer request", at(0.45))
        ],
        contacts=[
            contact(
                r,
                "Emma Zhou",
                "E-mail received; replied that an optometrist will call today",
                channel=Channel.EMAIL,
                inbound=True,
                promise="Call back today",
                next_reply_due=at(0.6),
            ),
            contact(
                at(0.3), OPTOMETRIST, "Explained adaptation; customer satisfied with the advice"
            ),
        ],
        history=history(r, [], QE, closed_after=0.5),
        created_at=r + timedelta(minutes=5),
        created_by="Emma Zhou",
    )


# ---------------------------------------------------------------- 商品与订单不符, abnormal closure


def wrong_lens_index_contract_conflict(clock: Clock) -> Case:
    r = clock.ago(35, 10, 30)
    done = [0.2, 0.5, 1.0, 1.2, 4.0, 6.0, 10.0, 13.0, 20.0]
    at, on = timeline(r)
    store = "明视眼镜 南京河西万达店"
    return Case(
        number="",
        title="订购 1.67 镜片实际交付 1.60（商品与订单不符）",
        intake=Intake(
            received_at=r,
            customer_name="钱先生",
            channel=Channel.THIRD_PARTY,
            contact_person="钱先生；区消费者协会 李科员",
            contact_details="133****4409",
            product_number="EY-LN-167AS",
            product_name="1.67 非球面加膜镜片",
            order_refs=["HX-240615-021"],
            site=store,
            category=ComplaintCategory.SERVICE,
            defect_description="订单与发票为 1.67 镜片，实际交付 1.60 镜片（镜片袋标签可证）",
            customer_demand="全额退款并按“假一赔三”赔偿",
            ship_date=(r - timedelta(days=9)).date(),
            shipped_quantity=1,
            lot_size=1,
            defect_count=1,
            found_at=FoundAt.END_USER,
            found_at_detail="顾客在另一家眼镜店检测发现",
            quantity_complained=1,
            defect_kinds=[DefectKind.LABELLING, DefectKind.SERVICE],
            departments=["门店", "法务部"],
        ),
        status=CaseStatus.CLOSED,
        stage=current_stage(done),
        validity=Validity.FOUNDED,
        grading=grade(Severity.INCIDENTAL, Priority.MEDIUM, QE, at(0.2)),
        emergency_actions="3 个工作日内免费重配 1.67 镜片并退还差价",
        team=_retail_team(
            "黄建华",
            store,
            (FITTER, TeamRole.PRODUCTION, "加工中心", "出货检验"),
            ("法务 郑岚", TeamRole.MEMBER, "法务部", "合同与消保法意见"),
        ),
        problem=ProblemDescription(
            what="订单 1.67 非球面，交付 1.60 非球面（同膜层、同度数）",
            where="订单系统录入 → 加工中心领料",
            when="6 月 15 日下单",
            who="销售员录入订单，加工中心按订单领料",
            why="订单系统折射率默认 1.60，销售员未修改",
            how="镜片袋标签与阿贝数测试均为 1.60",
            how_many="1 副；抽查近一月 1.67 订单 86 张未再发现",
            is_is_not=is_is_not(
                (Dim.WHAT, "折射率 1.67 错为 1.60", "度数、膜层、镜架均与订单一致"),
                (Dim.WHERE, "门店开单录入的订单", "供应商镜片袋标签与镜片实物一致"),
            ),
        ),
        containment=[
            contain(
                "K1",
                Loc.IN_PROCESS,
                Do.REINSPECT,
                "在加工订单核对折射率与订单一致",
                FITTER,
                at(1.0),
                at(0.8),
                57,
                0,
                "57 张在制订单无差错",
            ),
            contain(
                "K2",
                Loc.FINISHED_STOCK,
                Do.REINSPECT,
                "待取镜成品核对镜片袋标签折射率与订单",
                FITTER,
                at(1.0),
                at(0.9),
                31,
                0,
                "31 副一致",
            ),
            contain(
                "K3",
                Loc.AT_CUSTOMER,
                Do.OTHER,
                "近一月已取镜的 1.67 订单核对留档镜片袋，必要时邀顾客复检",
                "黄建华",
                at(3.0),
                at(2.8),
                86,
                0,
                "86 张订单留档镜片袋均为 1.67",
            ),
        ],
        causes=[
            cause(
                "C1",
                METHOD,
                "订单系统“折射率”字段默认 1.60，未强制选择",
                status=VERIFIED,
                systemic=True,
                evidence="系统截图；默认值为上线初始配置",
                whys=[
                    "为何交付 1.60？订单上是 1.60",
                    "为何订单是 1.60？销售员未改默认值",
                    "为何有默认值？系统上线时为方便录入设置",
                ],
            ),
            cause(
                "C2",
                MAN,
                "销售员开单时未向顾客复述订单",
                parent="C1",
                status=VERIFIED,
                evidence="开单流程 SOP-ST-03 无复述确认步骤",
            ),
            cause(
                "C3",
                MATERIAL,
                "供应商镜片袋标签错误",
                status=RULED_OUT,
                evidence="阿贝数测试与标签一致，为 1.60",
            ),
            cause(
                "C4",
                MEASUREMENT,
                "出货检验不核对镜片折射率（只核对度数）",
                escape=True,
                status=VERIFIED,
                evidence="出货检验单无折射率项",
            ),
        ],
        actions=[
            action(
                "A1",
                "取消折射率默认值，开单须选择并由顾客签字确认订单摘要",
                ["C1", "C2"],
                "IT 部 钱涛",
                on(8.0),
                implemented_on=on(7.0),
                validation="试运行 1 周 420 张订单无遗漏",
            ),
            action(
                "A2",
                "出货检验增加“镜片袋标签与订单折射率一致”检查项",
                ["C4"],
                FITTER,
                on(6.0),
                implemented_on=on(5.0),
                validation="检验记录抽查 50 张均已勾选",
            ),
        ],
        verifications=[
            verify(
                "V1",
                ["A1", "A2"],
                on(12.0),
                QE,
                (True, True, True),
                "实施后 4 周订单品种差错 0 件（此前月均 2 件）",
                "订单品种差错 件/月",
                2.0,
                0.0,
            ),
        ],
        containment_removed_on=on(12.0),
        standardization=[
            document(
                DocumentKind.WORK_INSTRUCTION,
                "WI-SL-003",
                "开单作业指导书",
                "C",
                "D",
                "王丽",
                on(12.5),
            ),
            document(
                DocumentKind.INSPECTION_INSTRUCTION,
                "QI-LB-007",
                "取镜前出货检验规范",
                "A",
                "B",
                FITTER,
                on(12.5),
            ),
            document(
                DocumentKind.FMEA,
                "PFMEA-LAB-03",
                "门店加工中心 PFMEA（开单与领料）",
                "5",
                "6",
                QE,
                on(13.0),
            ),
        ],
        read_across=["隐形眼镜订单“基弧”字段同样取消默认值"],
        callbacks=[callback(at(14.5), "黄建华", Outcome.NOT_SATISFIED, "顾客坚持三倍赔偿")],
        closure=Closure(
            kind=ClosureKind.ABNORMAL,
            ground=AbnormalGround.CONTRACT_CONFLICT,
            closed_at=at(20.0),
            closed_by=QE,
            reason=(
                "顾客要求“假一赔三”与销售合同及公司最终决定冲突：经法务与消协调解认定为开单差错而非欺诈，"
                "公司已免费重配并退还差价；顾客不接受，按公司最终决定关闭"
            ),
            customer_accepted=False,
            lessons_learned="系统默认值是差错来源；开单须由顾客确认摘要",
        ),
        approvals=[approval(QA_MANAGER, "qa_manager", "批准 8D 报告", at(13.8))],
        contacts=[
            contact(
                r,
                "黄建华",
                "消协转来投诉，致电顾客致歉",
                promise="3 个工作日内重配",
                channel=Channel.PHONE,
                next_reply_due=at(3.0),
            ),
            contact(at(2.5), "黄建华", "重配完成，顾客取镜，仍要求三倍赔偿"),
            contact(
                at(9.0),
                "法务 郑岚",
                "在消协调解会上说明处理方案",
                channel=Channel.VISIT,
                promise="一周内书面答复公司最终决定",
                next_reply_due=at(14.0),
            ),
            contact(at(13.5), "法务 郑岚", "寄送书面答复（公司最终决定）", channel=Channel.LETTER),
        ],
        history=history(r, done, QE, closed_after=20.0),
        created_at=r + timedelta(minutes=45),
        created_by="黄建华",
    )


BUILDERS = (
    coating_peeling,
    frame_solder_break,
    frame_solder_break_second,
    frame_solder_break_third,
    wrong_prescription,
    child_frame_injury,
    lens_scratches_not_founded,
    progressive_adaptation_request,
    wrong_lens_index_contract_conflict,
)

"""Household appliances (injection-moulded parts and assembly) and food packaging.

Two more industries: a small-appliance maker in Ningbo (product numbers ``HA-``) and a
flexible-packaging converter in Foshan (``FP-``).
"""

# ruff: noqa: E501  -- data module: complaint texts are prose, kept on one line each

from __future__ import annotations

from datetime import timedelta

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
    Priority,
    ProblemDescription,
    Severity,
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

APPLIANCE_PLANT = "宁波康澄电器有限公司 注塑车间"
APPLIANCE_PLANT_EN = "Kangcheng Appliances, Ningbo, assembly hall B"
PACKAGING_PLANT = "佛山华彩软包装有限公司 制袋车间"


# ---------------------------------------------------------------- 电水壶壶盖铰链开裂, D5


def kettle_lid_hinge_crack(clock: Clock) -> Case:
    r = clock.ago(10, 9, 50)
    done = [0.2, 0.5, 1.0, 1.0, 6.0]
    at, on = timeline(r)
    qe = "郑晓雯"
    return Case(
        number="",
        title="1.7L 电水壶壶盖铰链开裂，壶盖自行弹开",
        intake=Intake(
            received_at=r,
            customer_name="京东自营 家电采购部",
            customer_code="JD-HA",
            customer_complaint_ref="JD-QC-240618-07",
            channel=Channel.ONLINE,
            contact_person="品控 杨经理",
            contact_details="yang.qc@jd.example",
            product_number="HA-KT-1702",
            product_name="1.7L 不锈钢电水壶 KT-1702（壶盖 PP 注塑件）",
            lot_numbers=["KT1702-2404", "KT1702-2405"],
            site=APPLIANCE_PLANT,
            defect_description="用户使用约两个月后壶盖铰链处开裂，沸腾时壶盖弹开，存在烫伤风险",
            customer_demand="提交 8D，评估召回风险，退货品由我司承担",
            ship_date=(r - timedelta(days=70)).date(),
            shipped_quantity=12000,
            lot_size=12000,
            defect_count=37,
            found_at=FoundAt.END_USER,
            found_at_detail="电商平台售后退货（37 单）",
            quantity_complained=37,
            quantity_returned=30,
            has_sample=True,
            defect_kinds=[DefectKind.FUNCTIONAL, DefectKind.SAFETY],
            corrective_action_demanded=True,
            departments=["品质部", "注塑车间"],
        ),
        stage=current_stage(done),
        validity=Validity.FOUNDED,
        grading=grade(Severity.SERIOUS, Priority.HIGH, qe, at(0.1)),
        emergency_actions="平台暂停 KT-1702 销售；已售用户由平台客服推送免费换盖",
        team=team(
            ("品质经理 许国栋", TeamRole.CHAMPION, "品质部", "资源协调与报告批准"),
            (qe, TeamRole.LEADER, "品质部", "8D 组长"),
            ("实验室 陆佳", TeamRole.QUALITY, "品质部", "疲劳试验与 MFR 检测"),
            ("模具工程师 沈涛", TeamRole.ENGINEERING, "模具部", "模具与浇口分析"),
            ("注塑主管 葛强", TeamRole.PRODUCTION, "注塑车间", "工艺参数与回料管理"),
            ("业务 顾婷", TeamRole.SALES, "营销部", "平台沟通"),
        ),
        problem=ProblemDescription(
            what="壶盖（PP）铰链薄壁处开裂，壶盖无法锁止",
            where="铰链左侧 0.6 mm 薄壁，熔接线位置",
            when="生产 2024 年 4–5 月，用户使用 6–10 周后",
            who="注塑机 IM-07，模具 M-1702-2（一模两穴，第 2 穴为主）",
            why="铰链疲劳寿命不足",
            how="开合疲劳试验 3,000 次开裂（标准 ≥20,000 次）；熔体流动速率偏高",
            how_many="12,000 台中退货 37 台（3,083 ppm）",
            is_is_not=is_is_not(
                (Dim.WHAT, "铰链薄壁开裂", "壶身、底座、温控器正常"),
                (Dim.WHERE, "模穴 2（35 / 37）", "模穴 1 仅 2 例"),
                (Dim.WHEN, "KT1702-2404、2405 批", "2403 及之前批次"),
                (Dim.HOW_BIG, "3,083 ppm", "未见烫伤报告"),
            ),
            first_occurred=(r - timedelta(days=8)).date(),
            other_affected="KT-1502 壶盖使用同一 PP 牌号与回料比例",
        ),
        containment=[
            contain(
                "K1",
                Loc.FINISHED_STOCK,
                Do.QUARANTINE,
                "成品仓 KT-1702 封存并抽检铰链疲劳",
                "注塑主管 葛强",
                at(1.0),
                at(0.6),
                2400,
                9,
                "抽检 60 台 9 台 <20,000 次，整批返工换盖",
            ),
            contain(
                "K2",
                Loc.AT_CUSTOMER,
                Do.RECALL,
                "平台仓库存退回返工",
                "业务 顾婷",
                at(3.0),
                at(2.8),
                3100,
                0,
                "已全部换新盖",
            ),
            contain(
                "K3",
                Loc.FIELD,
                Do.OTHER,
                "已售用户免费寄送新壶盖",
                "业务 顾婷",
                at(10.0),
                None,
                1800,
                0,
                "进行中：已寄 1,800 / 6,500",
            ),
            contain(
                "K4",
                Loc.IN_PROCESS,
                Do.CHANGE_CONDITIONS,
                "暂停使用回料，新料生产并 100% 开合测试 50 次",
                "注塑主管 葛强",
                at(1.0),
                at(0.5),
                5200,
                3,
                "3 件开合异常剔除",
            ),
        ],
        clean_point="新盖内侧模印日期圈加“N”标记，自 KT1702-2407 起",
        causes=[
            cause(
                "C1",
                MATERIAL,
                "回料比例 35%（规定 ≤15%），PP 分子链降解，韧性下降",
                status=VERIFIED,
                evidence="配料记录 4–5 月回料 30–35%；复现：35% 回料样件疲劳 3,500 次，纯新料 >30,000 次",
                whys=[
                    "为何铰链开裂？疲劳寿命不足",
                    "为何不足？材料韧性下降（MFR 由 12 升至 21 g/10min）",
                    "为何下降？回料比例超标",
                    "为何超标？4 月订单高峰新料短缺，车间自行提高回料",
                    "为何能自行提高？配料无防错，回料比例未纳入工艺审批",
                ],
            ),
            cause(
                "C2",
                METHOD,
                "回料比例不在受控工艺参数内，车间可自行调整",
                parent="C1",
                status=VERIFIED,
                systemic=True,
                evidence="工艺卡 PC-1702 无回料比例项",
            ),
            cause(
                "C3",
                METHOD,
                "熔接线位于铰链薄壁处（浇口位置）",
                status=VERIFIED,
                evidence="模流分析与切片：熔接线距铰链中心 0.3 mm",
                whys=["为何开裂集中在模穴 2？熔接线正好落在铰链", "为何？第 2 穴浇口偏置"],
            ),
            cause(
                "C4",
                MACHINE,
                "模具第 2 穴冷却水路结垢，铰链区域残余应力大",
                parent="C3",
                status=SUSPECTED,
                evidence="模温机回水温差 8℃（第 1 穴 3℃），待清洗后验证",
            ),
            cause(
                "C5", ENVIRONMENT, "PP 受潮", status=RULED_OUT, evidence="PP 不吸湿，干燥记录正常"
            ),
            cause(
                "C6",
                MAN,
                "新调机员未按工艺卡调参",
                status=RULED_OUT,
                evidence="注塑机参数日志与工艺卡一致",
            ),
            cause(
                "C7",
                MEASUREMENT,
                "出货检验无铰链开合疲劳项目，只做外观与 10 次开合",
                escape=True,
                status=VERIFIED,
                evidence="OQC 规范 QI-KT-02 rev B",
            ),
            cause(
                "C8",
                METHOD,
                "PP 来料与配料后无 MFR 检测",
                escape=True,
                status=VERIFIED,
                evidence="IQC 计划仅核对合格证",
            ),
        ],
        actions=[
            action(
                "A1",
                "回料比例纳入工艺卡（≤15%），配料系统称重防错超限报警",
                ["C1", "C2"],
                "注塑主管 葛强",
                on(12.0),
                status=IN_PROGRESS,
                validation="试产 3 批 MFR 12–13 g/10min，疲劳 >25,000 次",
            ),
            action(
                "A2",
                "修改第 2 穴浇口位置，使熔接线移出铰链区域；清洗冷却水路",
                ["C3", "C4"],
                "模具工程师 沈涛",
                on(20.0),
            ),
            action(
                "A3",
                "OQC 增加每班 3 件铰链开合 20,000 次疲劳试验",
                ["C7"],
                qe,
                on(9.0),
                status=IN_PROGRESS,
            ),
            action("A4", "配料后每班测一次 MFR，超 15 g/10min 停机", ["C8"], qe, on(10.0)),
        ],
        contacts=[
            contact(
                r,
                "业务 顾婷",
                "平台品控邮件通知退货集中，要求 8D",
                channel=Channel.EMAIL,
                inbound=True,
                promise="24 小时内提交临时措施",
                next_reply_due=at(1.0),
            ),
            contact(
                at(0.9),
                qe,
                "提交 D3 临时措施与封存数量",
                channel=Channel.EMAIL,
                promise="7 个工作日内提交根本原因",
                next_reply_due=at(7.0),
            ),
            contact(
                at(6.5),
                qe,
                "提交 D4 根本原因分析",
                channel=Channel.EMAIL,
                promise="D5/D6 验证数据",
                next_reply_due=clock.ahead(5),
            ),
        ],
        history=history(r, done, qe),
        created_at=r + timedelta(minutes=35),
        created_by="业务 顾婷",
    )


# ---------------------------------------------------------------- knob colour, D1


def washer_knob_colour(clock: Clock) -> Case:
    r = clock.ago(2, 13, 30)
    done = [0.4]
    at, _ = timeline(r)
    return Case(
        number="",
        title="Washing machine program knob: silver-grey shade mismatch",
        intake=Intake(
            received_at=r,
            customer_name="Hausmann Home Appliances GmbH",
            customer_code="HM-DE",
            customer_complaint_ref="HM-CR-5531",
            channel=Channel.EMAIL,
            contact_person="Julia Brandt, supplier quality",
            contact_details="j.brandt@hausmann.example",
            product_number="HA-WM-0450",
            product_name="Program selector knob, silver grey (ABS, painted)",
            lot_numbers=["WM0450-2422"],
            site=APPLIANCE_PLANT_EN,
            defect_description="Knobs visibly darker than the limit sample (ΔE 2.4, limit 1.0)",
            customer_demand="Replace the lot; corrective action report",
            ship_date=(r - timedelta(days=14)).date(),
            shipped_quantity=6000,
            lot_size=6000,
            defect_count=6000,
            found_at=FoundAt.INCOMING_INSPECTION,
            quantity_complained=6000,
            has_sample=True,
            return_sample=True,
            return_route="Courier back to Hausmann IQC with the replacement lot",
            defect_kinds=[DefectKind.COSMETIC],
        ),
        stage=current_stage(done),
        validity=Validity.FOUNDED,
        grading=grade(Severity.GENERAL, Priority.MEDIUM, "Helen Qian", at(0.2)),
        team=team(
            ("Robert Fang", TeamRole.CHAMPION, "Quality", "Sponsor"),
            ("Helen Qian", TeamRole.LEADER, "Quality", "8D leader"),
            ("Iris Zhao", TeamRole.QUALITY, "Quality lab", "Colour measurement (ΔE)"),
            ("Lucy Ma", TeamRole.SALES, "Export sales", "Customer contact"),
            ("Derek Yu", TeamRole.PRODUCTION, "Painting line", "Paint batch records"),
            ("Paint supplier rep", TeamRole.SUPPLIER, "Supplier", "Paint batch analysis"),
            contact_domain="kangcheng.example",
        ),
        contacts=[
            contact(
                r,
                "Lucy Ma",
                "Customer e-mail with colour measurements",
                channel=Channel.EMAIL,
                inbound=True,
                promise="Containment and replacement plan in 2 working days",
                next_reply_due=clock.ahead(1),
            ),
        ],
        history=history(r, done, "Helen Qian"),
        created_at=r + timedelta(minutes=20),
        created_by="Lucy Ma",
    )


# ---------------------------------------------------------------- carton short, D0


def fan_carton_short(clock: Clock) -> Case:
    r = clock.ago(1, 16, 5)
    at, _ = timeline(r)
    return Case(
        number="",
        title="Desk fan master cartons: 3 units instead of 4",
        intake=Intake(
            received_at=r,
            customer_name="Sunrise Retail Group, DC Kunshan",
            customer_code="SR-KS",
            channel=Channel.PHONE,
            contact_person="Warehouse supervisor Mr. Ding",
            contact_details="+86 512 555 0123",
            product_number="HA-FN-0210",
            product_name="40 cm desk fan FN-0210",
            lot_numbers=["FN0210-2423"],
            order_refs=["SO-2024-11873"],
            site=APPLIANCE_PLANT_EN,
            defect_description="Two master cartons labelled 4 units contained 3",
            customer_demand="Ship the 2 missing units",
            ship_date=(r - timedelta(days=3)).date(),
            shipped_quantity=400,
            lot_size=100,
            defect_count=2,
            found_at=FoundAt.INCOMING_INSPECTION,
            quantity_complained=2,
            category=ComplaintCategory.DELIVERY,
            defect_kinds=[DefectKind.QUANTITY, DefectKind.PACKAGING],
        ),
        grading=grade(Severity.INCIDENTAL, Priority.LOW, "Helen Qian", at(0.05)),
        contacts=[
            contact(
                r,
                "Lucy Ma",
                "Customer called; restated and confirmed the shortage",
                inbound=True,
                promise="Reply with shipment date of the missing units",
                next_reply_due=clock.ahead(1),
            ),
        ],
        history=history(r, [], "Helen Qian"),
        created_at=r + timedelta(minutes=10),
        created_by="Lucy Ma",
    )


# ---------------------------------------------------------------- 热封漏气, abnormal closure


def pouch_seal_leak_unreachable(clock: Clock) -> Case:
    """Closed abnormally: three call-backs within a month went unanswered (rule CL-4)."""
    r = clock.ago(55, 8, 30)
    done = [0.1, 0.3, 0.6, 0.8, 4.0, 6.0, 10.0, 12.0, 27.0]
    at, on = timeline(r)
    qe = "梁嘉欣"
    return Case(
        number="",
        title="三边封复合袋热封不良，坚果灌装后漏气",
        intake=Intake(
            received_at=r,
            customer_name="三禾坚果食品有限公司",
            customer_code="SH-FOOD",
            channel=Channel.PHONE,
            contact_person="生产部 欧阳主管",
            contact_details="0757-555-0177",
            product_number="FP-BG-5120",
            product_name="PET12/AL7/PE70 三边封包装袋 120×180 mm",
            lot_numbers=["BG5120-0611", "BG5120-0612"],
            site=PACKAGING_PLANT,
            category=ComplaintCategory.PRODUCT_QUALITY,
            defect_description="灌装充氮后 24 h 内袋子侧封漏气，产品涨袋消失，灌装线停线 4 小时",
            customer_demand="退换整批，赔偿停线损失，提交 8D",
            ship_date=(r - timedelta(days=10)).date(),
            shipped_quantity=200000,
            lot_size=200000,
            defect_count=2600,
            found_at=FoundAt.CUSTOMER_LINE,
            found_at_detail="灌装后抽检水下气泡试验",
            quantity_complained=2600,
            quantity_returned=2600,
            customer_tests="水下负压气泡试验 -50 kPa 30 s",
            has_sample=True,
            defect_kinds=[DefectKind.FUNCTIONAL, DefectKind.PACKAGING],
            line_stop=True,
            corrective_action_demanded=True,
            departments=["品质部", "制袋车间"],
        ),
        status=CaseStatus.CLOSED,
        stage=current_stage(done),
        validity=Validity.FOUNDED,
        grading=grade(Severity.SERIOUS, Priority.HIGH, qe, at(0.05)),
        emergency_actions="当天派技术员到客户现场协助挑选，补发 BG5120-0605 合格批",
        team=team(
            ("品质经理 卢志强", TeamRole.CHAMPION, "品质部", "批准"),
            (qe, TeamRole.LEADER, "品质部", "8D 组长"),
            ("化验员 邓敏", TeamRole.QUALITY, "品质部", "热封强度与气泡试验"),
            ("制袋主管 何伟", TeamRole.PRODUCTION, "制袋车间", "热封工艺"),
            ("采购 苏琪", TeamRole.SUPPLIER, "采购部", "PE 膜供应商"),
            ("业务 潘磊", TeamRole.SALES, "营销部", "客户沟通与回访"),
        ),
        problem=ProblemDescription(
            what="侧封热封强度低（8 N/15mm，要求 ≥25 N/15mm），局部虚封",
            where="制袋机 BM-3 右侧封刀",
            when="6 月 11–12 日两班",
            who="BM-3 机台，PE 膜新批次 PE70-2406",
            how="热封强度测试与水下气泡试验",
            how_many="20 万只中漏气 2,600 只（1.3%）",
            is_is_not=is_is_not(
                (Dim.WHAT, "侧封漏气", "底封、拉链"),
                (Dim.WHERE, "BM-3 右侧封刀", "BM-3 左侧、BM-1/BM-2"),
                (Dim.WHEN, "6 月 11–12 日", "6 月 10 日之前"),
            ),
            first_occurred=(r - timedelta(days=1)).date(),
        ),
        containment=[
            contain(
                "K1",
                Loc.AT_CUSTOMER,
                Do.ENGINEER_ON_SITE,
                "技术员在客户处对在库袋子抽检并隔离",
                "制袋主管 何伟",
                at(0.5),
                at(0.4),
                60000,
                780,
                "隔离 2 个批次全部退回",
            ),
            contain(
                "K2",
                Loc.FINISHED_STOCK,
                Do.QUARANTINE,
                "成品仓同期批次封存，逐卷热封强度测试",
                qe,
                at(1.0),
                at(0.8),
                120000,
                1500,
                "不合格卷报废",
            ),
            contain(
                "K3",
                Loc.IN_PROCESS,
                Do.STOP_PRODUCTION,
                "BM-3 停机检修，在制半成品卷逐卷测热封强度",
                "制袋主管 何伟",
                at(0.5),
                at(0.2),
                14,
                3,
                "3 卷不合格报废；更换右侧加热管后复机",
            ),
        ],
        clean_point="补发批次外箱贴“热封 100% 验证”红标",
        causes=[
            cause(
                "C1",
                MACHINE,
                "BM-3 右侧封刀加热管老化，实际温度比设定低 18℃",
                status=VERIFIED,
                evidence="测温仪实测 172℃（设定 190℃）；更换加热管后强度 32 N/15mm",
                whys=[
                    "为何漏气？侧封强度不足",
                    "为何不足？封刀实际温度偏低",
                    "为何偏低？加热管老化，温控热电偶位置远离刀面",
                    "为何未发现？无封刀实测温度点检",
                ],
            ),
            cause(
                "C2",
                METHOD,
                "设备点检表只看显示温度，无刀面实测",
                parent="C1",
                status=VERIFIED,
                systemic=True,
                evidence="点检表 EQ-BM-01 rev A",
            ),
            cause(
                "C3",
                MATERIAL,
                "PE 膜新批次起封温度偏高 8℃",
                status=VERIFIED,
                evidence="热封曲线：PE70-2406 起封 128℃，上批 120℃",
                whys=["为何温度窗口变窄？新批 PE 起封温度高", "为何未知？供应商变更树脂牌号未通知"],
            ),
            cause(
                "C4",
                MAN,
                "夜班操作工调低温度以减少烫痕",
                status=RULED_OUT,
                evidence="设备参数日志无修改",
            ),
            cause(
                "C5",
                ENVIRONMENT,
                "车间湿度高导致复合膜吸潮",
                status=RULED_OUT,
                evidence="车间 RH 55–60%，复合膜水分 0.05%",
            ),
            cause(
                "C6",
                MEASUREMENT,
                "热封强度只在开机首检测一次，无过程抽检",
                escape=True,
                status=VERIFIED,
                evidence="控制计划 CP-BG-01 rev B",
            ),
        ],
        actions=[
            action(
                "A1",
                "加热管纳入预防性更换（6 个月），点检增加刀面实测温度",
                ["C1", "C2"],
                "制袋主管 何伟",
                on(5.0),
                implemented_on=on(4.5),
                validation="连续 2 周实测偏差 ≤3℃",
            ),
            action(
                "A2",
                "PE 膜纳入变更通知清单，每批来料测热封曲线",
                ["C3"],
                "采购 苏琪",
                on(6.0),
                implemented_on=on(6.0),
                validation="供应商签署变更通知协议",
            ),
            action(
                "A3",
                "每 2 小时每侧封抽检热封强度并记录 SPC",
                ["C6"],
                qe,
                on(5.0),
                implemented_on=on(5.0),
                validation="SPC 2 周 Cpk 1.67",
            ),
        ],
        verifications=[
            verify(
                "V1",
                ["A1", "A2", "A3"],
                on(9.5),
                qe,
                (True, True, True),
                "4 周 38 批热封强度 28–35 N/15mm，客户灌装无漏气反馈",
                "漏气不良 ppm",
                13000.0,
                0.0,
            ),
        ],
        containment_removed_on=on(10.0),
        standardization=[
            document(DocumentKind.FMEA, "PFMEA-BG-01", "制袋工序 PFMEA", "C", "D", qe, on(11.0)),
            document(
                DocumentKind.CONTROL_PLAN, "CP-BG-01", "三边封袋控制计划", "B", "C", qe, on(11.0)
            ),
            document(
                DocumentKind.WORK_INSTRUCTION,
                "EQ-BM-01",
                "制袋机点检表",
                "A",
                "B",
                "制袋主管 何伟",
                on(4.5),
            ),
        ],
        read_across=[
            "BM-1、BM-2 同步增加刀面实测温度点检",
            "自立袋产品线 PE 膜同样执行来料热封曲线",
        ],
        callbacks=[
            callback(at(14.0), "业务 潘磊", Outcome.NO_ANSWER, "电话无人接听，已发短信"),
            callback(at(20.0), "业务 潘磊", Outcome.NO_ANSWER, "电话无人接听，邮件附 8D 报告"),
            callback(
                at(26.0), "业务 潘磊", Outcome.NO_ANSWER, "第三次无人接听；客户已更换采购联系人"
            ),
        ],
        closure=Closure(
            kind=ClosureKind.ABNORMAL,
            ground=AbnormalGround.UNREACHABLE,
            closed_at=at(27.0),
            closed_by=qe,
            reason="一个月内 3 次回访均未联系上客户（符合异常关闭条件）",
            lessons_learned="设备显示温度不等于实际温度；材料变更须通知",
        ),
        approvals=[approval("品质经理 卢志强", "qa_manager", "批准 8D 报告", at(12.5))],
        contacts=[
            contact(
                r,
                "业务 潘磊",
                "客户来电停线投诉，致歉并复述问题",
                inbound=True,
                promise="当天派技术员到场",
                next_reply_due=at(0.5),
            ),
            contact(
                at(0.4),
                "制袋主管 何伟",
                "到客户现场协助挑选",
                channel=Channel.VISIT,
                promise="7 个工作日内提交原因分析",
                next_reply_due=at(7.0),
            ),
            contact(
                at(6.0),
                qe,
                "提交 8D（D1–D5）",
                channel=Channel.EMAIL,
                promise="一个月后回访",
                next_reply_due=at(14.0),
            ),
            contact(at(14.0), "业务 潘磊", "回访电话无人接听，发短信请客户回电"),
            contact(at(20.0), "业务 潘磊", "回访电话无人接听，邮件附 8D 报告"),
            contact(at(26.0), "业务 潘磊", "第三次回访无人接听，原联系人已离职"),
        ],
        history=history(r, done, qe, closed_after=27.0),
        created_at=r + timedelta(minutes=15),
        created_by="业务 潘磊",
    )


APPLIANCE_BUILDERS = (kettle_lid_hinge_crack, washer_knob_colour, fan_carton_short)
PACKAGING_BUILDERS = (pouch_seal_leak_unreachable,)

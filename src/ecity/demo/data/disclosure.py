"""The demo city's government information disclosure: guides, catalogue items, sample requests.

The requests are filed by the demo citizens 张伟 (zhangwei) and 李娜 (lina, for 示范市云帆科技
有限公司) to 市市场监督管理局 (SCJ) and 市卫生健康委员会 (WJW); reviewer_scj / reviewer_wjw handle
them, approver_scj / approver_wjw (the heads) approve extensions and publish the annual report.
"""

from __future__ import annotations

GUIDE = (
    "一、主动公开\n"
    "本机关主动公开的政府信息，可以通过示范市政府门户网站“政府信息公开”栏目查阅，"
    "也可以到本机关政务公开查阅点查阅。\n"
    "二、依申请公开\n"
    "公民、法人或者其他组织可以通过网上申请、信函或者当面提交申请。"
    "本机关自收到申请之日起20个工作日内予以答复；需要延长答复期限的，经本机关负责人同意，"
    "可以延长不超过20个工作日。\n"
    "三、受理机构\n"
    "办公地址：示范市府前街1号；办公时间：工作日 9:00–12:00，13:30–17:30；"
    "联系电话：0571-12345000。\n"
    "四、救济方式\n"
    "申请人认为本机关在政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。"
)

# (department, category, title, document number, days ago)
ENTRIES = [
    ("SCJ", "functions", "市市场监督管理局主要职责和内设机构", "", 300),
    ("SCJ", "regulations", "示范市食品摊贩管理办法", "示市监规〔2026〕1号", 120),
    ("SCJ", "budgets", "市市场监督管理局2026年部门预算", "", 200),
    ("SCJ", "procurement", "2026年食品安全抽检服务采购结果公告", "SCJ-CG-2026-07", 40),
    ("SCJ", "key_areas", "2026年第三季度食品安全监督抽检信息", "", 15),
    ("WJW", "functions", "市卫生健康委员会主要职责和内设机构", "", 280),
    ("WJW", "plans", "示范市“十五五”卫生健康事业发展规划", "示卫健发〔2026〕12号", 90),
    ("WJW", "budgets", "市卫生健康委员会2026年部门预算", "", 190),
    ("WJW", "personnel", "2026年事业单位公开招聘拟聘用人员公示", "", 30),
    ("ZJW", "plans", "示范市2026年保障性住房建设计划", "示住建发〔2026〕5号", 60),
]

# (key, applicant username, department, state, description)
REQUESTS = [
    ("new", "zhangwei", "SCJ", "received", "2026年本市餐饮服务单位量化分级评定结果汇总表。"),
    (
        "soon",
        "zhangwei",
        "WJW",
        "due_soon",
        "示范市第一人民医院2025年度医疗服务价格调整的批复文件。",
    ),
    ("late", "lina", "SCJ", "overdue", "2025年本市网络餐饮服务第三方平台监督检查情况报告。"),
    ("correct", "zhangwei", "SCJ", "correction", "关于某小区附近市场的有关文件。"),
    ("extended", "lina", "WJW", "extended", "2025年本市医疗废物集中处置单位的监督检查记录。"),
    ("disclosed", "zhangwei", "SCJ", "disclosed", "示范市食品摊贩管理办法的起草说明。"),
    ("partial", "lina", "SCJ", "partial", "2025年食品安全抽检不合格产品的核查处置情况。"),
    ("other", "zhangwei", "WJW", "other_body", "本市2025年城镇居民人均可支配收入统计数据。"),
]

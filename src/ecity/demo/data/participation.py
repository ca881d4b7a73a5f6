"""The demo city's public participation: editors, mailboxes and letters, surveys, consultations.

DEMO ONLY. The editors and the extra citizens use the demo password ``Demo@12345`` like every
other demo account (``accounts.DEMO_PASSWORD``).

| username   | role                                                                  |
|------------|-----------------------------------------------------------------------|
| editor_zwb | 林晓, participation editor, 市政务服务管理办公室 (ZWB): 市长信箱,      |
|            | the satisfaction survey and the consultations                          |
| editor_scj | 蒋文, participation editor, 市市场监督管理局 (SCJ): its mailbox        |
| chenming, zhaoli, sunhao | verified citizens who write letters and comment          |
"""

from __future__ import annotations

from typing import NamedTuple

from ecity.core.validators import id_number_check_char
from ecity.demo.data.accounts import Account


def _id_number(body17: str) -> str:
    return body17 + id_number_check_char(body17)


EDITORS: list[Account] = [
    Account(
        "editor_zwb",
        "林晓",
        "editor_zwb@shifan.example",
        "13800991101",
        staff_roles=(("participation_editor", "ZWB"),),
    ),
    Account(
        "editor_scj",
        "蒋文",
        "editor_scj@shifan.example",
        "13800991102",
        staff_roles=(("participation_editor", "SCJ"),),
    ),
]

CITIZENS: list[Account] = [
    Account(
        "chenming",
        "陈明",
        "chenming@shifan.example",
        "13800990011",
        _id_number("33010219850614203"),
        "示范市东城区文庙社区府前街8号2栋302室",
    ),
    Account(
        "zhaoli",
        "赵丽",
        "zhaoli@shifan.example",
        "13800990012",
        _id_number("33010519920223402"),
        "示范市滨江区柳岸社区柳岸花园5栋801室",
    ),
    Account(
        "sunhao",
        "孙浩",
        "sunhao@shifan.example",
        "13800990013",
        _id_number("33010819960905113"),
        "示范市高新区云谷社区云谷路66号",
    ),
]


class Box(NamedTuple):
    code: str
    kind: str
    name_zh: str
    name_en: str
    description: str
    department: str
    reply_limit_days: int


MAILBOXES: list[Box] = [
    Box(
        "mayor",
        "leader",
        "市长信箱",
        "Mayor's mailbox",
        "市民可通过市长信箱向市长反映问题、提出意见建议。来信由市政务服务管理办公室转办，"
        "一般在15个工作日内答复。投诉举报类诉求请拨打12345热线。",
        "ZWB",
        15,
    ),
    Box(
        "scj",
        "department",
        "市市场监督管理局局长信箱",
        "Director's mailbox, Market Regulation",
        "反映市场监管、食品安全、消费维权等方面的意见建议，10个工作日内答复。",
        "SCJ",
        10,
    ),
]


class DemoLetter(NamedTuple):
    mailbox: str
    writer: str
    subject: str
    body: str
    consent: bool
    days_ago: int  # received this many calendar days before the demo is loaded
    # received | in_progress | replied | rated | forwarded
    outcome: str
    reply: str = ""
    rating: str = ""
    rating_comment: str = ""


LETTERS: list[DemoLetter] = [
    DemoLetter(
        "mayor",
        "zhangwei",
        "建议在东华社区增设老年食堂",
        "东华社区60岁以上老人很多，不少是独居老人，做饭不方便。建议在社区服务中心开设老年食堂，"
        "提供价格实惠的午餐和晚餐，行动不便的老人可以送餐上门。",
        True,
        1,
        "received",
    ),
    DemoLetter(
        "mayor",
        "lina",
        "望湖社区周边停车位严重不足",
        "望湖社区是老小区，没有地下车库，每天晚上车辆停满消防通道和人行道。"
        "建议利用湖景路旁的闲置空地建设临时停车场，并在夜间开放周边单位的停车场。",
        True,
        6,
        "in_progress",
    ),
    DemoLetter(
        "mayor",
        "wangfang",
        "建议市民中心周末延长办事时间",
        "我在企业上班，工作日很难请假去市民中心办事。建议市民中心周六全天开放，"
        "或者工作日晚上延长到七点，方便上班族办理业务。",
        True,
        24,
        "replied",
        "感谢您的建议。自下月起，市民中心每周六上午9:00至下午5:00开放，办理社保、医保、"
        "不动产登记等高频事项；工作日可通过“示范市政务服务网”和自助终端24小时办理，"
        "也可提前预约延时服务。",
    ),
    DemoLetter(
        "mayor",
        "zhangwei",
        "人民路公交站台没有遮雨棚",
        "人民路东华路口的公交站台没有遮雨棚，下雨天候车的老人和学生只能淋雨。"
        "我多次路过都看到这种情况，联系电话13800990001，希望尽快加装雨棚。",
        True,
        35,
        "rated",
        "您反映的情况属实。市交通运输局已将该站台列入今年公交候车亭改造计划，"
        "雨棚已于本月安装完成，同时增设了座椅和电子站牌。",
        "satisfied",
        "雨棚已经装好了，谢谢！",
    ),
    DemoLetter(
        "mayor",
        "chenming",
        "文庙社区府前街路面破损多处",
        "府前街从文庙到菜市场一段路面有多处坑洼，下雨后积水很深，已经有电动车摔倒。"
        "希望有关部门尽快修补路面。",
        False,
        30,
        "received",
    ),
    DemoLetter(
        "scj",
        "lina",
        "网购商品七天无理由退货被拒",
        "我在本市一家网店购买了一件外套，收到后不合适，申请七天无理由退货被商家拒绝，"
        "理由是“特价商品不退不换”。请问这种做法是否合法？",
        True,
        14,
        "replied",
        "根据《消费者权益保护法》第二十五条，网购商品除法定例外情形外，消费者有权自收到商品之日起"
        "七日内无理由退货，商家以“特价商品”为由拒绝退货缺乏依据。我局已约谈该商家，"
        "商家已同意为您办理退货。",
    ),
    DemoLetter(
        "scj",
        "sunhao",
        "云谷路一超市销售过期食品",
        "昨天在云谷路66号附近的一家超市买的酸奶已经过期两天，货架上还有很多同一批次的商品。"
        "希望执法人员去检查处理。",
        False,
        0,
        "forwarded",
    ),
    DemoLetter(
        "scj",
        "zhaoli",
        "建议加强校园周边食品摊点监管",
        "柳岸小学门口放学时有很多流动摊贩卖辣条、烤肠等食品，卫生状况让人担心。"
        "建议加强巡查，规范校园周边食品经营。",
        False,
        2,
        "received",
    ),
]

FORWARD_NOTE = "来信反映超市销售过期食品，属投诉举报事项，转12345热线派单处理。"

# The satisfaction survey of 市政务服务管理办公室 (every question kind, one conditional).
SURVEY_TITLE = "政务服务满意度调查"
SURVEY_INTRO = (
    "为持续提升政务服务水平，市政务服务管理办公室开展本次满意度调查。调查采用匿名方式，"
    "约需3分钟，感谢您的参与！"
)
SURVEY_RESPONSES = 30
CHANNELS = ["市民中心窗口", "区政务服务中心", "示范市政务服务网", "“示范办”移动端"]
SATISFACTION = ["非常满意", "满意", "一般", "不满意"]
IMPROVEMENTS = [
    "精简申请材料",
    "缩短办理时限",
    "改进窗口服务态度",
    "提升网上办事便利度",
    "加强政策解读",
]
MATRIX_ROWS = ["办事指南清晰度", "排队等候时间", "工作人员专业程度"]
MATRIX_COLUMNS = ["满意", "一般", "不满意"]
RANKING = ["一网通办", "一窗受理", "一次办结", "帮办代办"]
ITEMS = ["社保卡补办", "居住证办理", "个体工商户登记", "不动产登记", "医保报销", "公积金提取"]
REASONS = [
    "网上填报时系统多次报错，只好又去窗口。",
    "窗口叫号后等了很久，工作人员解释不清楚需要哪些材料。",
    "要求提交的证明材料太多，有些明明可以部门之间共享。",
    "办事指南写得不够清楚，第一次去材料没带齐。",
]

CLOSED_SURVEY_TITLE = "市民中心便民服务设施使用情况调查"
CLOSED_SURVEY_INTRO = "了解市民对市民中心便民服务设施的使用情况和需求，调查已结束，结果公开。"
CLOSED_SURVEY_RESPONSES = 12
FACILITIES = ["自助服务终端", "免费复印打印", "母婴室", "爱心座椅", "免费饮水"]

CONSULTATION_TITLE = "示范市电动自行车停放充电管理办法（征求意见稿）"
CONSULTATION_INTRO = (
    "为规范电动自行车停放和充电行为，预防和减少火灾事故，市政务服务管理办公室会同市消防救援支队"
    "等部门起草了本办法，现公开征求社会各界意见，征求意见期为30天。"
)
CONSULTATION_DRAFT = "\n".join(
    [
        "第一条 为了加强电动自行车停放充电管理，预防和减少火灾事故，保障人民群众生命财产安全，"
        "根据有关法律法规，结合本市实际，制定本办法。",
        "第二条 本办法适用于本市行政区域内电动自行车的停放、充电及其监督管理活动。",
        "第三条 市、区人民政府应当将电动自行车集中停放充电设施建设纳入城市更新和老旧小区改造计划。",
        "第四条 新建住宅小区应当按照规定配套建设电动自行车集中停放场所和充电设施；"
        "已建成住宅小区不具备条件的，由街道办事处统筹设置。",
        "第五条 禁止在建筑物的公共门厅、疏散走道、楼梯间、安全出口停放电动自行车或者为其充电。",
        "第六条 禁止携带电动自行车或者其蓄电池进入电梯轿厢。",
        "第七条 物业服务人应当对管理区域内电动自行车停放充电行为进行巡查，发现违规行为及时劝阻。",
        "第八条 充电设施运营单位应当落实安全管理责任，确保充电设施具备定时充电、自动断电、"
        "故障报警等功能，收费标准应当公示。",
        "第九条 违反本办法第五条规定的，由消防救援机构责令改正，处警告或者五百元以下罚款。",
        "第十条 本办法自2027年7月1日起施行。",
    ]
)
# (writer, section, text, moderation: published | pending | rejected, rejection reason)
CONSULTATION_COMMENTS: list[tuple[str, str, str, str, str]] = [
    (
        "zhangwei",
        "第四条",
        "老旧小区空间有限，建议明确街道统筹设置充电设施的时限，比如一年内完成，"
        "否则居民只能继续在楼道充电。",
        "published",
        "",
    ),
    (
        "lina",
        "第六条",
        "支持禁止电动车进电梯。建议同时要求物业在电梯内安装阻车系统，技术手段比劝阻更有效。",
        "published",
        "",
    ),
    (
        "chenming",
        "第八条",
        "充电收费标准建议由政府指导定价，目前有的充电桩一小时一元，比家里充电贵很多。",
        "published",
        "",
    ),
    (
        "zhaoli",
        "第九条",
        "罚款五百元以下偏低，对屡教不改的建议提高处罚标准。",
        "pending",
        "",
    ),
    (
        "sunhao",
        "",
        "我们楼302的住户天天把电动车推进楼道充电，电话是138xxxx，请你们去处理一下。",
        "rejected",
        "评论中含有他人的个人信息，且属于具体投诉事项，请通过12345热线反映。",
    ),
]

OLD_CONSULTATION_TITLE = "示范市养犬管理规定（征求意见稿）"
OLD_CONSULTATION_INTRO = "为规范养犬行为，维护市容环境和社会秩序，现公开征求意见。"
OLD_CONSULTATION_DRAFT = "\n".join(
    [
        "第一条 为了规范养犬行为，保障公民健康和人身安全，维护市容环境和社会秩序，制定本规定。",
        "第二条 本规定适用于本市城市建成区内的养犬活动。",
        "第三条 个人饲养犬只应当办理养犬登记，并按规定为犬只注射狂犬病疫苗。",
        "第四条 携犬出户应当为犬只束犬链，由具有完全民事行为能力的人牵领。",
        "第五条 携犬出户时，应当即时清除犬只排泄物。",
        "第六条 本规定自发布之日起施行。",
    ]
)
# (writer, section, text, adoption, reason)
OLD_CONSULTATION_COMMENTS: list[tuple[str, str, str, str, str]] = [
    (
        "zhangwei",
        "第四条",
        "建议明确犬链长度不超过1.5米，现在很多人用伸缩绳放得很长。",
        "adopted",
        "采纳。正式文本第四条增加“犬链长度不超过1.5米”的规定。",
    ),
    (
        "lina",
        "第三条",
        "建议养犬登记可以在网上办理，不要每年都跑派出所。",
        "partly_adopted",
        "部分采纳。首次登记需现场核验犬只，年检改为网上办理。",
    ),
    (
        "wangfang",
        "第二条",
        "建议将规定适用范围扩大到全市农村地区。",
        "not_adopted",
        "未采纳。农村地区养犬情况差异较大，将由各区另行制定管理办法。",
    ),
]
OLD_CONSULTATION_SUMMARY = (
    "征求意见期间共收到有效意见3条，采纳1条、部分采纳1条、未采纳1条。"
    "主要修改：明确犬链长度，养犬年检改为网上办理。感谢市民朋友的积极参与！"
)

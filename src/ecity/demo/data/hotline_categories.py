"""The demo hotline's category tree (with each leaf's usual department, seasons, share of the
generated tickets and the texts those tickets are made of) and the rising topic of the last two
weeks."""

from __future__ import annotations

from typing import NamedTuple


class Cat(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    department: str
    local: bool = False
    weight: int = 0  # share of the generated tickets (leaves only)
    peak_months: tuple[int, ...] = ()  # months with more tickets (seasons)
    kind: str = "complaint"
    texts: tuple[tuple[str, str], ...] = ()  # (title, description) with {place}, {road}
    answer: str = ""


# Top-level categories and their children (code prefix = parent code).
TOP: list[Cat] = [
    Cat("CXJS", "城乡建设", "Urban and rural construction", "ZJW"),
    Cat("SRHJ", "市容环境", "City appearance and environment", "CGJ"),
    Cat("JTCX", "交通出行", "Transport", "JTJ"),
    Cat("LDBZ", "劳动保障", "Labour and social security", "RSJ"),
    Cat("JY", "教育", "Education", "JYJ"),
    Cat("YLWS", "医疗卫生", "Health care", "WJW"),
    Cat("SCJG", "市场监管", "Market regulation", "SCJ"),
    Cat("GGAQ", "公共安全", "Public safety", "GAJ"),
]

SUMMER, WINTER, RAINY = (6, 7, 8), (12, 1, 2), (5, 6, 7)

CHILDREN: dict[str, list[Cat]] = {
    "CXJS": [
        Cat(
            "CXJS-WY",
            "物业纠纷",
            "Property management disputes",
            "ZJW",
            weight=9,
            texts=(
                (
                    "{place}物业服务差",
                    "{place}小区物业不作为，电梯坏了一周没人修，楼道垃圾无人清理，业主多次反映无果。",
                ),
                (
                    "{place}物业费涨价",
                    "{place}小区物业未经业主大会同意擅自上调物业费，要求相关部门核查。",
                ),
                (
                    "{place}物业停车收费",
                    "{place}小区物业对业主车位乱收费，临时停车每小时十元，请求规范。",
                ),
            ),
            answer="经住建委物业科核查，已约谈{place}小区物业公司，责令限期整改，电梯已修复，收费按备案标准执行。",
        ),
        Cat(
            "CXJS-FW",
            "房屋质量",
            "Housing quality",
            "ZJW",
            weight=3,
            texts=(
                (
                    "{place}新房漏水",
                    "{place}新交付的商品房卫生间和外墙渗水，开发商一直推诿不维修。",
                ),
                ("{place}墙体开裂", "{place}住宅楼墙体出现多条裂缝，担心安全隐患，请求鉴定。"),
            ),
            answer="已组织质监站现场查看，督促开发企业在保修期内完成维修，并告知业主质量投诉渠道。",
        ),
        Cat(
            "CXJS-PS",
            "排水防涝",
            "Drainage and waterlogging",
            "ZJW",
            weight=4,
            peak_months=RAINY,
            kind="help",
            texts=(
                (
                    "{road}暴雨积水严重",
                    "昨晚下大雨，{road}{place}路段积水没过膝盖，车辆熄火，请尽快排水。",
                ),
                ("{place}下水道堵塞", "{place}小区门口下水道堵塞，污水外溢，臭味很大。"),
            ),
            answer="排水公司已到场疏通管道，积水已排除，雨季将加强{road}路段巡查。",
        ),
        Cat(
            "CXJS-WJ",
            "违章建筑",
            "Illegal construction",
            "CGJ",
            local=True,
            weight=3,
            kind="report",
            texts=(
                ("{place}楼顶违建", "{place}顶楼住户在楼顶私自搭建彩钢房，存在安全隐患，请查处。"),
                ("{place}私自扩建", "{place}一楼商户违规扩建门面，占用公共绿地。"),
            ),
            answer="执法队员已现场核实，向当事人下达限期拆除通知书，违建部分已自行拆除。",
        ),
    ],
    "SRHJ": [
        Cat(
            "SRHJ-ZY",
            "噪音扰民",
            "Noise nuisance",
            "STJ",
            weight=12,
            peak_months=SUMMER,
            texts=(
                (
                    "{place}夜间施工噪音扰民",
                    "{road}{place}附近工地每天晚上十点后还在施工，噪音很大，严重影响休息。",
                ),
                (
                    "{place}广场舞噪音",
                    "{place}广场舞音响声音太大，每天晚上持续到十点，老人孩子无法休息。",
                ),
                ("{place}商铺音响噪音", "{road}一家商铺门口大音响循环播放促销广告，噪音扰民。"),
                ("{place}工厂设备噪音", "{place}旁边工厂机器整夜运转，轰鸣声很大，睡不着觉。"),
            ),
            answer="生态环境局执法人员已夜间现场监测，责令施工单位停止夜间施工，并对噪声超标行为依法处理。",
        ),
        Cat(
            "SRHJ-ZD",
            "占道经营",
            "Street vending on roads",
            "CGJ",
            local=True,
            weight=7,
            peak_months=SUMMER,
            kind="report",
            texts=(
                (
                    "{road}占道经营",
                    "{road}{place}路口每天晚上有流动摊贩占道摆摊，堵塞交通，垃圾遍地。",
                ),
                (
                    "{place}夜市摊点占道",
                    "{place}夜市烧烤摊占用人行道，油烟大，行人只能走机动车道。",
                ),
            ),
            answer="已安排执法队员对{road}路段开展整治，劝离流动摊贩，并设置临时疏导点。",
        ),
        Cat(
            "SRHJ-LJ",
            "垃圾清运",
            "Rubbish collection",
            "CGJ",
            local=True,
            weight=6,
            texts=(
                ("{place}垃圾清运不及时", "{place}小区垃圾桶满了好几天没人清运，天气热臭气熏天。"),
                ("{place}建筑垃圾乱倒", "{road}边有人乱倒建筑垃圾，堆了一大片，请及时清理。"),
            ),
            answer="环卫所已清运{place}积存垃圾，并增加清运频次为每日两次。",
        ),
        Cat(
            "SRHJ-YY",
            "油烟污染",
            "Cooking fumes",
            "STJ",
            weight=4,
            texts=(
                (
                    "{place}餐馆油烟扰民",
                    "{place}楼下餐馆油烟直排，没有安装净化设备，窗户都不敢开。",
                ),
                ("{place}烧烤油烟", "{road}烧烤店油烟很大，熏到楼上住户。"),
            ),
            answer="已检查该餐饮单位，责令安装油烟净化设施，整改后复查达标。",
        ),
        Cat(
            "SRHJ-GG",
            "违规广告",
            "Illegal advertising",
            "CGJ",
            weight=2,
            texts=(
                ("{road}小广告泛滥", "{road}{place}电线杆和墙面贴满办证、贷款小广告，影响市容。"),
                ("{place}广告牌松动", "{place}商铺门头广告牌松动，刮风时摇晃，担心掉下来砸人。"),
            ),
            answer="已组织清理小广告，并对松动广告牌督促业主加固。",
        ),
    ],
    "JTCX": [
        Cat(
            "JTCX-GJ",
            "公交线路",
            "Bus routes",
            "JTJ",
            weight=6,
            kind="suggestion",
            texts=(
                (
                    "建议增开{place}公交线路",
                    "{place}附近新建小区较多，没有公交线路，建议增设公交站点。",
                ),
                ("{road}公交车间隔太长", "{road}的公交车早高峰要等半小时，建议缩短发车间隔。"),
                ("{place}公交车不按站停靠", "{place}站的公交车经常不停靠，司机态度差。"),
            ),
            answer="交通运输局已会同公交集团调研客流，拟优化相关线路并适当加密早高峰班次。",
        ),
        Cat(
            "JTCX-CZ",
            "出租车网约车",
            "Taxis and ride-hailing",
            "JTJ",
            weight=3,
            texts=(
                ("{place}出租车拒载", "在{place}打出租车，司机嫌距离近拒载，还态度恶劣。"),
                ("网约车绕路多收费", "从{place}坐网约车到火车站，司机故意绕路，多收了三十元。"),
            ),
            answer="已调取行车记录，对驾驶员拒载绕路行为依法处罚，多收费用已退还。",
        ),
        Cat(
            "JTCX-DL",
            "道路破损",
            "Damaged roads",
            "ZJW",
            weight=4,
            kind="help",
            texts=(
                ("{road}路面坑洼", "{road}{place}路段路面坑洼不平，电动车经过容易摔倒。"),
                ("{road}井盖缺失", "{road}人行道上一个井盖缺失，晚上非常危险，请尽快修复。"),
            ),
            answer="市政养护单位已对{road}破损路面完成修补，缺失井盖已补装。",
        ),
        Cat(
            "JTCX-TC",
            "停车管理",
            "Parking",
            "GAJ",
            weight=3,
            texts=(
                ("{place}车辆乱停堵路", "{place}门口车辆乱停乱放，堵住消防通道和小区出入口。"),
                ("{road}僵尸车长期占位", "{road}一辆无牌车停放半年以上，占用公共车位。"),
            ),
            answer="交警部门已对乱停车辆依法处理，并张贴限期挪车通知。",
        ),
    ],
    "LDBZ": [
        Cat(
            "LDBZ-QX",
            "拖欠工资",
            "Wage arrears",
            "RSJ",
            weight=7,
            peak_months=(12, 1, 2),
            texts=(
                (
                    "{place}工地拖欠农民工工资",
                    "我在{place}工地干了三个月，包工头拖欠工资两万多元，马上过年了一直不给。",
                ),
                (
                    "{place}公司欠薪",
                    "{place}一家公司已经两个月没有发工资，老板不接电话，要求劳动监察介入。",
                ),
                (
                    "餐馆拖欠服务员工资",
                    "我在{road}一家餐馆做服务员，辞职后老板拒绝结清最后一个月工资。",
                ),
            ),
            answer="劳动保障监察大队已立案调查，约谈用人单位负责人，拖欠工资已全部支付到位。",
        ),
        Cat(
            "LDBZ-SB",
            "社会保险",
            "Social insurance",
            "RSJ-SB",
            weight=5,
            kind="enquiry",
            texts=(
                (
                    "社保断缴怎么补缴",
                    "单位没有给我缴纳社保，{place}的公司说等效益好再补，请问怎么办。",
                ),
                ("咨询灵活就业参保", "我在{place}做个体，想咨询灵活就业人员如何缴纳养老保险。"),
            ),
            answer="已电话告知来电人补缴和灵活就业参保办理流程，可在社保中心窗口或网上办理。",
        ),
        Cat(
            "LDBZ-JY",
            "就业创业",
            "Employment",
            "RSJ",
            weight=2,
            kind="enquiry",
            texts=(
                ("咨询创业担保贷款", "我想在{place}开店，咨询创业担保贷款的申请条件。"),
                ("失业登记办理", "咨询在{place}如何办理失业登记和领取失业金。"),
            ),
            answer="已告知创业担保贷款及失业登记的办理条件、材料和地点。",
        ),
    ],
    "JY": [
        Cat(
            "JY-RX",
            "入学招生",
            "School admission",
            "JYJ",
            weight=4,
            peak_months=(6, 7, 8),
            kind="enquiry",
            texts=(
                (
                    "{place}小学划片咨询",
                    "孩子今年上小学，{place}小区属于哪个学校的学区，积分怎么算。",
                ),
                ("随迁子女入学", "外地户口在{place}租房，孩子想在本地上初中需要什么材料。"),
            ),
            answer="教育局已告知今年学区划分和随迁子女入学材料，可在招生平台查询。",
        ),
        Cat(
            "JY-PX",
            "校外培训",
            "After-school tutoring",
            "JYJ",
            weight=2,
            texts=(
                ("{place}培训机构退费难", "{place}一家培训机构突然停课，预交的一万多元学费不退。"),
                ("无证培训机构", "{road}有一家无证学科培训班，周末上课。"),
            ),
            answer="已会同市场监管部门核查该机构，督促退费，并对无证办学行为依法处理。",
        ),
        Cat(
            "JY-AQ",
            "校园周边安全",
            "Safety around schools",
            "JYJ",
            weight=1,
            texts=(
                ("{place}学校门口交通拥堵", "{place}小学放学时家长车辆乱停，孩子过马路很危险。"),
            ),
            answer="已协调交警在上下学时段加强疏导，并施划临时停车区域。",
        ),
    ],
    "YLWS": [
        Cat(
            "YLWS-YL",
            "医疗服务",
            "Medical services",
            "WJW",
            weight=4,
            texts=(
                ("{place}医院挂号难", "{place}附近医院专家号一号难求，现场排队三个小时。"),
                ("医生态度差", "在{place}社区卫生服务中心看病，医生态度冷漠，不解释病情。"),
            ),
            answer="卫健委已转医院核查，对相关医生批评教育，并优化预约挂号流程。",
        ),
        Cat(
            "YLWS-YB",
            "医保报销",
            "Medical insurance",
            "YBJ",
            weight=3,
            kind="enquiry",
            texts=(
                ("异地就医报销咨询", "我在{place}参保，在外地住院后医保报销需要什么手续。"),
                ("门诊慢特病申请", "咨询{place}门诊慢特病怎么申请，报销比例多少。"),
            ),
            answer="医保局已告知异地就医备案和报销流程及门诊慢特病申请材料。",
        ),
        Cat(
            "YLWS-GW",
            "公共卫生",
            "Public health",
            "WJW-WJ",
            weight=2,
            kind="report",
            texts=(
                ("{place}理发店卫生差", "{place}一家理发店毛巾不消毒，没有卫生许可证。"),
                ("{place}游泳馆水质差", "{place}游泳馆池水浑浊，游完皮肤过敏。"),
            ),
            answer="卫生监督执法人员已现场检查，责令整改并依法处罚。",
        ),
    ],
    "SCJG": [
        Cat(
            "SCJG-SP",
            "食品安全",
            "Food safety",
            "SCJ-SP",
            weight=5,
            peak_months=SUMMER,
            texts=(
                ("{place}餐馆食品不卫生", "在{road}{place}一家餐馆吃饭后拉肚子，后厨卫生很差。"),
                ("超市销售过期食品", "{place}超市货架上有过期牛奶还在销售。"),
                ("外卖店无证经营", "{place}一家外卖店没有食品经营许可证，在居民楼里加工。"),
            ),
            answer="市场监管局已对该经营者现场检查，下架过期食品，依法立案查处。",
        ),
        Cat(
            "SCJG-XF",
            "消费维权",
            "Consumer rights",
            "SCJ",
            weight=5,
            texts=(
                ("{place}健身房跑路", "{place}健身房突然关门，办的年卡还剩八个月，老板联系不上。"),
                ("手机维修乱收费", "在{road}一家手机店维修，报价一百结账变成五百。"),
                ("预付卡退费难", "{place}美容店预付卡余额三千元，店铺转让后不给退。"),
            ),
            answer="已组织双方调解，商家同意退还剩余费用，消费者表示认可。",
        ),
        Cat(
            "SCJG-JG",
            "价格违法",
            "Pricing violations",
            "SCJ",
            weight=2,
            kind="report",
            texts=(("{place}停车场乱收费", "{place}停车场收费标准没有公示，停两小时收了五十元。"),),
            answer="已核查该停车场收费情况，责令明码标价并退还多收费用。",
        ),
    ],
    "GGAQ": [
        Cat(
            "GGAQ-ZA",
            "治安秩序",
            "Public order",
            "GAJ",
            weight=3,
            kind="report",
            texts=(
                ("{place}有人聚众赌博", "{place}一间棋牌室每天晚上有人聚众赌博，进出人员复杂。"),
                ("{place}电动车被盗", "昨晚停在{place}楼下的电动车被盗，希望加强巡逻。"),
            ),
            answer="辖区派出所已加强巡逻并依法查处，相关线索已立案侦查。",
        ),
        Cat(
            "GGAQ-XF",
            "消防安全",
            "Fire safety",
            "XFJ",
            weight=3,
            peak_months=WINTER,
            kind="report",
            texts=(
                (
                    "{place}消防通道被堵",
                    "{place}小区消防通道长期堆放杂物和停车，发生火灾消防车进不来。",
                ),
                (
                    "{place}电动车楼道充电",
                    "{place}有住户把电动自行车推进楼道充电，飞线充电很危险。",
                ),
                ("{place}灭火器过期", "{place}楼道里的灭火器早已过期，消防栓也没有水。"),
            ),
            answer="消防救援支队已会同社区现场检查，清理楼道杂物，督促物业更换消防器材。",
        ),
        Cat(
            "GGAQ-HJ",
            "户籍办理",
            "Household registration",
            "GAJ-HZ",
            weight=2,
            kind="enquiry",
            texts=(
                ("落户政策咨询", "大学毕业后在{place}工作，咨询人才落户需要哪些材料。"),
                ("新生儿上户口", "孩子在{place}出生，咨询新生儿落户的办理流程。"),
            ),
            answer="已告知落户条件、所需材料和可在线办理的渠道。",
        ),
    ],
}

# The rising topic of the last two weeks: charging e-bikes indoors after a fire in a nearby city.
RISING_CATEGORY = "GGAQ-XF"
RISING_TEXTS: tuple[tuple[str, str], ...] = (
    (
        "{place}电动自行车入户充电",
        "{place}有邻居每天把电动自行车电池拿回家充电，听说外地刚发生电动车起火，很担心。",
    ),
    (
        "{place}电动车飞线充电",
        "{place}楼上住户从窗户拉电线到楼下给电动车充电，晚上一直充，存在火灾隐患。",
    ),
    (
        "建议{place}增设电动车充电桩",
        "{place}小区没有电动自行车集中充电设施，大家只能在楼道充电，建议尽快建设充电桩。",
    ),
)

"""Demo accounts of 示范市: a platform administrator, citizens, an enterprise and staff.

DEMO ONLY. Every demo account uses the same published password, ``Demo@12345``. It exists so that
people trying the demo city can log in; never load the demo data into a production database.

| username       | role                                                      |
|----------------|-----------------------------------------------------------|
| admin          | platform administrator (superuser) 平台管理员             |
| zhangwei       | citizen 张伟, verified in person at a counter (实人认证)  |
| lina           | citizen 李娜, legal representative of 示范市云帆科技有限公司 |
| wangfang       | citizen 王芳, authorised agent of 示范市云帆科技有限公司    |
| liuyang        | citizen 刘洋, registered only: not verified yet, to show  |
|                | the way to verification (online or at a counter)          |
| clerk_zwb      | 赵敏, counter clerk of the service centre (ZWB) who also  |
|                | accepts for SCJ, WJW, ZJW and XFJ (综合受理窗口)           |
| reviewer_scj   | 钱磊, reviewer, 市市场监督管理局 (SCJ)                    |
| reviewer_wjw   | 孙丽, reviewer, 市卫生健康委员会 (WJW)                    |
| reviewer_zjw   | 冯涛, reviewer, 市住房和城乡建设管理委员会 (ZJW)          |
| reviewer_xfj   | 陈静, reviewer, 市消防救援支队 (XFJ)                      |
| approver_scj   | 周强, approver, 市市场监督管理局 (SCJ)                    |
| approver_wjw   | 何敏, approver, 市卫生健康委员会 (WJW)                    |
| approver_zjw   | 许峰, approver, 市住房和城乡建设管理委员会 (ZJW)          |
| approver_xfj   | 黄勇, approver, 市消防救援支队 (XFJ)                      |
| deptadmin_scj  | 吴刚, department administrator, 市市场监督管理局 (SCJ)    |
| deptadmin_gaj  | 罗斌, department (data) administrator, 市公安局 (GAJ):    |
|                | answers requests for the person registry                  |
| deptadmin_rsj  | 高燕, department (data) administrator, 市人社局 (RSJ):    |
|                | requests data of other departments                        |
| supervisor_zwb | 郑洁, supervisor (效能监督), 市政务服务管理办公室 (ZWB)   |
| webeditor_scj  | 韩雪, content editor (内容编辑) of SCJ's sub-site: writes |
|                | news and policies in the admin at /cms/admin/             |
| webreviewer_scj| 唐宁, content reviewer (内容审核) of SCJ's sub-site:       |
|                | approves (publishes) or sends back what the editor wrote  |

Approvers, department administrators, supervisors and the platform administrator must set up
an authenticator app (TOTP) the first time they log in.

Password of every account above: ``Demo@12345`` (demo only).

Passwords are set when an account is created; loading the demo again never resets a password
someone has changed.
"""

from __future__ import annotations

from typing import NamedTuple

from ecity.core.validators import id_number_check_char, uscc_check_char

DEMO_PASSWORD = "Demo@12345"  # noqa: S105 - published demo-only password, see the docstring


def _id_number(body17: str) -> str:
    """A resident ID number (GB 11643) for a 17-digit body: region, birth date, sequence."""
    return body17 + id_number_check_char(body17)


def _uscc(region: str, organisation: str) -> str:
    """A USCC (GB 32100) of an enterprise ("91") with a 9-character organisation code."""
    body = f"91{region}{organisation}"
    return body + uscc_check_char(body)


class Account(NamedTuple):
    username: str
    real_name: str
    email: str
    phone: str = ""
    id_number: str = ""
    address: str = ""
    # (role, department code or None): StaffRole rows.
    staff_roles: tuple[tuple[str, str | None], ...] = ()
    is_superuser: bool = False
    # Citizens: verified in person at a counter when loaded (False: left at "registered").
    is_verified: bool = True


ADMIN = Account(
    "admin",
    "平台管理员",
    "admin@shifan.example",
    staff_roles=(("platform_admin", None),),
    is_superuser=True,
)

CITIZENS: list[Account] = [
    Account(
        "zhangwei",
        "张伟",
        "zhangwei@shifan.example",
        "13800990001",
        _id_number("33010619880312251"),
        "示范市东城区东华社区人民路12号3单元501室",
    ),
    Account(
        "lina",
        "李娜",
        "lina@shifan.example",
        "13800990002",
        _id_number("32010219900717102"),
        "示范市滨江区望湖社区湖景苑8栋1202室",
    ),
    Account(
        "wangfang",
        "王芳",
        "wangfang@shifan.example",
        "13800990003",
        _id_number("44030519950203064"),
        "示范市高新区云谷社区创业公寓2号楼306室",
    ),
    Account(
        "liuyang",
        "刘洋",
        "liuyang@shifan.example",
        "13800990004",
        _id_number("51010719980821031"),
        "示范市东城区东华社区人民路18号2单元302室",
        is_verified=False,
    ),
]

STAFF: list[Account] = [
    Account(
        "clerk_zwb",
        "赵敏",
        "zhaomin@shifan.example",
        "13900990011",
        # The service centre's one-stop counter (综合受理窗口) accepts for the departments
        # whose joint services it hosts.
        staff_roles=(
            ("counter_clerk", "ZWB"),
            ("counter_clerk", "SCJ"),
            ("counter_clerk", "WJW"),
            ("counter_clerk", "ZJW"),
            ("counter_clerk", "XFJ"),
        ),
    ),
    Account(
        "reviewer_scj",
        "钱磊",
        "qianlei@shifan.example",
        "13900990012",
        staff_roles=(("reviewer", "SCJ"),),
    ),
    Account(
        "reviewer_wjw",
        "孙丽",
        "sunli@shifan.example",
        "13900990013",
        staff_roles=(("reviewer", "WJW"),),
    ),
    Account(
        "approver_scj",
        "周强",
        "zhouqiang@shifan.example",
        "13900990014",
        staff_roles=(("approver", "SCJ"),),
    ),
    Account(
        "reviewer_zjw",
        "冯涛",
        "fengtao@shifan.example",
        "13900990017",
        staff_roles=(("reviewer", "ZJW"),),
    ),
    Account(
        "reviewer_xfj",
        "陈静",
        "chenjing@shifan.example",
        "13900990018",
        staff_roles=(("reviewer", "XFJ"),),
    ),
    Account(
        "approver_wjw",
        "何敏",
        "hemin@shifan.example",
        "13900990019",
        staff_roles=(("approver", "WJW"),),
    ),
    Account(
        "approver_zjw",
        "许峰",
        "xufeng@shifan.example",
        "13900990020",
        staff_roles=(("approver", "ZJW"),),
    ),
    Account(
        "approver_xfj",
        "黄勇",
        "huangyong@shifan.example",
        "13900990021",
        staff_roles=(("approver", "XFJ"),),
    ),
    Account(
        "deptadmin_scj",
        "吴刚",
        "wugang@shifan.example",
        "13900990015",
        staff_roles=(("department_admin", "SCJ"),),
    ),
    Account(
        "deptadmin_gaj",
        "罗斌",
        "luobin@shifan.example",
        "13900990022",
        staff_roles=(("department_admin", "GAJ"),),
    ),
    Account(
        "deptadmin_rsj",
        "高燕",
        "gaoyan@shifan.example",
        "13900990023",
        staff_roles=(("department_admin", "RSJ"),),
    ),
    Account(
        "supervisor_zwb",
        "郑洁",
        "zhengjie@shifan.example",
        "13900990016",
        staff_roles=(("supervisor", "ZWB"),),
    ),
    Account(
        "webeditor_scj",
        "韩雪",
        "hanxue@shifan.example",
        "13900990030",
        staff_roles=(("content_editor", "SCJ"),),
    ),
    Account(
        "webreviewer_scj",
        "唐宁",
        "tangning@shifan.example",
        "13900990031",
        staff_roles=(("content_reviewer", "SCJ"),),
    ),
]


class Enterprise(NamedTuple):
    uscc: str
    name: str
    legal_representative: str  # username of the citizen
    agents: tuple[str, ...]  # usernames of authorised agents
    address: str
    region: str
    phone: str


ENTERPRISES: list[Enterprise] = [
    Enterprise(
        uscc=_uscc("990171", "MA1YF2C89"),
        name="示范市云帆科技有限公司",
        legal_representative="lina",
        agents=("wangfang",),
        address="示范市高新区创新路1号 企业服务大厦1208室",
        region="990171001002",
        phone="0999-87101208",
    ),
]

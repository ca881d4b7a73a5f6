"""The demo city's data exchange: members, subsystems, subscriptions, services and a connector.

Every department below joins the exchange as a member ``{instance}/GOV/{code}``; each runs one
subsystem. 人社局's subsystem is its 社保业务系统 (the SSO client-credentials system of the demo's
controlled sharing), so that system's bearer tokens act as the subsystem at the gateway.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

FILES = Path(__file__).resolve().parent / "files"

#: The CSV file of the market-regulation bureau's 新登记企业 connector (UTF-8).
NEW_ENTERPRISES_CSV = FILES / "new_enterprises.csv"


class DemoSubsystem(NamedTuple):
    department: str  # department code = member code
    code: str
    name: str
    contact: str
    application: str = ""  # the name of the department's SSO system bound to it


SUBSYSTEMS: list[DemoSubsystem] = [
    DemoSubsystem("GAJ", "rkxx", "人口信息管理系统", "市公安局科技信息化处 0999-88110012"),
    DemoSubsystem("GAJ", "hjxt", "户籍管理系统（遗留）", "市公安局户政管理处 0999-88110020"),
    DemoSubsystem(
        "RSJ", "sbyw", "社保业务系统", "市人社局信息中心 0999-12333-8", application="社保业务系统"
    ),
    DemoSubsystem("SCJ", "djzc", "企业登记注册系统", "市市场监管局信息中心 0999-88013010"),
    DemoSubsystem("TJJ", "tjfx", "统计数据分析系统", "市统计局数据管理处 0999-88019003"),
]


class DemoSubscription(NamedTuple):
    subscriber: str  # "<department>/<subsystem code>"
    topic: str
    requested_by: str  # a department administrator, or "" for the subscribing system itself
    purpose: str


SUBSCRIPTIONS: list[DemoSubscription] = [
    DemoSubscription(
        "RSJ/sbyw",
        "registry.person.changed",
        "deptadmin_rsj",
        "参保人员户籍、姓名等信息变更后及时更新社保档案",
    ),
    DemoSubscription(
        "SCJ/djzc",
        "registry.person.changed",
        "deptadmin_scj",
        "法定代表人身份信息变更后核对企业登记信息",
    ),
    DemoSubscription(
        "TJJ/tjfx",
        "registry.legal_entity.changed",
        "",
        "名录库（基本单位名录）更新",
    ),
    DemoSubscription(
        "TJJ/tjfx",
        "cases.case.decided",
        "",
        "政务服务办件量统计分析（不含申请人个人信息）",
    ),
]

# The REST service of 公安局: verifying a person's identity against the population registry.
POPULATION_SERVICE_CODE = "rkxxhy"
POPULATION_OPENAPI = json.dumps(
    {
        "openapi": "3.0.3",
        "info": {
            "title": "人口信息核验",
            "version": "1.0",
            "description": "按公民身份号码核验姓名、出生日期（只返回授权的数据项）。",
        },
        "paths": {
            "/read": {
                "get": {
                    "operationId": "personVerify",
                    "summary": "核验自然人身份信息",
                    "parameters": [
                        {
                            "name": "id_number",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[0-9]{17}[0-9X]$"},
                        },
                        {
                            "name": "purpose",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": {"description": "授权数据项的值"},
                        "404": {"description": "人口库中无此公民身份号码"},
                    },
                }
            }
        },
    },
    ensure_ascii=False,
    indent=2,
)

# The legacy SOAP service of the old 户籍管理系统, reached through the SOAP adapter.
HOUSEHOLD_SERVICE_CODE = "hjcx"
HOUSEHOLD_WSDL_URL = "http://hjxt.gaj.shifan.gov.cn/HjService?wsdl"
HOUSEHOLD_BASE_URL = "http://hjxt.gaj.shifan.gov.cn/HjService"

# The 新登记企业 connector: columns of the CSV file → data elements of the legal-entity registry.
CONNECTOR_NAME = "新登记企业"
CONNECTOR_MAPPING = {
    "tyshxydm": "统一社会信用代码",
    "dwmc": "单位名称",
    "fddbr": "法定代表人",
    "zcdz": "注册地址",
    "clrq": "成立日期",
}

# Calls 社保业务系统 makes through the gateway when the demo is loaded (``exchange_calls``):
# verifying insured persons against 公安局's population registry for its day-to-day work.


class DemoCall(NamedTuple):
    citizen: str  # the username of a demo citizen (``accounts.CITIZENS``): whose ID is checked
    purpose: str  # why (the registry records it and shows it to the person)
    fields: str = ""  # the registry fields asked for; "" = all the grant allows
    issue: str = ""  # X-Road-Issue: the social-security file the call is made for


POPULATION_CALLS: list[DemoCall] = [
    DemoCall("zhangwei", "参保登记身份核验", issue="参保登记 SB-2025-00107"),
    DemoCall("lina", "参保登记身份核验", issue="参保登记 SB-2025-00112"),
    DemoCall("wangfang", "参保登记身份核验", "name,birth_on", "参保登记 SB-2025-00118"),
    DemoCall("zhangwei", "社会保障卡申领核验", "name", "社保卡申领 SK-2025-03321"),
    DemoCall("liuyang", "灵活就业人员参保核验", issue="参保登记 SB-2025-00131"),
    DemoCall("lina", "生育保险待遇申领核验", "name,birth_on", "待遇申领 DY-2025-00452"),
    DemoCall("wangfang", "失业保险金申领核验", issue="待遇申领 DY-2025-00467"),
    DemoCall("liuyang", "社会保障卡申领核验", "name", "社保卡申领 SK-2025-03340"),
    DemoCall("zhangwei", "养老保险关系转移接续核验", "birth_on", "转移接续 ZY-2025-00089"),
    DemoCall("lina", "医疗保险参保信息变更核验", issue="信息变更 BG-2025-00214"),
]
#: A service code that is not registered (a typo of 人口信息核验's code): answered 404.
UNKNOWN_SERVICE_CODE = "rkxxcx"

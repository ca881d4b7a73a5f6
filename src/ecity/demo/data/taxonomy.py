"""Themes and life events the demo city's services are browsed by."""

from __future__ import annotations

from typing import NamedTuple

from ecity.demo.data.blocks import G2B, G2C


class Topic(NamedTuple):
    code: str
    audience: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str


THEMES: list[Topic] = [
    # For citizens
    Topic(
        "social-security",
        G2C,
        "社会保障",
        "Social security",
        "养老、失业、工伤等社会保险的参保、缴费与待遇。",
        "Joining social insurance, contributions and benefits.",
    ),
    Topic(
        "health-care",
        G2C,
        "医疗卫生",
        "Health care",
        "出生医学证明、医保备案与报销等医疗卫生服务。",
        "Birth certificates, medical insurance and other health services.",
    ),
    Topic(
        "household-id",
        G2C,
        "公安户政",
        "Residence and identity",
        "户口登记、居民身份证、出入境证件。",
        "Household registration, ID cards, passports.",
    ),
    Topic(
        "housing",
        G2C,
        "住房保障",
        "Housing and property",
        "公共租赁住房、不动产登记与购房税费。",
        "Public rental housing, property registration and taxes.",
    ),
    Topic(
        "education",
        G2C,
        "教育",
        "Education",
        "义务教育入学等教育服务。",
        "School enrolment and other education services.",
    ),
    Topic(
        "marriage-family",
        G2C,
        "民政婚育",
        "Marriage and family",
        "婚姻登记、生育与社会救助。",
        "Marriage registration, childbirth and social assistance.",
    ),
    Topic(
        "employment",
        G2C,
        "就业创业",
        "Jobs and employment",
        "失业保险、个体经营与就业服务。",
        "Unemployment benefits, self-employment and job services.",
    ),
    # For enterprises
    Topic(
        "market-access",
        G2B,
        "市场准入",
        "Market access",
        "开办企业、个体工商户登记和经营许可。",
        "Starting a business, registering as self-employed, operating licences.",
    ),
    Topic(
        "tax",
        G2B,
        "税费服务",
        "Tax services",
        "发票、纳税申报等税费服务。",
        "Invoices, tax returns and other tax services.",
    ),
    Topic(
        "construction",
        G2B,
        "工程建设",
        "Construction projects",
        "施工许可、消防验收等工程建设项目审批。",
        "Construction permits, fire safety acceptance and other project approvals.",
    ),
    Topic(
        "public-health-permits",
        G2B,
        "卫生许可",
        "Health permits",
        "公共场所卫生许可、医疗执业许可。",
        "Public venue hygiene permits, medical practice.",
    ),
    Topic(
        "environment",
        G2B,
        "生态环保",
        "Environmental protection",
        "建设项目环境影响评价审批。",
        "Environmental impact assessment of projects.",
    ),
    Topic(
        "transport",
        G2B,
        "交通运输",
        "Transport and logistics",
        "道路运输经营许可。",
        "Road transport operating licences.",
    ),
    Topic(
        "employer-services",
        G2B,
        "用工社保",
        "Employers and social insurance",
        "单位社会保险登记与用工服务。",
        "Employer registration for social insurance.",
    ),
]

LIFE_EVENTS: list[Topic] = [
    Topic(
        "birth",
        G2C,
        "生育",
        "Having a baby",
        "从出生医学证明到新生儿落户、参保。",
        "From the birth certificate to household registration and insurance.",
    ),
    Topic(
        "schooling",
        G2C,
        "上学",
        "Starting school",
        "适龄儿童入学登记。",
        "School enrolment for children of school age.",
    ),
    Topic(
        "employment",
        G2C,
        "就业",
        "Work and job loss",
        "就业、失业与个体经营。",
        "Working, losing a job, becoming self-employed.",
    ),
    Topic(
        "marriage",
        G2C,
        "婚姻登记",
        "Getting married",
        "结婚登记及相关证件办理。",
        "Marriage registration and related papers.",
    ),
    Topic(
        "home-buying",
        G2C,
        "购房",
        "Buying a home",
        "购房税费与不动产登记。",
        "Property taxes and registration.",
    ),
    Topic(
        "retirement",
        G2C,
        "退休",
        "Retiring",
        "退休待遇核定与养老保险。",
        "Pension entitlement and old-age insurance.",
    ),
    Topic(
        "pension",
        G2C,
        "养老",
        "Old age",
        "城乡居民养老保险与养老服务。",
        "Residents' pension insurance and elderly care.",
    ),
    Topic(
        "travel-abroad",
        G2C,
        "出国（境）",
        "Travelling abroad",
        "护照等出入境证件。",
        "Passports and other travel documents.",
    ),
    Topic(
        "hardship",
        G2C,
        "生活困难",
        "Financial hardship",
        "最低生活保障等社会救助。",
        "Minimum living allowance and other assistance.",
    ),
    Topic(
        "start-business",
        G2B,
        "开办企业",
        "Starting a business",
        "营业执照、公章、发票、社保登记一次办成。",
        "Licence, company seal, invoices and social insurance in one go.",
    ),
    Topic(
        "open-restaurant",
        G2B,
        "开餐馆",
        "Opening a restaurant or shop",
        "个体工商户登记、食品经营许可、卫生许可与营业前消防安全检查，可“一件事一次办”。",
        "Registration, food business licence, hygiene permit and fire safety check, in one go.",
    ),
    Topic(
        "build-project",
        G2B,
        "工程建设项目",
        "Building a project",
        "从环评、施工许可到消防验收。",
        "From environmental assessment to construction permit and fire safety acceptance.",
    ),
    Topic(
        "hiring",
        G2B,
        "招用员工",
        "Hiring staff",
        "单位参保登记等用工服务。",
        "Registering employees for social insurance.",
    ),
]

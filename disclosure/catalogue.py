"""The default catalogue and credit lists (DESIGN.md, "Public contract").

Periods per NDRC Order 36 (信用修复管理办法, in force 2026-04-01) and
国办发〔2025〕22号: minor at most 3 months and not disclosed by default,
general 3 months minimum / 1 year maximum, serious 1 year / 3 years (the
model defaults). Installed by migration 0003; tests that flush the database
install it again.
"""

from __future__ import annotations

CATEGORIES = [
    {
        "code": "admin_penalty",
        "section": "penalty",
        "name": "行政处罚",
        "name_en": "Administrative penalty",
        "polarity": "negative",
        "repairable": True,
        "legal_basis": "《中华人民共和国行政处罚法》第四十八条；《信用修复管理办法》（国家发展改革委令第36号）",
        "description": "行政机关依法作出的行政处罚决定。一般失信行为公示期最短3个月、最长1年；严重失信行为最短1年、最长3年；轻微失信行为原则上不公示。",
    },
    {
        "code": "admin_license",
        "section": "licence",
        "name": "行政许可",
        "name_en": "Administrative licence",
        "polarity": "positive",
        "repairable": False,
        "positive_months": None,
        "legal_basis": "《中华人民共和国行政许可法》第四十条",
        "description": "行政机关依法作出的行政许可决定，在许可有效期内公示。",
    },
    {
        "code": "credit_commitment",
        "section": "commitment",
        "name": "信用承诺",
        "name_en": "Credit commitment",
        "polarity": "positive",
        "repairable": False,
        "positive_months": 36,
        "legal_basis": "《关于健全社会信用体系的意见》（中办发〔2025〕22号）",
        "description": "信用主体作出的书面信用承诺，包括信用修复时签署的信用承诺书，作为公共信用信息公示。",
    },
    {
        "code": "honour",
        "section": "honour",
        "name": "诚实守信相关荣誉",
        "name_en": "Honours for integrity",
        "polarity": "positive",
        "repairable": False,
        "positive_months": 36,
        "legal_basis": "《关于健全社会信用体系的意见》（中办发〔2025〕22号）",
        "description": "各级机关授予的诚实守信相关荣誉，在有效期内公示。",
    },
    {
        "code": "judicial",
        "section": "dishonesty",
        "name": "司法判决及执行",
        "name_en": "Judgments and enforcement",
        "polarity": "negative",
        "repairable": False,
        "legal_basis": "《最高人民法院关于公布失信被执行人名单信息的若干规定》",
        "description": "人民法院的生效裁判及执行信息。其信用修复由人民法院依法办理，不经本平台。",
    },
    {
        "code": "illegal_fundraising",
        "section": "dishonesty",
        "name": "非法集资",
        "name_en": "Illegal fund-raising",
        "polarity": "negative",
        "repairable": False,
        "legal_basis": "《防范和处置非法集资条例》；《信用修复管理办法》第七条（法律、法规规定不可修复的除外）",
        "description": "非法集资相关失信信息，依法不予修复。",
    },
    {
        "code": "telecom_fraud",
        "section": "dishonesty",
        "name": "电信网络诈骗",
        "name_en": "Telecom and online fraud",
        "polarity": "negative",
        "repairable": False,
        "legal_basis": "《中华人民共和国反电信网络诈骗法》第三十一条",
        "description": "电信网络诈骗相关失信信息，依法不予修复。",
    },
]

# Months on a list before an exit by repair can be applied for (NDRC Order
# 36: one year for the severe dishonesty list; a procurement ban runs at least
# one year). Lists not named here can be left as soon as the subject corrects.
LIST_REPAIR_MIN_MONTHS = {"severe_dishonesty": 12, "procurement_violation": 12}

# Maximum months on each list, counted from the entry date (DESIGN.md,
# "Lists"): 国办发〔2025〕22号 caps serious dishonesty information at 3 years
# unless a law or administrative regulation provides otherwise; a procurement
# ban runs 1 to 3 years (Government Procurement Law art. 77) and ends the
# listing when it ends; an A-level rating is annual.
LIST_MAX_MONTHS = {
    "severe_dishonesty": (
        36,
        "《关于健全社会信用体系的意见》（中办发〔2025〕22号）：严重失信信息公示期最长不超过3年，法律、行政法规另有规定的除外",
    ),
    "dishonest_judgment_debtor": (
        36,
        "《最高人民法院关于公布失信被执行人名单信息的若干规定》第六条：纳入期限一般为二年，有加重情节的可延长一至三年",
    ),
    "major_tax_violation": (36, "《重大税收违法失信主体信息公布管理办法》（国家税务总局令第54号）：公布期限为3年"),
    "procurement_violation": (
        36,
        "《中华人民共和国政府采购法》第七十七条：一至三年内禁止参加政府采购活动；禁止期限届满即移出",
    ),
    "abnormal_operation": (36, "《企业经营异常名录管理暂行办法》：列入满3年未移出的，列入严重违法失信企业名单"),
    "a_level_taxpayer": (12, "《纳税信用管理办法》：纳税信用按年度评价"),
}
LISTS_EXIT_AT_BAN_END = {"procurement_violation"}

# Negative lists that are not lists of dishonest subjects (失信主体名单):
# 经营异常名录 is a market-supervision warning list (企业经营异常名录管理暂行办法)
# that a subject leaves by filing what it owed; only after 3 years uncorrected
# does it lead to the severe dishonesty list. Reports and counts of "lists of
# dishonest subjects" leave these out.
NOT_DISHONESTY_LISTS = frozenset({"abnormal_operation"})

LISTS = [
    (
        "severe_dishonesty",
        "严重失信主体名单",
        "Severe dishonesty list",
        "negative",
        True,
        "《失信行为纠正后的信用信息修复管理办法》；《信用修复管理办法》（国家发展改革委令第36号）",
        "列入满1年（法律法规另有规定的除外）、已履行相关义务、作出信用承诺后，可申请信用修复移出名单；最长不超过3年。",
    ),
    (
        "dishonest_judgment_debtor",
        "失信被执行人",
        "Dishonest judgment debtors",
        "negative",
        False,
        "《最高人民法院关于公布失信被执行人名单信息的若干规定》",
        "履行生效法律文书确定的义务或符合法定情形的，由人民法院决定删除，不经本平台修复。",
    ),
    (
        "major_tax_violation",
        "重大税收违法失信主体",
        "Major tax violation subjects",
        "negative",
        True,
        "《重大税收违法失信主体信息公布管理办法》（国家税务总局令第54号）",
        "公布期满3年或补缴税款、滞纳金、罚款后，经税务机关确认可提前停止公布。",
    ),
    (
        "procurement_violation",
        "政府采购严重违法失信行为记录名单",
        "Government procurement serious violations",
        "negative",
        True,
        "《中华人民共和国政府采购法》第七十七条；《政府采购法实施条例》",
        "禁止参加政府采购活动期限届满后移出。",
    ),
    (
        "abnormal_operation",
        "经营异常名录",
        "Abnormal operations list",
        "negative",
        True,
        "《企业经营异常名录管理暂行办法》",
        "履行公示义务、纠正相关情形后，可申请移出；列入满3年仍未纠正的，列入严重违法失信名单。",
    ),
    (
        "a_level_taxpayer",
        "纳税信用A级纳税人",
        "A-level taxpayers",
        "positive",
        False,
        "《纳税信用管理办法》",
        "按年度评价，评价年度结束后更新。",
    ),
]


def install_defaults(Category, CreditList) -> None:  # noqa: N803 (historical or current model classes)
    """Create or reset the default categories and lists; idempotent."""
    for ordering, fields in enumerate(CATEGORIES):
        fields = dict(fields)
        if not any(field.name == "section" for field in Category._meta.fields):
            # Migration 0003 runs before the field exists (0008).
            fields.pop("section")
        Category.objects.update_or_create(code=fields.pop("code"), defaults={**fields, "ordering": ordering})
    for ordering, (code, name, name_en, polarity, repairable, basis, rules) in enumerate(LISTS):
        CreditList.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "polarity": polarity,
                "repairable": repairable,
                "legal_basis": basis,
                "exit_rules": rules,
                "ordering": ordering,
                **_fields_if_present(CreditList, code),
            },
        )


def _fields_if_present(CreditList, code: str) -> dict:  # noqa: N803
    """Rules of fields added after migration 0003 (0007, 0008), for the
    historical models that have them."""
    names = {field.name for field in CreditList._meta.fields}
    fields: dict = {}
    if "repair_min_months" in names:
        fields["repair_min_months"] = LIST_REPAIR_MIN_MONTHS.get(code, 0)
    if "max_months" in names:
        fields["max_months"], fields["max_months_basis"] = LIST_MAX_MONTHS[code]
        fields["exit_at_ban_end"] = code in LISTS_EXIT_AT_BAN_END
    return fields

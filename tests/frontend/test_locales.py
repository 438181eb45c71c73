"""The UI's message files (frontend/src/i18n/locales): zh-CN.json and en.json hold the same keys, each plural
with the forms its language has, the same placeholders, and a message for every code the server can send.

tsc checks that every key the code uses is in en.json (t() is typed by it); these tests check the rest.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from server.domain import errors
from server.domain.painpoints.quality import RejectionCode

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "frontend" / "src" / "i18n" / "locales"
LANGUAGES = ("zh-CN", "en")
PLURAL = re.compile(r"^(?P<base>.+)_(?P<form>zero|one|two|few|many|other)$")
PLACEHOLDER = re.compile(r"{{\s*([A-Za-z_]\w*)\s*(?:,[^}]*)?}}")


def _leaves(tree: dict[str, object], prefix: str = "") -> Iterator[tuple[str, object]]:
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _leaves(value, f"{path}.")
        else:
            yield path, value


@cache
def messages(language: str) -> dict[str, str]:
    """Every key of a locale file (dotted) and its message."""
    tree = json.loads((LOCALES / f"{language}.json").read_text(encoding="utf-8"))
    leaves = dict(_leaves(tree))
    assert all(isinstance(value, str) for value in leaves.values()), f"{language}: a message is not a string"
    return {key: str(value) for key, value in leaves.items()}


def _base_keys(language: str) -> dict[str, set[str]]:
    """Keys without their plural suffix -> the plural forms present ("" for a key that is not plural)."""
    bases: dict[str, set[str]] = {}
    for key in messages(language):
        match = PLURAL.match(key)
        base, form = (match["base"], match["form"]) if match else (key, "")
        bases.setdefault(base, set()).add(form)
    return bases


@pytest.fixture(scope="module")
def plural_forms() -> dict[str, set[str]]:
    """The plural categories Intl.PluralRules gives each language (what i18next asks for), from Node."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is missing: it says which plural forms each language has")
    script = (
        "const out = {};"
        f"for (const l of {json.dumps(LANGUAGES)}) out[l] = new Intl.PluralRules(l).resolvedOptions().pluralCategories;"
        "console.log(JSON.stringify(out));"
    )
    answer = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True, timeout=30)
    return {language: set(forms) for language, forms in json.loads(answer.stdout).items()}


def test_both_languages_have_the_same_keys() -> None:
    zh, en = _base_keys("zh-CN"), _base_keys("en")
    assert sorted(set(en) - set(zh)) == [], "in en.json but not in zh-CN.json"
    assert sorted(set(zh) - set(en)) == [], "in zh-CN.json but not in en.json"


@pytest.mark.node
def test_each_plural_has_exactly_the_forms_of_its_language(plural_forms: dict[str, set[str]]) -> None:
    # Chinese has one form ("other"), English two ("one", "other"): a key is plural in both files or neither.
    assert plural_forms["zh-CN"] == {"other"}
    for language in LANGUAGES:
        for base, forms in _base_keys(language).items():
            if forms != {""}:
                assert forms == plural_forms[language], (
                    f"{language}: {base} has the plural forms {sorted(forms)}"
                )
    plural = {base for base, forms in _base_keys("en").items() if forms != {""}}
    assert plural == {base for base, forms in _base_keys("zh-CN").items() if forms != {""}}
    assert plural, "the files have no plural at all: the check above checked nothing"


def _placeholders(message: str) -> set[str]:
    return set(PLACEHOLDER.findall(message))


def test_both_languages_fill_in_the_same_placeholders() -> None:
    # Error messages may differ: English repeats the server's sentence ({{server}}), Chinese says it itself.
    zh, en = messages("zh-CN"), messages("en")
    for base in _base_keys("en"):
        if base.startswith("errors."):
            continue
        en_names = set().union(
            *(_placeholders(v) for k, v in en.items() if k == base or k.startswith(f"{base}_"))
        )
        zh_names = set().union(
            *(_placeholders(v) for k, v in zh.items() if k == base or k.startswith(f"{base}_"))
        )
        assert zh_names == en_names, f"{base}: zh-CN fills in {sorted(zh_names)}, en {sorted(en_names)}"


def test_no_message_is_empty_or_a_stray_brace() -> None:
    for language in LANGUAGES:
        for key, message in messages(language).items():
            assert message.strip(), f"{language}: {key} is empty"
            assert PLACEHOLDER.sub("", message).count("{") == 0, f"{language}: {key} has a broken placeholder"


# Messages that read the same in both languages: the product's name, formatting letters, a formula, units.
SAME_IN_BOTH = {
    "shell.brand",
    "warroom.toolbar.boldLabel",
    "warroom.toolbar.italicLabel",
    "heatmaps.weight",
    "materials.size.kib",
    "materials.size.mib",
}


def test_only_language_neutral_messages_are_the_same_in_both_files() -> None:
    # A Chinese message copied from English ("Save") is an untranslated one, however short.
    en = messages("en")
    same = {key for key, message in messages("zh-CN").items() if en.get(key) == message}
    assert same == SAME_IN_BOTH


def test_the_chinese_messages_are_chinese() -> None:
    # Two English words in a row, outside placeholders, is an untranslated sentence (names such as
    # "Warroom", shortcuts such as "Ctrl+B" and a lone example word are fine).
    english = re.compile(r"\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\b")
    for key, message in messages("zh-CN").items():
        text = PLACEHOLDER.sub("", message)
        assert not english.search(text), f"zh-CN: {key} reads as English: {message!r}"


def _codes_in_source() -> set[str]:
    """Codes the server puts in `extensions.code` outside the DomainError classes (middleware, masking)."""
    found: set[str] = set()
    pattern = re.compile(r"""["']code["']\s*[:,]\s*["']([A-Z_]+)["']|\\?"code\\?"\s*:\s*\\?"([A-Z_]+)""")
    for path in (ROOT / "server").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        text = text.replace("{{", "{").replace("}}", "}")  # f-string bodies
        for match in pattern.finditer(text):
            found.add(match[1] or match[2])
    return found


def _domain_codes() -> set[str]:
    classes: list[type[errors.DomainError]] = [errors.DomainError]
    codes: set[str] = set()
    while classes:
        current = classes.pop()
        codes.add(current.code)
        classes.extend(current.__subclasses__())
    return codes


def test_every_error_code_the_server_sends_has_a_message_in_both_languages() -> None:
    codes = _domain_codes() | _codes_in_source()
    # What the tests above rely on: the masking of unexpected errors and the body-size middleware are found.
    assert {"INTERNAL", "GRAPHQL_VALIDATION_FAILED", "PAYLOAD_TOO_LARGE", "RATE_LIMITED"} <= codes
    # /healthz answers DATABASE_UNAVAILABLE to monitors, never to the UI.
    codes.discard("DATABASE_UNAVAILABLE")
    for language in LANGUAGES:
        missing = sorted(code for code in codes if f"errors.codes.{code}" not in messages(language))
        assert missing == [], f"{language}: no message for the server's codes {missing}"


def test_every_error_reason_the_server_sends_has_a_message_in_both_languages() -> None:
    # `extensions.reason` says what clashed; the Chinese UI words it, not the server's English sentence.
    for language in LANGUAGES:
        missing = sorted(
            reason.value for reason in errors.Reason if f"errors.reasons.{reason.value}" not in messages(language)
        )
        assert missing == [], f"{language}: no message for the reasons {missing}"


def test_every_quality_gate_refusal_has_a_message_in_both_languages() -> None:
    for language in LANGUAGES:
        missing = sorted(
            code.value
            for code in RejectionCode
            if f"painpoints.rejections.{code.value}" not in messages(language)
        )
        assert missing == [], f"{language}: no message for the refusals {missing}"


def _enum(name: str) -> set[str]:
    schema = (ROOT / "graphql" / "schema.graphql").read_text(encoding="utf-8")
    body = re.search(rf"enum {name} {{(.*?)}}", schema, re.DOTALL)
    assert body, f"the schema has no enum {name}"
    return {line.strip() for line in body[1].splitlines() if re.fullmatch(r"\s*[A-Z_]+\s*", line)}


@pytest.mark.parametrize(
    ("enum", "prefix"),
    [
        ("PointAction", "points.actions"),
        ("RewardKind", "points.kinds"),
        ("RedemptionStatus", "points.statuses"),
        ("UserRole", "roles.user"),
        ("CaseRole", "roles.case"),
        ("CaseRole", "roles.caseName"),
        ("PainPointStatus", "painpoints.status"),
        ("PainPointStatus", "painpoints.meaning"),
        ("SnapshotKind", "versions.kinds"),
        ("ActivityKind", "heatmaps.kindNames"),
    ],
)
def test_every_value_of_the_contract_the_ui_names_has_a_name(enum: str, prefix: str) -> None:
    values = _enum(enum)
    assert values
    for language in LANGUAGES:
        assert {value for value in values if f"{prefix}.{value}" not in messages(language)} == set(), language

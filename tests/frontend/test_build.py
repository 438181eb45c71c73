"""The frontend build checks the code against the GraphQL contract: codegen fails on an operation the schema
no longer answers, tsc on a field the code reads that no operation selects, and scripts/build-frontend rebuilds
when the schema or an operation changes.

Each check runs on a copy of frontend/ and graphql/ (sharing frontend/node_modules), so it can break the copy.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.js_packages import ensure_installed

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"


def _copy(tmp_path: Path, names: list[str]) -> Path:
    """Copies graphql/ and `names` of frontend/ (never node_modules, dist or generated types) into tmp_path."""
    shutil.copytree(ROOT / "graphql", tmp_path / "graphql")
    frontend = tmp_path / "frontend"
    frontend.mkdir()
    for name in names:
        source = FRONTEND / name
        if source.is_dir():
            shutil.copytree(source, frontend / name, ignore=shutil.ignore_patterns("generated"))
        else:
            shutil.copy2(source, frontend / name)
    return frontend


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of frontend/ that codegen and tsc can run in, beside a copy of graphql/."""
    ensure_installed(FRONTEND)
    frontend = _copy(tmp_path, ["src", "codegen.ts", "tsconfig.json", "package.json"])
    (frontend / "node_modules").symlink_to(FRONTEND / "node_modules")
    return frontend


def _run(frontend: Path, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    binary = frontend / "node_modules" / ".bin" / tool
    return subprocess.run(
        [str(binary), *args], cwd=frontend, capture_output=True, text=True, timeout=90, check=False
    )


def _codegen(frontend: Path) -> subprocess.CompletedProcess[str]:
    return _run(frontend, "graphql-codegen", "--config", "codegen.ts")


def _tsc(frontend: Path) -> subprocess.CompletedProcess[str]:
    return _run(frontend, "tsc", "--noEmit", "-p", "tsconfig.json")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path.name} no longer holds {old!r}: pick another field for this test"
    path.write_text(text.replace(old, new, 1))


def test_the_build_generates_the_types_and_type_checks_before_bundling() -> None:
    scripts = json.loads((FRONTEND / "package.json").read_text())["scripts"]
    assert scripts["build"].startswith("npm run typecheck &&")
    assert scripts["typecheck"].startswith("npm run codegen && tsc --noEmit -p tsconfig.json")


def test_the_code_type_checks_against_the_generated_types(copy: Path) -> None:
    generated = _codegen(copy)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert (copy / "src" / "api" / "generated" / "graphql.ts").exists()
    checked = _tsc(copy)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_schema_change_that_breaks_an_operation_fails_codegen(copy: Path) -> None:
    schema = copy.parent / "graphql" / "schema.graphql"
    _edit(
        schema,
        "type Case {\n  id: ID!\n  title: String!\n  customer: String!",
        "type Case {\n  id: ID!\n  title: String!\n  client: String!",
    )
    generated = _codegen(copy)
    assert generated.returncode != 0
    assert 'Cannot query field "customer" on type "Case"' in generated.stdout + generated.stderr


def test_a_field_the_code_reads_but_the_operation_does_not_select_fails_tsc(copy: Path) -> None:
    # cases/row.ts shows each case's preview from the Cases query's CaseListFields.
    _edit(
        copy.parent / "graphql" / "operations" / "cases.graphql",
        "  archivedAt\n  preview\n",
        "  archivedAt\n",
    )
    generated = _codegen(copy)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    checked = _tsc(copy)
    assert checked.returncode != 0
    assert "src/cases/row.ts" in checked.stdout
    assert "Property 'preview' does not exist" in checked.stdout


def test_a_message_key_that_is_not_in_the_english_messages_fails_tsc(copy: Path) -> None:
    # t() is typed by src/i18n/locales/en.json (src/i18n/i18next.d.ts): a misspelt key is a build error,
    # not a raw key on the page.
    _edit(copy / "src" / "pages" / "cases.ts", 't("cases.heading")', 't("cases.headline")')
    generated = _codegen(copy)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    checked = _tsc(copy)
    assert checked.returncode != 0
    assert "src/pages/cases.ts" in checked.stdout
    assert "cases.headline" in checked.stdout


@pytest.mark.parametrize("changed", ["graphql/schema.graphql", "graphql/operations/cases.graphql"])
def test_build_frontend_rebuilds_when_the_contract_changes(tmp_path: Path, changed: str) -> None:
    frontend = _copy(
        tmp_path,
        [
            "src",
            "index.html",
            "vite.config.ts",
            "codegen.ts",
            "tsconfig.json",
            "tsconfig.node.json",
            "package.json",
            "package-lock.json",
        ],
    )
    (tmp_path / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "build-frontend", tmp_path / "scripts" / "build-frontend")
    (frontend / "node_modules").mkdir()
    (frontend / "node_modules" / ".package-lock.json").write_text("{}")
    (frontend / "dist").mkdir()
    (frontend / "dist" / "index.html").write_text("<!doctype html>")
    # A stand-in npm records what the script asks of it.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "npm-calls"
    (bin_dir / "npm").write_text(f'#!/bin/sh\necho "$@" >> "{calls}"\n')
    (bin_dir / "npm").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}

    def build() -> list[str]:
        calls.unlink(missing_ok=True)
        script = tmp_path / "scripts" / "build-frontend"
        subprocess.run([str(script)], env=env, check=True, capture_output=True, timeout=30)
        return calls.read_text().splitlines() if calls.exists() else []

    # Every source older than dist/index.html, and node_modules newer than the lock: nothing to do.
    old = 1_700_000_000
    for path in tmp_path.rglob("*"):
        os.utime(path, (old, old))
    for path in [frontend / "dist" / "index.html", frontend / "node_modules" / ".package-lock.json"]:
        os.utime(path, (old + 100, old + 100))
    assert build() == []

    os.utime(tmp_path / changed, (old + 200, old + 200))
    assert build() == ["run build"]

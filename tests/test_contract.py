"""The API contract as files: the committed SDL matches the code, and every named operation validates."""

from pathlib import Path

from graphql import build_schema, parse, validate
from server.api.schema import build_schema as build_server_schema

ROOT = Path(__file__).resolve().parents[1]
SDL = ROOT / "graphql" / "schema.graphql"
OPERATIONS = sorted((ROOT / "graphql" / "operations").glob("*.graphql"))


def test_committed_schema_matches_the_code() -> None:
    exported = build_server_schema().as_str() + "\n"
    assert SDL.read_text() == exported, (
        "graphql/schema.graphql is out of date: run `python -m server export-schema -o graphql/schema.graphql`"
    )


def test_every_operation_file_validates_against_the_schema() -> None:
    assert OPERATIONS, "graphql/operations/ holds no operations"
    schema = build_schema(SDL.read_text())
    names: set[str] = set()
    for path in OPERATIONS:
        document = parse(path.read_text())
        errors = validate(schema, document)
        assert not errors, f"{path.name}: {[e.message for e in errors]}"
        for definition in document.definitions:
            name = getattr(getattr(definition, "name", None), "value", None)
            if definition.kind == "operation_definition":
                assert name, f"{path.name}: every operation needs a name"
                assert name not in names, f"operation {name} is defined twice"
                names.add(name)

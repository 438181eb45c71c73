"""The named operations of graphql/operations/*.graphql, each with the fragments it uses, as the
frontend sends them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    OperationDefinitionNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

OPERATIONS = Path(__file__).resolve().parents[2] / "graphql" / "operations"


@cache
def _definitions() -> tuple[dict[str, OperationDefinitionNode], dict[str, FragmentDefinitionNode]]:
    operations: dict[str, OperationDefinitionNode] = {}
    fragments: dict[str, FragmentDefinitionNode] = {}
    for path in sorted(OPERATIONS.glob("*.graphql")):
        for definition in parse(path.read_text()).definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                operations[definition.name.value] = definition
            elif isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = definition
    return operations, fragments


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args: object) -> None:
        self.names.append(node.name.value)


def operation(name: str) -> str:
    """The document for one named operation: it and the fragments it spreads, transitively."""
    operations, fragments = _definitions()
    needed: dict[str, FragmentDefinitionNode] = {}
    pending: list[OperationDefinitionNode | FragmentDefinitionNode] = [operations[name]]
    while pending:
        spreads = _Spreads()
        visit(pending.pop(), spreads)
        for spread in spreads.names:
            if spread not in needed:
                needed[spread] = fragments[spread]
                pending.append(fragments[spread])
    return print_ast(DocumentNode(definitions=(operations[name], *needed.values())))

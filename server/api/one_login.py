"""One `login` per request: aliases would otherwise let one POST try many passwords at once."""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, GraphQLError, ValidationContext, ValidationRule

FIELD = "login"


class OneLogin(ValidationRule):
    """Refuses a document that selects the `login` mutation more than once (aliases, fragments)."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.seen = 0

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        if node.name.value != FIELD:
            return
        parent = self.context.get_parent_type()
        mutation = self.context.schema.mutation_type
        if parent is None or mutation is None or parent is not mutation:
            return
        self.seen += 1
        if self.seen == 2:
            self.report_error(
                GraphQLError("Only one login is allowed per request; send each sign-in on its own.", node)
            )

"""Recursive-descent parser: lexemes → query tree.

Grammar (loosest binding first)::

    query   := or EOF
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*          adjacent terms mean AND
    unary   := ("NOT" | "-") unary | near
    near    := primary (("NEAR/n" | "ONEAR/n") primary)*
    primary := [field ":"] ( "(" or ")" | WORD | "PHRASE"[~n] | {CASE} )

so NOT binds tighter than AND, which binds tighter than OR, and NEAR binds
tightest of all: ``a OR b NEAR/3 c`` is ``a OR (b NEAR/3 c)``. A field prefix
is pushed down to every term below it.
"""

from __future__ import annotations

from vigil.lib.i18n import gettext_noop
from vigil.monitoring.query.errors import QuerySyntaxError
from vigil.monitoring.query.lexer import Lexeme, lex
from vigil.monitoring.query.nodes import (
    DEFAULT_FIELDS,
    And,
    Near,
    Node,
    Not,
    Or,
    Positional,
    Slop,
    Term,
)
from vigil.monitoring.query.terms import build_term, build_value

__all__ = ["parse_tree"]

_VALUE_FIELDS = ("site", "lang", "channel")
_STARTS = ("WORD", "PHRASE", "CASE", "FIELD", "LP", "NOT")
_MAX_DEPTH = 64


def parse_tree(query: str) -> Node:
    """Parse ``query`` into a tree, or raise :class:`QuerySyntaxError`."""
    if not query.strip():
        raise QuerySyntaxError(gettext_noop("empty query"), 1)
    return _Parser(lex(query)).parse()


class _Parser:
    def __init__(self, lexemes: list[Lexeme]) -> None:
        self.lexemes = lexemes
        self.pos = 0
        self.fields: tuple[str, ...] | None = None
        self.depth = 0

    def peek(self) -> Lexeme:
        return self.lexemes[self.pos]

    def take(self) -> Lexeme:
        lexeme = self.lexemes[self.pos]
        self.pos += 1
        return lexeme

    def parse(self) -> Node:
        node = self.parse_or()
        end = self.peek()
        if end.kind == "RP":
            raise QuerySyntaxError(gettext_noop("unmatched )"), end.column)
        return node

    def need_operand(self, operator: Lexeme, kinds: tuple[str, ...] = _STARTS) -> None:
        if self.peek().kind not in kinds:
            name = operator.text or operator.kind
            raise QuerySyntaxError(
                gettext_noop("dangling operator {name}: nothing after it"),
                operator.column,
                name=name,
            )

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while self.peek().kind == "OR":
            operator = self.take()
            self.need_operand(operator)
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node:
        items = [self.parse_unary()]
        while True:
            kind = self.peek().kind
            if kind == "AND":
                operator = self.take()
                self.need_operand(operator)
            elif kind not in _STARTS:
                break
            items.append(self.parse_unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self) -> Node:
        negations = 0
        while self.peek().kind == "NOT":
            operator = self.take()
            self.need_operand(operator)
            negations += 1
        node = self.parse_near()
        for _ in range(negations):
            node = Not(node)
        return node

    def parse_near(self) -> Node:
        start = self.peek()
        node = self.parse_primary()
        while self.peek().kind == "NEAR":
            operator = self.take()
            self.need_operand(operator, ("WORD", "PHRASE", "CASE", "FIELD", "LP"))
            right_start = self.peek()
            right = self.parse_primary()
            node = Near(
                self.positional(node, start),
                self.positional(right, right_start),
                operator.number,
                operator.ordered,
            )
        return node

    def positional(self, node: Node, start: Lexeme) -> Positional:
        if isinstance(node, Positional) and all(
            isinstance(child, Positional) for child in node.walk()
        ):
            return node
        raise QuerySyntaxError(
            gettext_noop("NEAR needs a term, a phrase or an OR-group of them on each side"),
            start.column,
        )

    def parse_primary(self) -> Node:
        lexeme = self.take()
        kind = lexeme.kind
        if kind == "FIELD":
            return self.parse_field(lexeme)
        if kind == "LP":
            return self.parse_group(lexeme)
        if kind in ("WORD", "PHRASE", "CASE"):
            return self.leaf(lexeme)
        if kind == "RP":
            raise QuerySyntaxError(gettext_noop("unmatched )"), lexeme.column)
        name = lexeme.text or lexeme.kind
        raise QuerySyntaxError(
            gettext_noop("dangling operator {name}: nothing before it"), lexeme.column, name=name
        )

    def parse_field(self, lexeme: Lexeme) -> Node:
        if self.fields is not None:
            raise QuerySyntaxError(
                gettext_noop("a field cannot be used inside another field"), lexeme.column
            )
        if self.peek().kind not in ("WORD", "PHRASE", "CASE", "LP"):
            raise QuerySyntaxError(
                gettext_noop("{field}: needs a term right after it"),
                lexeme.column,
                field=lexeme.text,
            )
        self.fields = (lexeme.text,)
        try:
            return self.parse_primary()
        finally:
            self.fields = None

    def parse_group(self, opening: Lexeme) -> Node:
        if self.peek().kind == "RP":
            raise QuerySyntaxError(gettext_noop("empty parentheses"), opening.column)
        if self.peek().kind == "END":
            raise QuerySyntaxError(gettext_noop("unclosed ("), opening.column)
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise QuerySyntaxError(gettext_noop("parentheses nested too deeply"), opening.column)
        node = self.parse_or()
        self.depth -= 1
        if self.take().kind != "RP":
            raise QuerySyntaxError(gettext_noop("unclosed ("), opening.column)
        return node

    def leaf(self, lexeme: Lexeme) -> Node:
        fields = self.fields or DEFAULT_FIELDS
        if fields[0] in _VALUE_FIELDS:
            if lexeme.number >= 0:
                raise QuerySyntaxError(
                    gettext_noop("{field}: takes no ~distance"), lexeme.column, field=fields[0]
                )
            return build_value(fields[0], lexeme.text, lexeme.column)
        case = lexeme.kind == "CASE"
        if lexeme.kind != "PHRASE" or lexeme.number < 0:
            return build_term(lexeme.text, lexeme.column, fields, case_sensitive=case)
        parts: list[Term] = []
        offset = 0
        for word in lexeme.text.split():
            offset = lexeme.text.index(word, offset)
            parts.append(build_term(word, lexeme.column + offset, fields))
            offset += len(word)
        if len(parts) == 1:
            return parts[0]
        return Slop(tuple(parts), lexeme.number)

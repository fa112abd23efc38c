"""``parse``: read the expression that a schedule's ``repr`` prints back into the schedule.

The text is parsed with :mod:`ast` and only a whitelist of nodes is walked: calls of the
schedule names that :mod:`lrfunc` exports, numbers, strings, ``True``/``False``/``None``,
lists and tuples, keywords, unary minus, and ``*`` between schedules and numbers. Nothing
is evaluated, imported or looked up as an attribute.
"""

from __future__ import annotations

import ast
import re
from numbers import Real
from typing import Any

from ._config import MAX_DEPTH, MAX_ITEMS, Arg, ConfigError, build, readable, unknown_name
from ._schedule import Schedule
from ._validate import untyped

__all__ = ["MAX_TEXT", "parse"]

#: Longest text ``parse`` reads, in characters.
MAX_TEXT = 100_000

_WHAT: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Lambda: "a lambda",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.JoinedStr: "an f-string",
    ast.Starred: "*-unpacking",
    ast.NamedExpr: "an assignment",
    ast.Compare: "a comparison",
    ast.BoolOp: "and/or",
    ast.IfExp: "a conditional",
    ast.Await: "await",
}


def parse(text: str) -> Schedule:
    """The schedule that an expression like its ``repr`` describes.

    Args:
        text: e.g. ``"chain(warmup(1000), cosine(99000, end=0.1))"`` or
            ``"cosine(100) * exp(0.99) * 0.5"``; names are lrfunc's schedules, written
            without the ``lf.`` prefix.

    Returns:
        The schedule; ``parse(repr(sched)) == sched`` for every schedule built from
        lrfunc's schedules and combinators.

    Raises:
        ConfigError: malformed text, a name that is not a schedule, anything other than
            calls, numbers, strings, lists, ``True``/``False``/``None`` and ``*``, a bad
            parameter, or text too long or nested too deeply; the message starts with the
            line and column.

    Examples:
        >>> import lrfunc as lf
        >>> lf.parse("chain(warmup(1000), cosine(99000, end=0.1))")
        chain(warmup(1000), cosine(99000, end=0.1))
        >>> lf.parse("cosine(100) * 0.5") == lf.cosine(100) * 0.5
        True
        >>> lf.parse("cosine(100, end=-1)")
        Traceback (most recent call last):
        ...
        lrfunc.ConfigError: line 1, column 17: cosine: end must be >= 0, got -1.0
    """
    if not isinstance(untyped(text), str):
        raise ConfigError("", f"expected the text of an expression, got {type(text).__name__}")
    if len(text) > MAX_TEXT:
        raise ConfigError("", f"expression too long ({len(text)} characters; at most {MAX_TEXT})")
    body = text.lstrip()
    skipped = _LINE_BREAK.split(text[: len(text) - len(body)])
    walker = _Walker(body, len(skipped) - 1, len(skipped[-1]))
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError as exc:
        place = walker.place(exc.lineno or 1, (exc.offset or 1) - 1, chars=True)
        raise ConfigError(place, f"malformed expression: {exc.msg}") from None
    except (RecursionError, MemoryError):
        # CPython's parser gives up on very deep nesting with one of these.
        raise ConfigError("", "expression nested too deeply for Python's parser") from None
    except (ValueError, OverflowError) as exc:  # null bytes, a giant integer literal
        raise ConfigError("", f"malformed expression: {exc}") from None
    try:
        result = walker.value(tree.body, 0)
    except RecursionError:
        raise ConfigError("", "expression nested too deeply") from None
    if not isinstance(result, Schedule):
        raise ConfigError(walker.where(tree.body), f"expected a schedule, got {result!r:.80}")
    return result


#: The line breaks of Python's tokenizer (``str.splitlines`` knows more, such as U+2028).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class _Walker:
    """Walks the tree of ``body``: the text without its leading whitespace, which spans
    ``line_shift`` line breaks and then ``column_shift`` characters."""

    def __init__(self, body: str, line_shift: int, column_shift: int) -> None:
        self.lines = _LINE_BREAK.split(body)
        self.line_shift = line_shift
        self.column_shift = column_shift
        self.registry = readable()
        self.items = 0

    def place(self, line: int, offset: int, *, chars: bool = False) -> str:
        """``line N, column M`` in the original text, from a position in the parsed one."""
        if not chars and 0 < line <= len(self.lines):
            # ast counts columns in UTF-8 bytes; people count characters. Converted on the
            # parsed line, before the skipped (maybe non-ASCII) whitespace is added.
            offset = len(self.lines[line - 1].encode()[:offset].decode(errors="replace"))
        if line == 1:
            offset += self.column_shift
        return f"line {line + self.line_shift}, column {offset + 1}"

    def where(self, node: ast.AST) -> str:
        return self.place(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))

    def value(self, node: ast.expr, depth: int) -> Any:
        self.items += 1
        if self.items > MAX_ITEMS:
            raise ConfigError(self.where(node), f"too many values (more than {MAX_ITEMS})")
        if depth >= MAX_DEPTH:
            raise ConfigError(self.where(node), f"nested more than {MAX_DEPTH} deep")
        if isinstance(node, ast.Constant):
            value = node.value
            if value is None or isinstance(value, (bool, int, float, str)):
                return value
            raise ConfigError(self.where(node), f"unsupported constant {value!r:.40}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.value(node.operand, depth + 1)
            if isinstance(operand, bool) or not isinstance(operand, (int, float)):
                raise ConfigError(self.where(node), "a sign applies to numbers only")
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, (ast.List, ast.Tuple)):
            return tuple(self.value(v, depth + 1) for v in node.elts)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            return self.product(node, depth)
        if isinstance(node, ast.Name):
            if node.id in self.registry:
                raise ConfigError(self.where(node), f"{node.id} must be called: {node.id}(...)")
            raise ConfigError(self.where(node), unknown_name(node.id, self.registry))
        if isinstance(node, ast.Attribute):
            self.refuse_prefix(node)
        if isinstance(node, ast.BinOp):
            what = "an operator other than *"
        else:
            what = _WHAT.get(type(node), f"a {type(node).__name__} node")
        raise ConfigError(self.where(node), f"not allowed in a schedule expression: {what}")

    def refuse_prefix(self, node: ast.Attribute) -> None:
        """``lf.cosine(...)`` as in Python code: say to drop the prefix (names are bare)."""
        if node.attr in self.registry and isinstance(node.value, (ast.Name, ast.Attribute)):
            prefix = ast.unparse(node.value)
            raise ConfigError(
                self.where(node),
                f"write {node.attr}(...) without the {prefix + '.'!r} prefix: "
                "names in an expression are lrfunc's schedules, written bare",
            )

    def arg(self, node: ast.expr, depth: int) -> Arg:
        value = self.value(node, depth + 1)
        if isinstance(value, tuple) and isinstance(node, (ast.List, ast.Tuple)):
            return Arg(value, self.where(node), tuple(self.where(e) for e in node.elts))
        return Arg(value, self.where(node))

    def call(self, node: ast.Call, depth: int) -> Schedule:
        func = node.func
        if isinstance(func, ast.Attribute):
            self.refuse_prefix(func)
        if not isinstance(func, ast.Name):
            what = _WHAT.get(type(func), "a call of an expression")
            raise ConfigError(self.where(func), f"not allowed in a schedule expression: {what}")
        name = func.id
        if name not in self.registry:
            raise ConfigError(self.where(func), unknown_name(name, self.registry))
        args: list[Arg] = []
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise ConfigError(
                    self.where(a), "not allowed in a schedule expression: *-unpacking"
                )
            args.append(self.arg(a, depth))
        kwargs: dict[str, Arg] = {}
        for k in node.keywords:
            if k.arg is None:
                raise ConfigError(
                    self.where(k.value), "not allowed in a schedule expression: **-unpacking"
                )
            if k.arg in kwargs:  # Python's compiler refuses it too; ast.parse does not
                raise ConfigError(self.where(k), f"keyword argument repeated: {k.arg!r}")
            kwargs[k.arg] = self.arg(k.value, depth)
        return build(name, self.registry[name], args, kwargs, self.where(node))

    def product(self, node: ast.BinOp, depth: int) -> Any:
        # ``a * b * c`` nests to the left; walk that spine without recursing on it.
        spine: list[ast.BinOp] = [node]
        left = node.left
        while isinstance(left, ast.BinOp) and isinstance(left.op, ast.Mult):
            spine.append(left)
            left = left.left
        out = self.value(left, depth + 1)
        for op in reversed(spine):
            right = self.value(op.right, depth + 1)
            out = self.multiply(out, right, op)
        return out

    def multiply(self, left: Any, right: Any, node: ast.BinOp) -> Schedule:
        def ok(x: Any) -> bool:
            return isinstance(x, Schedule) or (not isinstance(x, bool) and isinstance(x, Real))

        if not (ok(left) and ok(right)) or not (
            isinstance(left, Schedule) or isinstance(right, Schedule)
        ):
            raise ConfigError(
                self.where(node),
                "* multiplies a schedule by a schedule or a number, "
                f"got {type(left).__name__} * {type(right).__name__}",
            )
        try:
            return left * right
        except Exception as exc:
            raise ConfigError(self.where(node.right), f"{exc}") from None

"""A small, safe expression language for gateway conditions over form data.

Department administrators upload processes, and they are not trusted to run code on the server.
SpiffWorkflow would evaluate conditions with Python's ``eval``; we parse them with ``ast`` in
"eval" mode instead, accept only a handful of node types and evaluate by walking the tree.

The language (Python syntax, a tiny subset of it):

- names: form field names (or task outputs such as ``outcome``), looked up in the data; a name may
  not start with an underscore or contain a double one; a name missing from the data is ``None``;
- constants: numbers, strings, ``True``, ``False``, ``None``;
- list and tuple literals of constants, e.g. ``kind in ["shop", "restaurant"]``;
- comparisons ``== != < <= > >= in not in`` (chains such as ``1 <= area < 500`` work);
- ``and``, ``or``, ``not``; parentheses;
- arithmetic ``+ - * /`` and unary ``-``/``+`` on numbers only.

There are no calls, attributes, subscripts, lambdas, comprehensions, f-strings or assignments.
An ordering comparison (``<`` …) between values that cannot be ordered (a number and a string,
``None`` …) is false rather than an error, so that a missing optional field sends the process down
the default flow instead of stopping it. Texts are limited to ``MAX_EXPRESSION_LENGTH`` characters.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

MAX_EXPRESSION_LENGTH = 500

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda left, right: left in right,
    ast.NotIn: lambda left, right: left not in right,
}
_ARITHMETIC: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_ALLOWED_NODES = (
    ast.Expression,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Compare,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    *_COMPARE,
    *_ARITHMETIC,
)


class ExpressionError(ValueError):
    """The expression is not in the safe language, or it cannot be evaluated on the data."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_literal(node: ast.AST) -> bool:
    """A constant, or a signed number such as ``-1``."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
        return isinstance(node, ast.Constant) and _is_number(node.value)
    return isinstance(node, ast.Constant)


def _describe(node: ast.AST) -> str:
    """A readable name for a refused construct (the user sees it in the error message)."""
    names = {
        ast.Call: _("function calls"),
        ast.Attribute: _("attribute access (a.b)"),
        ast.Subscript: _("indexing (a[b])"),
        ast.Lambda: _("lambda"),
        ast.ListComp: _("comprehensions"),
        ast.SetComp: _("comprehensions"),
        ast.DictComp: _("comprehensions"),
        ast.GeneratorExp: _("comprehensions"),
        ast.JoinedStr: _("f-strings"),
        ast.NamedExpr: _("assignments"),
        ast.IfExp: _("conditional expressions (x if c else y)"),
        ast.Dict: _("dictionaries"),
        ast.Set: _("sets"),
        ast.Starred: _("unpacking (*x)"),
    }
    operators = {
        ast.Pow: _("powers (**)"),
        ast.Mod: _("remainders (%)"),
        ast.FloorDiv: _("whole-number division (//)"),
        ast.MatMult: _("matrix multiplication (@)"),
        ast.BitAnd: _("bitwise operators (&, |, ^, ~)"),
        ast.BitOr: _("bitwise operators (&, |, ^, ~)"),
        ast.BitXor: _("bitwise operators (&, |, ^, ~)"),
        ast.Invert: _("bitwise operators (&, |, ^, ~)"),
        ast.LShift: _("shifts (<<, >>)"),
        ast.RShift: _("shifts (<<, >>)"),
        ast.Is: _("“is” comparisons (use == or !=)"),
        ast.IsNot: _("“is” comparisons (use == or !=)"),
        ast.Slice: _("indexing (a[b])"),
        ast.Await: _("await"),
        ast.Yield: _("yield"),
        ast.YieldFrom: _("yield"),
    }
    for cls, label in (*names.items(), *operators.items()):
        if isinstance(node, cls):
            return str(label)
    # Never show Python's own node names (Pow, Store …) to a department administrator.
    return str(_("this kind of expression"))


def _parse(text: str) -> ast.Expression:
    if not isinstance(text, str):
        raise ExpressionError(_("A condition must be text."))
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(
            _("A condition may have at most %(limit)d characters.")
            % {"limit": MAX_EXPRESSION_LENGTH}
        )
    if not text.strip():
        raise ExpressionError(_("The condition is empty."))
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        if error.offset:
            raise ExpressionError(
                _("The condition is not a valid expression (look near character %(position)d).")
                % {"position": error.offset}
            ) from None
        raise ExpressionError(_("The condition is not a valid expression.")) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError(_("The condition is not a valid expression.")) from None


def _check_tree(tree: ast.Expression, allowed_names: Iterable[str] | None) -> tuple[list[str], set]:
    errors: list[str] = []
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.expr_context):
            continue  # Store/Del belong to a construct that is reported itself (an assignment)
        if not isinstance(node, _ALLOWED_NODES):
            errors.append(_("Not allowed: %(construct)s.") % {"construct": _describe(node)})
            continue
        if isinstance(node, ast.Name):
            if node.id.startswith("_") or "__" in node.id:
                errors.append(
                    _(
                        "The name %(name)s is not allowed: names may not start with “_” or "
                        "contain “__”."
                    )
                    % {"name": node.id}
                )
            names.add(node.id)
        elif isinstance(node, ast.Constant) and not (
            node.value is None or isinstance(node.value, bool | int | float | str)
        ):
            errors.append(_("Only numbers, texts, True, False and None are allowed as constants."))
        elif isinstance(node, ast.List | ast.Tuple) and not all(
            _is_literal(item) for item in node.elts
        ):
            errors.append(_("Lists may contain only constants."))
        elif isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            if not isinstance(node.value, bool) and abs(node.value) > 10**15:
                errors.append(_("Numbers may not be larger than 10¹⁵."))
    if allowed_names is not None:
        known = set(allowed_names)
        for name in sorted(names - known):
            errors.append(_("Unknown field %(name)s.") % {"name": name})
    # One message per distinct problem is enough.
    return list(dict.fromkeys(errors)), names


def expression_check(text: str, *, allowed_names: Iterable[str] | None = None) -> list[str]:
    """Return the problems of ``text`` as a condition (empty when it is a valid one).

    ``allowed_names``, when given, lists the field names the condition may refer to.
    """
    try:
        tree = _parse(text)
    except ExpressionError as error:
        return [str(error)]
    errors, _names = _check_tree(tree, allowed_names)
    return errors


def expression_names(text: str) -> set[str]:
    """Return the field names a valid condition refers to (raises ``ExpressionError``)."""
    tree = _parse(text)
    errors, names = _check_tree(tree, None)
    if errors:
        raise ExpressionError(errors[0])
    return names


def _evaluate(node: ast.AST, data: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, data)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return data.get(node.id)
    if isinstance(node, ast.List | ast.Tuple):
        return [_evaluate(item, data) for item in node.elts]
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            result: Any = True
            for value in node.values:
                result = _evaluate(value, data)
                if not result:
                    return result
            return result
        result = False
        for value in node.values:
            result = _evaluate(value, data)
            if result:
                return result
        return result
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, data)
        if isinstance(node.op, ast.Not):
            return not operand
        if not _is_number(operand):
            raise ExpressionError(_("A sign (+ or -) can only be applied to a number."))
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, data), _evaluate(node.right, data)
        if not (_is_number(left) and _is_number(right)):
            raise ExpressionError(_("Arithmetic works only on numbers."))
        if isinstance(node.op, ast.Div) and right == 0:
            raise ExpressionError(_("Division by zero."))
        try:
            return _ARITHMETIC[type(node.op)](left, right)
        except ArithmeticError:  # e.g. a huge whole number from the form divided: OverflowError
            raise ExpressionError(_("The result of the arithmetic is too large.")) from None
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, data)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(comparator, data)
            if not _compare(op, left, right):
                return False
            left = right
        return True
    raise ExpressionError(_("Not allowed: %(construct)s.") % {"construct": _describe(node)})


def _compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    if isinstance(op, ast.In | ast.NotIn):
        if isinstance(right, str) and not isinstance(left, str):
            return isinstance(op, ast.NotIn)
        if not isinstance(right, list | tuple | str):
            return isinstance(op, ast.NotIn)
    try:
        return bool(_COMPARE[type(op)](left, right))
    except TypeError:
        return False  # e.g. None < 5: an unorderable comparison is false (see module docstring)


def expression_evaluate(text: str, data: Mapping[str, Any]) -> Any:
    """Evaluate the condition ``text`` over ``data`` (a mapping of field names to values).

    Raises ``ExpressionError`` when the text is not in the safe language or cannot be evaluated
    (arithmetic on texts, division by zero).
    """
    tree = _parse(text)
    errors, _names = _check_tree(tree, None)
    if errors:
        raise ExpressionError(errors[0])
    return _evaluate(tree, data)

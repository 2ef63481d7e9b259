"""KPI formulas: a small arithmetic language over the columns of a result layer.

A formula is an expression of column names, numbers, quoted text, ``+ - * /``, comparisons
(``== != < <= > >=``), ``in [...]`` / ``not in [...]`` lists of constants, ``and`` / ``or`` /
``not`` and parentheses, e.g. ``heated_area_m2 * (heating_carrier in ['natural_gas'])``. It is
parsed with :mod:`ast`, every node checked against that whitelist (no calls, attributes,
subscripts or names other than columns), then evaluated column-wise by ``pandas.DataFrame.eval``:
user text is never given to Python's ``eval``. A comparison is 1 where true, 0 where false.
"""

from __future__ import annotations

import ast
from collections.abc import Collection

import numpy as np
import pandas as pd

_ALLOWED = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.And,
    ast.Or,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
)


class FormulaError(ValueError):
    """What is wrong with a formula (the caller names the file, row and column)."""


def formula_columns(formula: str) -> frozenset[str]:
    """The column names a formula uses; FormulaError when it is not in the language."""
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"{formula!r} is not an expression ({exc.msg})") from exc
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise FormulaError(
                f"{formula!r} uses {type(node).__name__}, which a KPI formula may not: only column "
                "names, numbers, quoted text, + - * /, comparisons, in [...], and/or/not"
            )
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float | str):
            raise FormulaError(f"{formula!r}: constant {node.value!r} is not a number or text")
        if isinstance(node, ast.Name):
            if node.id.startswith("_"):
                raise FormulaError(f"{formula!r}: {node.id!r} is not a column name")
            names.add(node.id)
    return frozenset(names)


def check_formula(formula: str, columns: Collection[str]) -> frozenset[str]:
    """The columns of ``formula``; FormulaError naming those not in ``columns``."""
    used = formula_columns(formula)
    unknown = sorted(used - set(columns))
    if unknown:
        raise FormulaError(
            f"{formula!r} names column(s) {', '.join(unknown)} that the layer does not have"
        )
    return used


def evaluate(formula: str, frame: pd.DataFrame) -> pd.Series:
    """The formula's value per row of ``frame`` (float; comparisons give 1.0 / 0.0).

    >>> evaluate("a * (c in ['x'])", pd.DataFrame({"a": [2.0, 3.0], "c": ["x", "y"]})).tolist()
    [2.0, 0.0]
    """
    check_formula(formula, frame.columns)
    value = frame.eval(formula.strip(), engine="python")
    if np.isscalar(value):
        return pd.Series(float(value), index=frame.index)  # type: ignore[arg-type]
    return pd.Series(value, index=frame.index).astype(float)

"""The `print` query words: a small stack machine, evaluated once per item.

As the RouterOS API manual defines them: `?name=x` and `?=name=x` (the documented form, which
librouteros sends) push whether the item's name is x, `?name` whether it has a name, `?-name`
whether it has none, `?<name=x` / `?>name=x` compare, and `?#ops` works on the stack, left to
right: `!` not, `&` and, `|` or, `.` a copy of the top; a decimal index (0 is the top) pushes a
copy of the value there, or, at the end of the word, replaces the whole stack with it (a `.`
right after an index does nothing). An item matches when every value left on the stack is
true, so an empty query matches everything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from provisioning.simulator.traps import Trap, TrapCategory

Row = Mapping[str, str]
Normalizer = Callable[[str, str], str]


def _invalid(word: str) -> Trap:
    return Trap(f"invalid query: ?{word}", TrapCategory.API_FAILURE)


def _compare(left: str, right: str) -> int:
    # The router compares numbers as numbers; anything else compares as text.
    if left.isdigit() and right.isdigit():
        return (int(left) > int(right)) - (int(left) < int(right))
    return (left > right) - (left < right)


def _apply_ops(word: str, stack: list[bool]) -> None:
    ops = word[1:]
    position = 0
    while position < len(ops):
        op = ops[position]
        if op.isdigit():
            end = position
            while end < len(ops) and ops[end].isdigit():
                end += 1
            index = int(ops[position:end])
            if index >= len(stack):
                raise _invalid(word)
            value = stack[-1 - index]
            if end == len(ops):
                stack[:] = [value]
            else:
                stack.append(value)
                if ops[end] == ".":
                    end += 1
            position = end
            continue
        if op == "!":
            if not stack:
                raise _invalid(word)
            stack.append(not stack.pop())
        elif op in "&|":
            if len(stack) < 2:
                raise _invalid(word)
            right, left = stack.pop(), stack.pop()
            stack.append(left and right if op == "&" else left or right)
        elif op == ".":
            if not stack:
                raise _invalid(word)
            stack.append(stack[-1])
        else:
            raise _invalid(word)
        position += 1


def _push(word: str, row: Row, stack: list[bool], normalize: Normalizer) -> None:
    if word.startswith("#"):
        _apply_ops(word, stack)
    elif word.startswith("-"):
        stack.append(word[1:] not in row)
    elif word[:1] in "<>" and "=" in word:
        key, _, value = word[1:].partition("=")
        if key not in row:
            stack.append(False)
            return
        order = _compare(row[key], normalize(key, value))
        stack.append(order < 0 if word[0] == "<" else order > 0)
    elif "=" in word:
        # `?=name=x` and `?name=x` are the same test.
        key, _, value = word.removeprefix("=").partition("=")
        if not key:
            raise _invalid(word)
        stack.append(row.get(key) == normalize(key, value))
    elif word:
        stack.append(word in row)
    else:
        raise _invalid(word)


def _keep_value(key: str, value: str) -> str:
    return value


class Query:
    """A compiled list of query words; `matches(row)` says whether `print` returns the row."""

    def __init__(self, words: Sequence[str], normalize: Normalizer = _keep_value) -> None:
        self._words = tuple(words)
        self._normalize = normalize
        # A malformed query must fail even when the table is empty, as on the router.
        self.matches({})

    def matches(self, row: Row) -> bool:
        stack: list[bool] = []
        for word in self._words:
            _push(word, row, stack, self._normalize)
        return all(stack)

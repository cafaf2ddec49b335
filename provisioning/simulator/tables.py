"""One configuration table of the router: rows keyed by internal ids `*1`, `*2`, ... `*A`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from provisioning.simulator.traps import no_such_item

Row = dict[str, str]

# Keys the simulator keeps on a row but the router never prints (when a session started...).
HIDDEN_PREFIX = "_"


def visible(row: Mapping[str, str]) -> Row:
    return {key: value for key, value in row.items() if not key.startswith(HIDDEN_PREFIX)}


def _id_number(ref: str) -> int | None:
    if not ref.startswith("*"):
        return None
    try:
        return int(ref[1:], 16)
    except ValueError:
        return None


class Table:
    def __init__(self, name_key: str | None = "name") -> None:
        self.rows: list[Row] = []
        self.name_key = name_key
        # Ids are never reused, even after a remove, as on the router.
        self._next_id = 1

    def insert(self, values: Mapping[str, str]) -> str:
        item_id = f"*{self._next_id:X}"
        self._next_id += 1
        self.rows.append({".id": item_id, **values})
        return item_id

    def get(self, item_id: str) -> Row | None:
        number = _id_number(item_id)
        for row in self.rows:
            if number is not None and _id_number(row[".id"]) == number:
                return row
        return None

    def resolve(self, refs: str) -> list[Row]:
        """The rows named by a `.id` / `numbers` value: ids or names, comma separated."""
        found: list[Row] = []
        for ref in filter(None, (part.strip() for part in refs.split(","))):
            matches = self._lookup(ref)
            if not matches:
                raise no_such_item()
            found.extend(row for row in matches if all(row is not seen for seen in found))
        if not found:
            raise no_such_item()
        return found

    def _lookup(self, ref: str) -> list[Row]:
        row = self.get(ref)
        if row is not None:
            return [row]
        if self.name_key is None:
            return []
        return [row for row in self.rows if row.get(self.name_key) == ref]

    def delete(self, rows: Iterable[Row]) -> None:
        doomed = [id(row) for row in rows]
        self.rows = [row for row in self.rows if id(row) not in doomed]

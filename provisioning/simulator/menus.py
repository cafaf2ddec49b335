"""The command menus the simulator knows, and the table verbs behind them.

Each menu is a table plus a spec of its writable fields; `print`, `add`, `set`, `remove`,
`enable` and `disable` are generic over that spec, with a per-menu check for the rules that
span rows (unique names, references to profiles and servers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from provisioning.simulator.protocol import Command
from provisioning.simulator.queries import Query
from provisioning.simulator.state import (
    DEFAULT_PROFILE,
    PROFILE_DEFAULTS,
    USER_DEFAULTS,
    RouterState,
)
from provisioning.simulator.tables import Row, Table, visible
from provisioning.simulator.traps import (
    DEFAULT_PROFILE_REMOVAL,
    DUPLICATE_PROFILE,
    DUPLICATE_USER,
    Trap,
    missing_value,
    no_matching_value,
    no_such_command,
    no_such_item,
    unknown_parameter,
)
from provisioning.simulator.values import (
    parse_flag,
    parse_interval,
    parse_mac,
    parse_number,
)

Sentence = list[str]
Parser = Callable[[str, str], str]
Check = Callable[[RouterState, Row, Row | None], None]

# `print` options that change nothing in what the simulator returns.
PRINT_OPTIONS = frozenset({"detail", "stats", "without-paging", "terse", "brief", "follow-only"})
READ_VERBS = frozenset({"print", "getall"})


def _text(argument: str, value: str) -> str:
    return value


def _shared_users(argument: str, value: str) -> str:
    return value if value == "unlimited" else parse_number(argument, value)


@dataclass(frozen=True)
class TableSpec:
    table: Callable[[RouterState], Table]
    fields: Mapping[str, Parser] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    # Fields that an empty value unsets (the router then leaves them out of `print`).
    clearable: frozenset[str] = frozenset()
    verbs: frozenset[str] = READ_VERBS
    check: Check | None = None
    before_remove: Callable[[RouterState, Row], None] | None = None
    view: Callable[[RouterState, Row], Row] | None = None

    def normalize_query_value(self, key: str, value: str) -> str:
        # `?disabled=yes` must match a row printed as disabled=true.
        if self.fields.get(key) is parse_flag:
            try:
                return parse_flag(key, value)
            except Trap:
                return value
        return value


def _check_user(state: RouterState, row: Row, current: Row | None) -> None:
    if row.get("profile") not in state.profile_names():
        raise no_matching_value("profile")
    server = row.get("server", "all")
    if server != "all" and server not in state.server_names():
        raise no_matching_value("server")
    for other in state.users.rows:
        if (
            other is not current
            and other.get("name") == row.get("name")
            and other.get("server", "all") == server
        ):
            raise Trap(DUPLICATE_USER)


def _check_profile(state: RouterState, row: Row, current: Row | None) -> None:
    for other in state.profiles.rows:
        if other is not current and other.get("name") == row.get("name"):
            raise Trap(DUPLICATE_PROFILE)


def _check_server(state: RouterState, row: Row, current: Row | None) -> None:
    for other in state.servers.rows:
        if other is not current and other.get("name") == row.get("name"):
            raise Trap("failure: already have hotspot server with this name")


def _refuse_default_profile(state: RouterState, row: Row) -> None:
    if row.get("name") == DEFAULT_PROFILE:
        raise Trap(DEFAULT_PROFILE_REMOVAL)


USER_SPEC = TableSpec(
    table=lambda state: state.users,
    fields={
        "name": _text,
        "password": _text,
        "profile": _text,
        "server": _text,
        "comment": _text,
        "email": _text,
        "limit-uptime": parse_interval,
        "limit-bytes-in": parse_number,
        "limit-bytes-out": parse_number,
        "limit-bytes-total": parse_number,
        "mac-address": parse_mac,
        "address": _text,
        "routes": _text,
        "disabled": parse_flag,
    },
    defaults=USER_DEFAULTS,
    required=("name",),
    clearable=frozenset(
        {
            "password",
            "comment",
            "email",
            "limit-uptime",
            "limit-bytes-in",
            "limit-bytes-out",
            "limit-bytes-total",
            "mac-address",
            "address",
            "routes",
        }
    ),
    verbs=READ_VERBS | {"add", "set", "remove", "enable", "disable"},
    check=_check_user,
)

PROFILE_SPEC = TableSpec(
    table=lambda state: state.profiles,
    fields={
        "name": _text,
        "shared-users": _shared_users,
        "rate-limit": _text,
        "session-timeout": parse_interval,
        "idle-timeout": parse_interval,
        "keepalive-timeout": parse_interval,
        "status-autorefresh": parse_interval,
        "add-mac-cookie": parse_flag,
        "mac-cookie-timeout": parse_interval,
        "address-pool": _text,
        "address-list": _text,
        "transparent-proxy": parse_flag,
        "open-status-page": _text,
        "incoming-filter": _text,
        "outgoing-filter": _text,
        "on-login": _text,
        "on-logout": _text,
    },
    defaults=PROFILE_DEFAULTS,
    required=("name",),
    clearable=frozenset(
        {
            "rate-limit",
            "session-timeout",
            "address-list",
            "incoming-filter",
            "outgoing-filter",
            "on-login",
            "on-logout",
        }
    ),
    verbs=READ_VERBS | {"add", "set", "remove"},
    check=_check_profile,
    before_remove=_refuse_default_profile,
)

SERVER_SPEC = TableSpec(
    table=lambda state: state.servers,
    fields={
        "name": _text,
        "interface": _text,
        "address-pool": _text,
        "profile": _text,
        "idle-timeout": parse_interval,
        "keepalive-timeout": parse_interval,
        "login-timeout": parse_interval,
        "addresses-per-mac": _text,
        "disabled": parse_flag,
    },
    required=("name",),
    verbs=READ_VERBS | {"set", "enable", "disable"},
    check=_check_server,
)

ACTIVE_SPEC = TableSpec(
    table=lambda state: state.active,
    verbs=READ_VERBS | {"remove"},
    view=lambda state, row: state.session_view(row),
)

COOKIE_SPEC = TableSpec(table=lambda state: state.cookies, verbs=READ_VERBS | {"remove"})

MENUS: Mapping[str, TableSpec] = {
    "/ip/hotspot/user": USER_SPEC,
    "/ip/hotspot/user/profile": PROFILE_SPEC,
    "/ip/hotspot/active": ACTIVE_SPEC,
    "/ip/hotspot/cookie": COOKIE_SPEC,
    "/ip/hotspot": SERVER_SPEC,
}


def _print_rows(
    rows: Iterable[Row], command: Command, normalize: Callable[[str, str], str]
) -> list[Sentence]:
    options = dict(command.attributes)
    proplist = options.pop(".proplist", None)
    count_only = options.pop("count-only", None) is not None
    for key in options:
        if key not in PRINT_OPTIONS:
            raise unknown_parameter(key)
    query = Query(command.queries, normalize)
    matching = [row for row in rows if query.matches(row)]
    if count_only:
        return [["!done", f"=ret={len(matching)}"]]
    wanted = [name for name in proplist.split(",") if name] if proplist is not None else None
    replies: list[Sentence] = []
    for row in matching:
        keys = list(row) if wanted is None else [key for key in wanted if key in row]
        replies.append(["!re", *(f"={key}={row[key]}" for key in keys)])
    replies.append(["!done"])
    return replies


def _print(state: RouterState, spec: TableSpec, command: Command) -> list[Sentence]:
    rows = spec.table(state).rows
    views = [visible(spec.view(state, row) if spec.view else row) for row in rows]
    return _print_rows(views, command, spec.normalize_query_value)


def _read_values(spec: TableSpec, attributes: Mapping[str, str]) -> dict[str, str | None]:
    """The fields a command sets, parsed; None means "unset this field"."""
    values: dict[str, str | None] = {}
    for key, value in attributes.items():
        if key in (".id", "numbers"):
            continue
        parser = spec.fields.get(key)
        if parser is None:
            raise unknown_parameter(key)
        if value == "" and key in spec.clearable:
            values[key] = None
        else:
            values[key] = parser(key, value)
    return values


def _updated(row: Row, values: Mapping[str, str | None]) -> Row:
    updated = dict(row)
    for key, value in values.items():
        if value is None:
            updated.pop(key, None)
        else:
            updated[key] = value
    return updated


def _require(spec: TableSpec, row: Row) -> None:
    for name in spec.required:
        if not row.get(name):
            raise missing_value(name)


def _add(state: RouterState, spec: TableSpec, command: Command) -> list[Sentence]:
    if ".id" in command.attributes:
        raise unknown_parameter(".id")
    values = _read_values(spec, command.attributes)
    leading = {name: value for name in spec.required if (value := values.get(name)) is not None}
    row = _updated({**leading, **spec.defaults}, values)
    _require(spec, row)
    if spec.check is not None:
        spec.check(state, row, None)
    return [["!done", f"=ret={spec.table(state).insert(row)}"]]


def _targets(spec: TableSpec, state: RouterState, command: Command) -> list[Row]:
    refs = command.attributes.get(".id", command.attributes.get("numbers"))
    if refs is None:
        raise no_such_item()
    return spec.table(state).resolve(refs)


def _change(
    state: RouterState, spec: TableSpec, targets: list[Row], values: Mapping[str, str | None]
) -> None:
    # Check every row before changing any, so a refused command changes nothing.
    changed: list[tuple[Row, Row]] = []
    for row in targets:
        candidate = _updated(row, values)
        _require(spec, candidate)
        if spec.check is not None:
            spec.check(state, candidate, row)
        changed.append((row, candidate))
    for row, candidate in changed:
        row.clear()
        row.update(candidate)


def _set(state: RouterState, spec: TableSpec, command: Command) -> list[Sentence]:
    values = _read_values(spec, command.attributes)
    _change(state, spec, _targets(spec, state, command), values)
    return [["!done"]]


def _toggle(disabled: str) -> Callable[[RouterState, TableSpec, Command], list[Sentence]]:
    def toggle(state: RouterState, spec: TableSpec, command: Command) -> list[Sentence]:
        extra = set(command.attributes) - {".id", "numbers"}
        if extra:
            raise unknown_parameter(sorted(extra)[0])
        _change(state, spec, _targets(spec, state, command), {"disabled": disabled})
        return [["!done"]]

    return toggle


def _remove(state: RouterState, spec: TableSpec, command: Command) -> list[Sentence]:
    extra = set(command.attributes) - {".id", "numbers"}
    if extra:
        raise unknown_parameter(sorted(extra)[0])
    targets = _targets(spec, state, command)
    if spec.before_remove is not None:
        for row in targets:
            spec.before_remove(state, row)
    spec.table(state).delete(targets)
    return [["!done"]]


VERBS: Mapping[str, Callable[[RouterState, TableSpec, Command], list[Sentence]]] = {
    "print": _print,
    "getall": _print,
    "add": _add,
    "set": _set,
    "remove": _remove,
    "enable": _toggle("false"),
    "disable": _toggle("true"),
}


def _keep(key: str, value: str) -> str:
    return value


def execute(state: RouterState, command: Command) -> list[Sentence]:
    """Run one logged-in command; the reply sentences, or a Trap."""
    if command.menu == "/system/resource" and command.verb in READ_VERBS:
        _refuse_unknown_words(command)
        return _print_rows([state.resource()], command, _keep)
    spec = MENUS.get(command.menu)
    if spec is None or command.verb not in spec.verbs:
        raise no_such_command()
    _refuse_unknown_words(command)
    replies = VERBS[command.verb](state, spec, command)
    if command.verb in READ_VERBS and replies == [["!done"]] and state.system.answers_empty:
        return [["!empty"], ["!done"]]
    return replies


def _refuse_unknown_words(command: Command) -> None:
    if command.unknown_words:
        raise unknown_parameter(command.unknown_words[0])

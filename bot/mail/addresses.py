"""Addresses as they go on the wire: an international domain in its ASCII (IDNA) form.

People type and read ``siti@bücherei-contoh.de``; a relay that does not offer SMTPUTF8
(RFC 6531; Postfix with ``smtputf8_enable = no``, many campus relays) refuses such an
address in MAIL, RCPT and the headers. The domain has an ASCII form (``xn--…``, IDNA 2008
with UTS 46 mapping, as email-validator uses), so the product stores and shows the Unicode
form and sends the ASCII one. A local part has no ASCII form: it needs SMTPUTF8 end to end.
"""

from __future__ import annotations

import copy
from email.headerregistry import Address, AddressHeader, Group
from email.message import EmailMessage
from email.utils import getaddresses

import idna

# Every header that carries addresses a relay or a reader acts on.
ADDRESS_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc")


def wire_address(address: str) -> str:
    """``local@domain`` with the domain in ASCII; the local part is kept as typed.

    Raises ValueError when the domain has no IDNA form (an empty label, a character
    IDNA 2008 does not allow).
    """
    if address.isascii():
        return address
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(f"the domain of {address} has no ASCII form: {exc}") from exc
    return f"{local}@{ascii_domain}"


def needs_smtputf8(address: str) -> bool:
    """True when even the wire form of ``address`` is not ASCII (its local part is not)."""
    return not wire_address(address).isascii()


def wire_message(msg: EmailMessage) -> EmailMessage:
    """A copy of ``msg`` with every address header's domains in ASCII; display names
    stay as they are (the email package encodes them, RFC 2047). Raises ValueError
    like :func:`wire_address`."""
    if all(str(value).isascii() for name in ADDRESS_HEADERS for value in msg.get_all(name, [])):
        return msg
    wired = copy.deepcopy(msg)
    for name in ADDRESS_HEADERS:
        values = msg.get_all(name, [])
        if not values:
            continue
        items: list[Address | Group] = []
        for value in values:
            items.extend(_wire_items(value))
        del wired[name]
        # One header, as RFC 5322 allows each of these once.
        wired[name] = items
    return wired


def _wire_items(value: object) -> list[Address | Group]:
    if isinstance(value, AddressHeader):
        items: list[Address | Group] = []
        for group in value.groups:
            addresses = [_wire(a) for a in group.addresses]
            if group.display_name is None:
                items.extend(addresses)
            else:
                items.append(Group(group.display_name, addresses))
        return items
    # A header set as a plain string under a policy without structured headers.
    return [
        _wire(Address(display_name=name, username=local, domain=domain))
        for name, address in getaddresses([str(value)])
        if address
        for local, _, domain in [address.rpartition("@")]
    ]


def _wire(address: Address) -> Address:
    local, _, domain = wire_address(address.addr_spec).rpartition("@")
    # username/domain rather than addr_spec: addr_spec parsing refuses a non-ASCII
    # local part, which is legal under SMTPUTF8.
    return Address(display_name=address.display_name, username=local, domain=domain)

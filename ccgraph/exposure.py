"""Who can reach the explorer, and so who may use its Cypher console.

The explorer binds 127.0.0.1 (the repository's `.streamlit/config.toml`); the console is for
analysts on this machine. Serving the explorer on another address (`--server.address 0.0.0.0`)
is an explicit choice, and it turns the console off unless an access token is configured in
`CCGRAPH_CONSOLE_TOKEN`: then a visitor must type the token before the console opens.

>>> console_gate("127.0.0.1", configured_token="").open
True
>>> gate = console_gate("0.0.0.0", configured_token="")
>>> gate.open, gate.needs_token
(False, False)
>>> console_gate("10.1.2.3", configured_token="s3cret", given_token="s3cret").open
True
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass

__all__ = ["ConsoleGate", "console_gate", "is_loopback"]

TOKEN_VARIABLE = "CCGRAPH_CONSOLE_TOKEN"


def is_loopback(address: str | None) -> bool:
    """True when a server bound to `address` can be reached from this machine only. Unset or
    empty means every interface (Streamlit's default), so it is not loopback.

    >>> [is_loopback(a) for a in ("127.0.0.1", "::1", "localhost", "", None, "0.0.0.0", "192.168.1.5")]
    [True, True, True, False, False, False, False]
    """
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


@dataclass(frozen=True)
class ConsoleGate:
    open: bool
    needs_token: bool  # a token is configured and the visitor has not given it yet
    reason: str  # why it is shut, for the page


def console_gate(address: str | None, configured_token: str, given_token: str = "") -> ConsoleGate:
    """Whether the console may run for a visitor of an explorer bound to `address`."""
    if is_loopback(address):
        return ConsoleGate(True, False, "")
    where = address or "every network interface"
    if not configured_token:
        return ConsoleGate(
            False,
            False,
            f"The Cypher console is off: this explorer is served on {where}, beyond this machine. "
            f"Serve it on 127.0.0.1, or set {TOKEN_VARIABLE} to an access token to open the console "
            "to those who have it.",
        )
    if given_token and hmac.compare_digest(given_token.encode(), configured_token.encode()):
        return ConsoleGate(True, False, "")
    return ConsoleGate(
        False, True, f"This explorer is served on {where}: the Cypher console needs its access token."
    )

"""Wording that should not reach a public status page."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Final

from incidentkit.errors import ValidationError
from incidentkit.findings import Finding, Level, sort_findings
from incidentkit.timeline import StatusUpdatePosted

from ._update import StatusUpdate


__all__ = ["INTERNAL_HOST_SUFFIXES", "check_public"]

INTERNAL_HOST_SUFFIXES: Final[tuple[str, ...]] = (
    ".internal",
    ".local",
    ".localdomain",
    ".lan",
    ".corp",
    ".intranet",
    ".home.arpa",
    ".svc",
)
"""Host-name endings that are never public (RFC 6762, RFC 8375, common use)."""

_IPV4: Final = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?![\w.])")
_IPV6: Final = re.compile(
    r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])"
)
_HOST: Final = re.compile(
    r"(?<![\w.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![\w-])"
)
_NUMBERED_HOST: Final = re.compile(
    r"(?<![\w.-])[a-z]+(?:-[a-z0-9]+)*-\d+[a-z]?(?![\w.-])"
)
_TICKET: Final = re.compile(
    r"(?<![\w-])[A-Z][A-Z0-9]{1,9}-\d+(?![\w-])|(?<![\w&])#\d{2,}\b"
)
_ENVIRONMENT_LABELS: Final = frozenset(
    {"prod", "production", "staging", "stg", "dev", "int", "internal", "corp", "k8s"}
)

_FIELDS: Final = ("known", "doing")
_IPV6_MIN_COLONS: Final = 2


def _is_ip(token: str) -> bool:
    try:
        ipaddress.ip_network(token, strict=False)
    except ValueError:
        return False
    return True


def _internal_host(host: str) -> bool:
    lowered = host.lower()
    labels = lowered.split(".")
    return (
        lowered.endswith(INTERNAL_HOST_SUFFIXES)
        or any(ch.isdigit() for ch in labels[0])
        or any(label in _ENVIRONMENT_LABELS for label in labels[:-1])
    )


def _problems(text: str, names: tuple[str, ...]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    found.extend(
        ("ip-address", m.group()) for m in _IPV4.finditer(text) if _is_ip(m.group())
    )
    found.extend(
        ("ip-address", m.group())
        for m in _IPV6.finditer(text)
        if m.group().count(":") >= _IPV6_MIN_COLONS and _is_ip(m.group())
    )
    found.extend(
        ("hostname", m.group())
        for m in _HOST.finditer(text)
        if _internal_host(m.group())
    )
    found.extend(("hostname", m.group()) for m in _NUMBERED_HOST.finditer(text))
    found.extend(("ticket-id", m.group()) for m in _TICKET.finditer(text))
    for name in names:
        pattern = rf"(?<!\w){re.escape(name)}(?!\w)"
        if re.search(pattern, text, flags=re.IGNORECASE):
            found.append(("internal-name", name))
    return found


_WHAT: Final = {
    "ip-address": "an IP address",
    "hostname": "an internal host name",
    "ticket-id": "a ticket id",
    "internal-name": "an internal name",
}


def check_public(
    update: StatusUpdate | StatusUpdatePosted | str,
    *,
    names: Iterable[str] = (),
) -> tuple[Finding, ...]:
    """
    Flag wording that should not go out on a public status page.

    It finds IP addresses (v4 and v6), internal host names (endings such as
    ``.internal`` or ``.local``, a numbered first label such as
    ``db-3.example.com``, environment labels such as ``prod``, numbered names
    such as ``web-12``), ticket ids (``OPS-1234``, ``#4521``) and the internal
    *names* given (people, teams, systems), plus the update's own poster.
    Each is a ``public-<kind>`` warning naming the field and the text found.

    Args:
        update: A public update, its timeline event, or a text.
        names: Internal names to flag, matched as whole words in any case.

    Returns:
        The findings, in the order found.

    Example:
        >>> from incidentkit.comms import check_public
        >>> text = "db-3.prod.internal (10.0.4.7) is down, see OPS-1234"
        >>> [f.code for f in check_public(text)]
        ['public-ip-address', 'public-hostname', 'public-ticket-id']
    """
    expected = "a collection of non-empty names"
    if isinstance(names, (str, bytes)) or not isinstance(names, Iterable):
        raise ValidationError.for_field("names", expected, names)
    wanted = tuple(names)
    if not all(isinstance(n, str) and n.strip() for n in wanted):
        raise ValidationError.for_field("names", expected, wanted)
    if isinstance(update, str):
        texts = [("text", update)]
    elif isinstance(update, (StatusUpdate, StatusUpdatePosted)):
        if update.by:
            wanted = (*wanted, update.by)
        pairs = [(field, getattr(update, field)) for field in _FIELDS]
        texts = [(f, v) for f, v in pairs if isinstance(v, str)]
        if isinstance(update, StatusUpdatePosted) and not texts:
            texts = [("text", update.text)]
    else:
        raise ValidationError.for_field(
            "update", "a StatusUpdate, a StatusUpdatePosted or a text", update
        )
    findings = []
    for field, text in texts:
        for kind, token in _problems(text, wanted):
            findings.append(
                Finding(
                    f"public-{kind}",
                    f"{field!r} names {_WHAT[kind]} ({token!r}): keep it off the "
                    "public page.",
                    Level.WARNING,
                    field,
                )
            )
    return sort_findings(findings)

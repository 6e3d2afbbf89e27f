"""A run's network policy on the app's side: checked against the user's tier, recorded
with the run, handed to the engine, and the one-line hint a run gets when its network
stopped it.

A policy is stored as {"mode": "none" | "allow_list" | "internet", "allow": [...],
"deny": [...]} (on a sandbox, in a run's snapshot with its tier's byte cap as
"max_bytes"). Domains follow the engine's rules (sandboxes.engine.network_policy).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError

from quotas.models import NetworkChoice, Tier, UserLimits
from sandboxes.engine import InvalidSpec, NetworkPolicy
from sandboxes.engine.network_policy import MAX_PATTERNS, domain_pattern

# What each mode allows, in words that fit "may use ..." and "asks for ...".
WORDS = {
    NetworkChoice.NONE: "no network",
    NetworkChoice.ALLOW_LIST: "an allow-list of domains",
    NetworkChoice.INTERNET: "the internet",
}
NO_NETWORK_HINT = (
    "This sandbox has no network; choose a network policy in the Network panel "
    'or send "network" in the API.'
)
CHANGE_POLICY = 'Change the policy in the Network panel or "network" in the API.'
BLOCKED_SHOWN = 3  # refusals named in the hint line; the run's page lists what the engine kept
# What programs print when a name does not resolve or no route leads anywhere: glibc and
# Python ("Temporary failure in name resolution", "Name or service not known"), Node
# (getaddrinfo EAI_AGAIN / ENOTFOUND, connect ENETUNREACH), curl-like tools.
NO_NETWORK_SIGNS = re.compile(
    r"EAI_AGAIN|ENOTFOUND|EAI_NONAME|ENETUNREACH|EHOSTUNREACH"
    r"|Temporary failure in name resolution|Name or service not known"
    r"|No address associated with hostname|Network is unreachable"
    r"|nodename nor servname|Could not resolve host|getaddrinfo failed"
)


def _domains(value, field: str) -> list[str]:
    if isinstance(value, str):
        raise ValidationError({field: f"`{field}` must be a list of domains, not one string."})
    if not isinstance(value, list | tuple):
        raise ValidationError({field: f"`{field}` must be a list of domains."})
    if len(value) > MAX_PATTERNS:
        raise ValidationError(
            {field: f"`{field}` lists {len(value)} domains; at most {MAX_PATTERNS}."}
        )
    try:
        return list(dict.fromkeys(domain_pattern(domain, field=field) for domain in value))
    except InvalidSpec as error:  # "network.allow: 'x' is not ...": the key says the field
        raise ValidationError({field: str(error).removeprefix(f"{field}: ")}) from None


def network_policy_check(
    *, tier: Tier | UserLimits, mode: str, allow: Iterable[str] = (), deny: Iterable[str] = ()
) -> dict:
    """The policy normalised, ready to store; or ValidationError naming the field at fault
    (`network`, `network.allow`, `network.deny`), over-tier choices included."""
    if mode not in NetworkChoice.values:
        choices = ", ".join(NetworkChoice.values)
        raise ValidationError({"network": f"The network is one of {choices}, not {mode!r}."})
    allow = _domains(allow, "network.allow")
    deny = _domains(deny, "network.deny")
    if mode == NetworkChoice.ALLOW_LIST and not allow:
        raise ValidationError(
            {"network.allow": "An allow-list needs at least one domain, such as api.example.com."}
        )
    if mode != NetworkChoice.ALLOW_LIST and allow:
        raise ValidationError(
            {"network.allow": f"Allowed domains only apply to an allow-list, not to {WORDS[mode]}."}
        )
    if mode == NetworkChoice.NONE and deny:
        raise ValidationError({"network.deny": "Denied domains do not apply with no network."})
    if not tier.allows_network(mode):
        raise ValidationError(
            {"network": f"Your {tier} tier's runs may use at most {WORDS[tier.network_max]}, "
             f"not {WORDS[mode]}."}
        )  # fmt: skip
    return {"mode": mode, "allow": allow, "deny": deny}


def network_default(tier: Tier | UserLimits) -> dict:
    return {"mode": tier.network_default, "allow": [], "deny": []}


def network_for_run(*, tier: Tier | UserLimits, policy: dict | None) -> dict:
    """What a run's snapshot records: the policy asked for (or the tier's default),
    checked, with the tier's byte cap."""
    checked = network_policy_check(tier=tier, **(policy or network_default(tier)))
    return {**checked, "max_bytes": tier.network_max_bytes}


def engine_policy(recorded: dict | None) -> NetworkPolicy:
    """The engine's policy for a run's recorded one (runs from before policies: none)."""
    if not recorded:
        return NetworkPolicy()
    return NetworkPolicy(
        mode=recorded["mode"],
        allow=tuple(recorded.get("allow", ())),
        deny=tuple(recorded.get("deny", ())),
        max_bytes=recorded.get("max_bytes"),
    )


def describe(policy: dict) -> str:
    """A policy in a few words: "no network", "the internet except x.com", "a.com, *.b.org"."""
    mode = policy["mode"]
    if mode == NetworkChoice.ALLOW_LIST:
        text = "only " + ", ".join(policy["allow"])
    else:
        text = WORDS[NetworkChoice(mode)]
    if policy.get("deny"):
        text += " except " + ", ".join(policy["deny"])
    return text


def network_choices(tier: Tier | UserLimits) -> list[dict]:
    """The modes for the editor's Network panel: which this tier may use, and for those it
    may not, the lowest tier that may."""
    choices = []
    for mode in NetworkChoice:
        allowed = tier.allows_network(mode)
        note = ""
        if not allowed:
            wider = next((t for t in Tier.objects.all() if t.allows_network(mode)), None)
            needs = f"the {wider} tier" if wider else "a tier that allows it"
            note = f"Your {tier} tier allows at most {WORDS[tier.network_max]}; this needs {needs}."
        choices.append({"value": mode.value, "label": mode.label, "allowed": allowed, "note": note})
    return choices


def domains_from_text(text: str) -> list[str]:
    """Domains typed one per line (or separated by commas or spaces)."""
    return [domain for domain in re.split(r"[\s,]+", text) if domain]


def network_failure_in(text: str) -> bool:
    """Whether output says a name did not resolve or a network could not be reached."""
    return NO_NETWORK_SIGNS.search(text) is not None


def network_hint(
    *,
    mode: str,
    blocked: Iterable[str] = (),
    blocked_count: int = 0,
    failure_seen: bool = False,
    how: str = NO_NETWORK_HINT,
) -> str:
    """One line saying the network stopped the run and how to change that, or "".

    `blocked` are the engine's refusals in words; `failure_seen` whether the output had a
    resolution or connection failure (which, with no network, is why)."""
    blocked = list(blocked)
    if blocked:
        shown = ", ".join(blocked[:BLOCKED_SHOWN])
        more = max(blocked_count, len(blocked)) - min(len(blocked), BLOCKED_SHOWN)
        extra = f" and {more} more" if more > 0 else ""
        return f"blocked: {shown}{extra}. {CHANGE_POLICY}"
    if mode == NetworkChoice.NONE and failure_seen:
        return how
    return ""

"""Cost arithmetic: operator-set prices applied to what runs used.

A run costs its charged compute hours (vCPU-hours: wall time times vCPUs) times the
compute price, plus its peak memory in GiB held for its wall time (GB-hours, as cloud
providers bill memory) times the memory price, plus a flat price per run. Rejected runs
never reached a sandbox and cost nothing.
Money is Decimal throughout; amounts are rounded only when shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

GIB = 1024**3
SECONDS_PER_HOUR = Decimal(3600)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Usage:
    """What some runs used: one run, a user's runs, or a day's."""

    runs: int = 0  # runs that reached a sandbox
    compute_seconds: float = 0  # as charged to quotas
    memory_byte_seconds: float = 0  # peak memory times wall time, summed over runs

    @property
    def compute_hours(self) -> Decimal:
        return Decimal(str(self.compute_seconds)) / SECONDS_PER_HOUR

    @property
    def memory_gb_hours(self) -> Decimal:
        return Decimal(str(self.memory_byte_seconds)) / GIB / SECONDS_PER_HOUR

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            runs=self.runs + other.runs,
            compute_seconds=self.compute_seconds + other.compute_seconds,
            memory_byte_seconds=self.memory_byte_seconds + other.memory_byte_seconds,
        )


@dataclass(frozen=True)
class Cost:
    compute: Decimal
    memory: Decimal
    runs: Decimal
    currency: str = "$"

    @property
    def total(self) -> Decimal:
        return self.compute + self.memory + self.runs

    def __str__(self) -> str:
        return format_money(self.total, self.currency)


@dataclass(frozen=True)
class Prices:
    compute_hour: Decimal = Decimal(0)
    gb_hour: Decimal = Decimal(0)
    run: Decimal = Decimal(0)
    currency: str = "$"

    def cost(self, usage: Usage) -> Cost:
        return Cost(
            compute=usage.compute_hours * self.compute_hour,
            memory=usage.memory_gb_hours * self.gb_hour,
            runs=usage.runs * self.run,
            currency=self.currency,
        )

    def cost_per_run(self, usage: Usage) -> Decimal | None:
        return None if not usage.runs else self.cost(usage).total / usage.runs


def execution_usage(execution) -> Usage:
    """One execution's usage (a rejected run used nothing)."""
    if execution.status == "rejected":
        return Usage()
    wall_seconds = (execution.wall_ms or 0) / 1000
    return Usage(
        runs=1,
        compute_seconds=execution.compute_seconds_charged or 0,
        memory_byte_seconds=(execution.peak_memory_bytes or 0) * wall_seconds,
    )


def format_money(amount: Decimal, currency: str = "$") -> str:
    """Cents from a cent up, else tenths of a cent down to $0.0001: a run's cost is often
    a fraction of a cent, and "$0.00" would hide it."""
    if amount == 0:
        return f"{currency}0"
    if abs(amount) >= Decimal("0.01"):
        return f"{currency}{amount.quantize(CENT, ROUND_HALF_UP):,}"
    if abs(amount) >= Decimal("0.0001"):
        return f"{currency}{amount.quantize(Decimal('0.0001'), ROUND_HALF_UP)}"
    return f"<{currency}0.0001"

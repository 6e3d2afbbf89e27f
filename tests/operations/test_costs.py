"""Cost arithmetic: compute hours, GB-hours of memory and a flat price per run."""

from __future__ import annotations

from decimal import Decimal

import pytest

from operations.costs import Prices, Usage, execution_usage, format_money
from sandboxes.models import Execution

PRICES = Prices(
    compute_hour=Decimal("0.36"), gb_hour=Decimal("0.05"), run=Decimal("0.001"), currency="$"
)


def test_an_hour_of_compute_costs_the_compute_price():
    cost = PRICES.cost(Usage(runs=0, compute_seconds=3600))

    assert cost.compute == Decimal("0.36")
    assert cost.total == Decimal("0.36")


def test_memory_is_billed_per_gib_held_for_an_hour():
    # 512 MiB for two hours is one GB-hour.
    cost = PRICES.cost(Usage(memory_byte_seconds=512 * 2**20 * 7200))

    assert cost.memory == Decimal("0.05")


def test_one_run_of_ten_seconds_at_256_mib():
    execution = Execution(
        status="succeeded", wall_ms=10_000, peak_memory_bytes=256 * 2**20,
        compute_seconds_charged=10,
    )  # fmt: skip

    cost = PRICES.cost(execution_usage(execution))

    assert cost.compute == Decimal("0.001")  # 10 s of $0.36 an hour
    assert cost.memory.quantize(Decimal("0.0000001")) == Decimal("0.0000347")  # 1/4 GiB x 10 s
    assert cost.runs == Decimal("0.001")
    assert str(cost) == "$0.0020"


def test_a_rejected_run_costs_nothing():
    execution = Execution(status="rejected", wall_ms=None, compute_seconds_charged=None)

    assert PRICES.cost(execution_usage(execution)).total == 0


def test_usages_add_up_and_cost_per_run_divides_the_total():
    usage = Usage(1, 1800, 0) + Usage(3, 1800, 0)

    assert usage == Usage(runs=4, compute_seconds=3600, memory_byte_seconds=0)
    assert PRICES.cost_per_run(usage) == (Decimal("0.36") + 4 * Decimal("0.001")) / 4
    assert PRICES.cost_per_run(Usage()) is None


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("0"), "$0"),
        (Decimal("1234.5"), "$1,234.50"),
        (Decimal("0.0123"), "$0.01"),
        (Decimal("0.00234"), "$0.0023"),
        (Decimal("0.00001"), "<$0.0001"),
    ],
)
def test_money_shows_fractions_of_a_cent(amount, shown):
    assert format_money(amount) == shown

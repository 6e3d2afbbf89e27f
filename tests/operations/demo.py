"""A fortnight of made-up runs, for the dashboard's screenshot and browser test.

Deterministic (seeded): about 1,400 runs by seven users, mostly Python, with an error
spike four days ago and a few runs active now.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from quotas.models import Quota, Tier
from quotas.services import quota_change_tier
from sandboxes.models import Execution, PackageUsage

USERS = {"dennis": "pro", "grace": "premium", "linus": "pro", "margaret": "enterprise",
         "ken": "free", "barbara": "pro", "guido": "free"}  # fmt: skip
WEIGHTS = {"dennis": 5, "grace": 8, "linus": 3, "margaret": 6, "ken": 1, "barbara": 2, "guido": 1}
PACKAGES = {
    "python": ["requests", "numpy", "pandas", "matplotlib", "httpx", "pydantic", "rich"],
    "node": ["lodash", "zod", "axios", "dayjs"],
}
STATUSES = [("succeeded", 820), ("failed", 100), ("timed_out", 30), ("error", 10),
            ("oom_killed", 10), ("cancelled", 15), ("rejected", 15)]  # fmt: skip


def make_demo_runs(days: int = 14, seed: int = 8) -> int:
    rng = random.Random(seed)
    users = {}
    for name, tier in USERS.items():
        user, _ = User.objects.get_or_create(username=name, defaults={"email": f"{name}@x.test"})
        quota_change_tier(quotas=Quota.objects.filter(user=user), tier=Tier.objects.get(name=tier))
        users[name] = user
    now = timezone.now()
    rows = []
    for back in range(days - 1, -1, -1):
        day = (now - timedelta(days=back)).replace(hour=0, minute=0, second=0, microsecond=0)
        weekend = day.weekday() >= 5
        count = int((55 + 5 * (days - back)) * (0.6 if weekend else 1) * rng.uniform(0.85, 1.15))
        for _ in range(count):
            at = day + timedelta(seconds=rng.uniform(0, 86_000))
            if at > now:
                at = now - timedelta(seconds=rng.uniform(60, 3600))
            rows.append(_run(rng, users, at, incident=back == 4))
    _add_network(random.Random(seed + 1), [row for row, _ in rows])
    with transaction.atomic():
        made = Execution.objects.bulk_create([row for row, _ in rows])
        for execution, (_, created_at) in zip(made, rows, strict=True):
            Execution.objects.filter(pk=execution.pk).update(created_at=created_at)
        for status in ("running", "running", "running", "preparing", "queued", "queued"):
            Execution.objects.create(
                owner=users[rng.choice(list(USERS))], runtime="python3.13", status=status,
                snapshot={"files": {}, "entry": "main.py", "packages": [], "env_names": []},
                timeout_seconds=60, timeline=[["queued", now.isoformat()]], worker="worker-2:4242",
            )  # fmt: skip
        for language, names in PACKAGES.items():
            scale = 900 if language == "python" else 450
            for rank, name in enumerate(names):
                PackageUsage.objects.update_or_create(
                    language=language, name=name, defaults={"count": int(scale / (rank + 1.6))}
                )
    return len(rows)


def _add_network(rng: random.Random, runs: list[Execution]) -> None:
    """About one ended run in four calls out: an API's answer or a download in, a request
    out (a random stream of its own, so the rest of the demo stays as it was)."""
    for run in runs:
        if run.status != "rejected" and rng.random() < 0.25:
            run.network_bytes_in = int(math.exp(rng.gauss(math.log(60_000), 1.6)))
            run.network_bytes_out = int(math.exp(rng.gauss(math.log(2_000), 0.8)))


def _run(rng: random.Random, users: dict, at, incident: bool):
    name = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    language = "python" if rng.random() < 0.72 else "node"
    statuses, weights = zip(*STATUSES, strict=True)
    status = rng.choices(statuses, weights=weights)[0]
    if incident and rng.random() < 0.12:
        status = "error"
    packages = rng.sample(PACKAGES[language], k=rng.choice([0, 0, 0, 1, 2]))
    fields = {
        "owner": users[name],
        "runtime": "python3.13" if language == "python" else "node22",
        "snapshot": {"files": {}, "entry": "main.py", "packages": packages, "env_names": []},
        "timeout_seconds": 60,
        "status": status,
        "timeline": [["queued", at.isoformat()], [status, at.isoformat()]],
        "finished_at": at,
    }
    if status != "rejected":
        wall = math.exp(rng.gauss(math.log(0.16 if language == "python" else 0.09), 1.1))
        if status == "timed_out":
            wall = 60.0
        wall += 2.5 * len(packages) * rng.random()
        fields.update(
            wall_ms=round(wall * 1000),
            cpu_ms=round(wall * 800),
            peak_memory_bytes=int(rng.uniform(18, 180) * 2**20),
            compute_seconds_charged=math.ceil(wall),
            exit_code=0 if status == "succeeded" else 1,
            output_bytes=rng.randint(10, 20_000),
        )
    return Execution(**fields), at

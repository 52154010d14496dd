"""Benchmark: onboarding a province's organisations from one CSV (``invite_administrators``).

    .venv/bin/python bench/onboarding.py [--organisations 100 1000]

Migrates its own SQLite file under bench/out/ (rebuilt each run; or an empty PostgreSQL database
named by DATABASE_URL),
generates a province of each size (``ita.demo.synthetic``), writes its CSV (half by DOPA code,
half by name and district) and times, in the same run:

- the preview (``onboarding.plan``: read, match, check; nothing written): the baseline;
- the run (``administrators_invite``: a clerk's position and an invitation per organisation, each
  with its history row, the mails queued on the database as in production);
- the second run, which finds every organisation already invited and changes nothing.

It prints each time, per organisation, and as a ratio of the preview of the same size.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita.settings")
os.environ["LOG_LEVEL"] = "WARNING"

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--organisations", type=int, nargs="+", default=[100, 1000])
ARGS = parser.parse_args()
out = ROOT / "bench" / "out"
out.mkdir(parents=True, exist_ok=True)
if not os.environ.get("DATABASE_URL"):
    db_file = out / "onboarding.sqlite3"
    db_file.unlink(missing_ok=True)
    os.environ["SQLITE_PATH"] = str(db_file)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from ita.accounts.models import Invitation  # noqa: E402
from ita.administration import onboarding  # noqa: E402
from ita.demo import synthetic  # noqa: E402
from ita.organisations.models import Organisation  # noqa: E402


def csv_of(organisations: list[Organisation], tag: int) -> bytes:
    lines = ["รหัส,หน่วยงาน,อำเภอ,จังหวัด,อีเมล"]
    for n, o in enumerate(organisations):
        if n % 2 == 0:
            lines.append(f"{o.code},,,,admin{tag}-{n}@example.org")
        else:
            lines.append(f",{o.name},{o.district.name},{o.district.province.name},a{tag}-{n}@x.org")
    return "\n".join(lines).encode("utf-8")


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    call_command("migrate", verbosity=0)
    print(f"database: {django.db.connection.vendor}")
    for size in ARGS.organisations:
        data = synthetic.build(
            organisations=size,
            provinces=1,
            districts=max(1, size // 12),
            years=(),
            scores=False,
            seed=size,
        )
        organisations = list(
            Organisation.objects.filter(pk__in=[o.pk for o in data.organisations])
            .select_related("district__province")
            .order_by("pk")
        )
        for n, o in enumerate(organisations):
            o.code = f"9{size:05d}{n:05d}"
        Organisation.objects.bulk_update(organisations, ["code"], batch_size=1000)
        payload = csv_of(organisations, size)
        preview, rows = timed(lambda p=payload: onboarding.plan(onboarding.read_rows(p)))
        assert onboarding.counts(rows) == {onboarding.INVITE: size}, onboarding.counts(rows)
        queued = DBTaskResult.objects.count()
        run, rows = timed(
            lambda p=payload: onboarding.administrators_invite(
                rows=onboarding.read_rows(p), actor=None
            )
        )
        assert onboarding.counts(rows) == {onboarding.INVITED: size}
        assert DBTaskResult.objects.count() - queued == size
        assert Invitation.objects.filter(organisation__in=organisations).count() == size
        again, rows = timed(
            lambda p=payload: onboarding.administrators_invite(
                rows=onboarding.read_rows(p), actor=None
            )
        )
        assert onboarding.counts(rows) == {onboarding.ALREADY: size}
        print(
            f"{size:>6} organisations: preview {preview:6.2f} s | run {run:6.2f} s "
            f"({run / size * 1000:5.1f} ms each, {run / preview:5.1f}× the preview) | "
            f"second run {again:6.2f} s ({again / preview:4.1f}× the preview, nothing changed)"
        )


if __name__ == "__main__":
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        main()

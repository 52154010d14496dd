"""Benchmark: the memo workflow's transitions and the inbox page at 10,000 memos.

    .venv/bin/python bench/workflow.py [--memos 10000] [--runs 25] [--reset]

Loads the demo (อบต.สุโสะ and its people) and adds ``--memos`` memos spread over every state, a
quarter of them waiting for the head of the clerk's office, in its own SQLite file under
bench/out/, or in the database of ``DATABASE_URL`` when that is set (it refuses to touch a
database holding other data unless given ``--reset``, which empties it).

It prints, for each transition (send, agree and forward at each step, decide, return, withdraw),
the number of queries and the median time of ``--runs`` calls of the service; then, for the
inbox, the memo list and a memo's page, the queries and the median time of ``--runs`` requests
through Django's test client (full middleware stack), and the ratio of each median to a bare
Django view (one small query, a plain HttpResponse) and to the page's floor: a view that fetches
the same rows as plain values and serialises them to JSON (with the count the page shows),
through the same middleware as the same user, measured in the same run on the same database.

Last, the outgoing register of 2564 (``--memos`` numbers) built as the task worker builds it
(``memos.register_files``), PDF and XLSX, each in a child process: its time, CPU time and the
peak resident memory of the child with every process under it, against the same child's
memory before the build (Django and the data loaded: what a worker holds idle), with the load
average (the times depend on it). ``--register-only`` runs that alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita.settings")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--memos", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--reset", action="store_true", help="empty the database first")
    parser.add_argument("--register-only", action="store_true", help="the register's files only")
    # Internal: build one register file in this (child) process and print what it cost.
    parser.add_argument("--register-child", choices=("pdf", "xlsx"), help=argparse.SUPPRESS)
    return parser.parse_args()


ARGS = _arguments() if __name__ == "__main__" else None
if ARGS is not None and not os.environ.get("DATABASE_URL"):
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    os.environ["SQLITE_PATH"] = str(out / f"memos-{ARGS.memos}.sqlite3")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import QuerySet  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.proctree import Peak, tree  # noqa: E402
from ita.demo import load, seed  # noqa: E402
from ita.history.models import Event  # noqa: E402
from ita.organisations.models import Organisation  # noqa: E402
from memos import register_files, selectors, services  # noqa: E402
from memos.models import Attachment, Memo, OutgoingRegister, SignOff, State  # noqa: E402
from memos.services import CONTENT_FIELDS  # noqa: E402


def bare(request: HttpRequest) -> HttpResponse:
    """The baseline: one query that reads no table (its cost does not grow with the memos) and
    a plain response, through the same middleware."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return HttpResponse(str(cursor.fetchone()[0]))


# The floors of the pages measured, by name: set by main() (they need the data's users and memos).
FLOORS: dict[str, Callable[[], dict[str, object]]] = {}


def floor(request: HttpRequest, name: str) -> HttpResponse:
    """The rows a page shows, fetched as plain values and serialised: what any page showing them
    must at least do, on top of the request itself."""
    rows = FLOORS[name]()
    # Every private page of an executive shows the navigation's two counts.
    rows["navigation"] = selectors.nav_counts(request.user)
    data = {
        key: list(value.values()) if isinstance(value, QuerySet) else value
        for key, value in rows.items()
    }
    return HttpResponse(json.dumps(data, default=str, ensure_ascii=False))


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/floor/<str:name>/", floor),
    path("", include("ita.urls")),
]


def _prepare(args: argparse.Namespace) -> None:
    call_command("migrate", verbosity=0, interactive=False)
    home = Organisation.objects.filter(name=seed.HOME_NAME).first()
    ready = home is not None and Memo.objects.filter(organisation=home).count() >= args.memos
    if ready and not args.reset:
        return
    if Organisation.objects.exists():
        if not args.reset:
            sys.exit("The database holds other data; run again with --reset to empty it.")
        call_command("flush", interactive=False, verbosity=0)
    print(f"Loading the demo and {args.memos:,} memos…", flush=True)
    load.load_all()
    home = Organisation.objects.get(name=seed.HOME_NAME)
    author = get_user_model().objects.get(username="legal")
    # The demo holds the decided memo of 2564 and a fresh draft: the first is the template.
    template = Memo.objects.filter(organisation=home).order_by("pk").first()
    content = {name: getattr(template, name) for name in CONTENT_FIELDS}
    # A quarter waits for the head of office (the inbox measured); the rest spread over states.
    cycle = [State.HEAD, State.DEPUTY, State.CLERK, State.MAYOR, State.DECIDED, State.RETURNED]
    now = timezone.now()
    # The demo's decided memo already holds a number of 2564: the new ones follow it.
    register, _made = OutgoingRegister.objects.get_or_create(organisation=home, fiscal_year=2564)
    first = register.last_number + 1
    rows = []
    for i in range(args.memos):
        state = State.HEAD if i % 4 == 0 else cycle[i % len(cycle)]
        rows.append(
            Memo(
                organisation=home,
                author=author,
                state=state,
                round=1,
                register_year=2564,
                register_number=first + i,
                sent_at=now - dt.timedelta(minutes=args.memos - i),
                **{**content, "subject": f"{content['subject']} ({i + 1})"},
            )
        )
    Memo.objects.bulk_create(rows, batch_size=1000)
    register.last_number = first + args.memos - 1
    register.save(update_fields=["last_number"])


def _time(call: Callable[[], object], runs: int) -> tuple[int, float]:
    """(queries of one call, median seconds of ``runs`` calls); each call gets fresh input."""
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        queries = max(queries, len(ctx))
    return queries, statistics.median(times)


def _transitions(runs: int) -> list[tuple[str, int, float]]:
    home = Organisation.objects.get(name=seed.HOME_NAME)
    users = {u.username: u for u in get_user_model().objects.all()}
    template = Memo.objects.filter(organisation=home).order_by("pk").first()
    content = {name: getattr(template, name) for name in CONTENT_FIELDS}

    def drafts(n: int) -> list[Memo]:
        return [
            services.memo_create(organisation=home, data=content, actor=users["legal"])
            for _ in range(n)
        ]

    results = []

    def measure(label: str, memos: list[Memo], action: Callable[[Memo], object]) -> None:
        queue = iter(memos)
        queries, median = _time(lambda: action(Memo.objects.get(pk=next(queue).pk)), len(memos))
        results.append((label, queries, median))

    batch = drafts(runs)
    measure(
        "send (first, takes a number)",
        batch,
        lambda m: services.memo_send(memo=m, actor=users["legal"]),
    )
    for role in ("head", "deputy", "clerk"):
        measure(
            f"agree and forward ({role})",
            batch,
            lambda m, r=role: services.memo_approve(memo=m, actor=users[r], comment="เห็นชอบ"),
        )
    measure(
        "decide (mayor approves)",
        batch,
        lambda m: services.memo_approve(memo=m, actor=users["mayor"], outcome="approved"),
    )
    batch = drafts(runs)
    for m in batch:
        services.memo_send(memo=m, actor=users["legal"])
    measure(
        "return (head)",
        batch,
        lambda m: services.memo_return(memo=m, actor=users["head"], reason="แก้ไข"),
    )
    measure(
        "send again (returned)", batch, lambda m: services.memo_send(memo=m, actor=users["legal"])
    )
    batch = drafts(runs)
    for m in batch:
        services.memo_send(memo=m, actor=users["legal"])
    measure(
        "withdraw (at the first step)",
        batch,
        lambda m: services.memo_withdraw(memo=m, actor=users["legal"]),
    )
    return results


def _floors(head: object, some: Memo, total: int) -> dict[str, Callable[[], dict[str, object]]]:
    """The rows each page shows: a page of 50 and the count above it; a memo with its
    sign-offs, attachments and timeline."""
    organisation = some.organisation
    size = selectors.INBOX_PAGE_SIZE

    def listed(f: selectors.MemoFilter, start: int = 0) -> dict[str, object]:
        found = selectors.memo_search(head, organisation, f)
        return {"memos": found[start : start + 50], "count": found.count()}

    last = (-(-total // 50) - 1) * 50
    return {
        # Its count is the navigation's (added to every floor).
        "inbox": lambda: {"memos": selectors.inbox(head)[:size]},
        "list": lambda: listed(selectors.MemoFilter()),
        "searched": lambda: listed(selectors.MemoFilter(q="ITA", state="head")),
        "last": lambda: listed(selectors.MemoFilter(), last),
        "memo": lambda: {
            "memo": Memo.objects.filter(pk=some.pk),
            "signoffs": SignOff.objects.filter(memo=some),
            "attachments": Attachment.objects.filter(memo=some),
            "timeline": Event.objects.filter(object_type="memos.memo", object_id=str(some.pk)),
        },
    }


def _page(client: Client, url: str, runs: int) -> tuple[int, float]:
    for _ in range(2):
        assert client.get(url).status_code == 200, url
    return _time(lambda: client.get(url), runs)


def _register_child(fmt: str) -> None:
    """Build the register's file as the worker does; print seconds, CPU seconds, pages, the
    memory before (MB) and the peak of this process with any it starts."""
    home = Organisation.objects.get(name=seed.HOME_NAME)
    last = selectors.register_last(home, 2564)
    cache.clear()
    idle = tree(os.getpid())[0]
    cpu = time.process_time()
    start = time.perf_counter()
    with Peak() as peak, tempfile.TemporaryFile() as out:
        register_files.WRITERS[fmt](home, 2564, last, out)
        size = out.tell()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu + peak.children_cpu
    print(
        json.dumps(
            {
                "rows": last,
                "seconds": seconds,
                "cpu": cpu,
                "idle": idle,
                "peak": max(peak.mb, idle),
                "bytes": size,
            }
        )
    )


def _registers(args: argparse.Namespace) -> None:
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nThe outgoing register's files, built as the worker builds them (load average {load})")
    print(
        f"{'file':<6} {'numbers':>8} {'seconds':>8} {'CPU s':>6} {'MB idle':>8} {'MB peak':>8}"
        f" {'× idle':>7} {'MB file':>8}"
    )
    for fmt in register_files.FORMATS:
        command = [sys.executable, __file__, f"--memos={args.memos}", f"--register-child={fmt}"]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{fmt.upper():<6} {r['rows']:>8,} {r['seconds']:>8.1f} {r['cpu']:>6.1f}"
            f" {r['idle']:>8.0f} {r['peak']:>8.0f} {r['peak'] / r['idle']:>7.2f}"
            f" {r['bytes'] / 1e6:>8.1f}"
        )
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"(memory: the build's process and every process under it; load average {load} at the end)"
    )


def main(args: argparse.Namespace) -> None:
    settings.ROOT_URLCONF = __name__
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEBUG = False
    if args.register_child:
        _register_child(args.register_child)
        return
    _prepare(args)
    if args.register_only:
        _registers(args)
        return
    engine = connection.vendor
    total = Memo.objects.count()
    head = get_user_model().objects.get(username="head")
    waiting = Memo.objects.awaiting(head).count()
    print(f"Database: {engine}; {total:,} memos; {waiting:,} waiting for the head of office.\n")

    print(f"{'transition (service call)':<32} {'queries':>7} {'median ms':>10}")
    for label, queries, median in _transitions(args.runs):
        print(f"{label:<32} {queries:>7} {median * 1000:>10.2f}")

    client = Client()
    client.force_login(head)
    # The memo page: the demo's memo of 2564, signed by every executive (a full timeline).
    some = Memo.objects.filter(signoffs__isnull=False).order_by("pk").first()
    pages = [
        ("bare view (baseline)", "/bench/bare/", ""),
        ("inbox (รอพิจารณา)", "/memos/inbox/", "inbox"),
        ("memo list", "/memos/", "list"),
        ("memo list, searched", "/memos/?q=ITA&state=head", "searched"),
        ("memo list, last page", f"/memos/?page={-(-total // 50)}", "last"),
        ("my desk", "/memos/desk/", ""),
        ("outgoing register (page)", "/memos/register/", ""),
        ("memo page", f"/memos/{some.pk}/", "memo"),
    ]
    FLOORS.update(_floors(head, some, total))
    print(f"\n{'page':<32} {'queries':>7} {'median ms':>10} {'× bare':>7} {'× floor':>8}")
    baseline = None
    for label, url, name in pages:
        queries, median = _page(client, url, args.runs)
        baseline = baseline or median
        ratio = ""
        if name:
            ratio = f"{median / _page(client, f'/bench/floor/{name}/', args.runs)[1]:>8.1f}"
        print(f"{label:<32} {queries:>7} {median * 1000:>10.2f} {median / baseline:>7.1f} {ratio}")
    print("\nThe inbox shows 50 waiting memos a page, oldest first; its count covers all of them.")
    _registers(args)


if __name__ == "__main__":
    main(ARGS)

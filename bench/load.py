"""Load test: the production stack on this machine, driven from loopback with a bounded load.

    .venv/bin/python bench/load.py [--seconds 8] [--connections 16] [--pdf-clients 6]

Starts, on 127.0.0.1 only: nginx (Debian's; installed with apt-get when missing, as is wrk),
two app servers (each a gunicorn of sync workers for the pages and a lower-priority one,
``nice 5``, for PDF downloads, which nginx routes there), a task worker when django-tasks'
database backend is installed, all on PostgreSQL (its own database, ``ita_load`` or ``--database``, built once:
the demo and the nationwide synthetic data set of bench/pages.py) and one shared media folder.

It then shows that a session, an upload and an import made through one app server are seen
through the other, and prints, for the public results page (the largest province) as a visitor
and as a member, the inbox, a memo page, the API, ``/health/``, ``/health/live/`` and a PDF
download, wrk's throughput and p50/p95 against the login page measured just before it, first
alone, then with ``--pdf-clients`` members downloading PDFs beside (each download a render of a
new version; counted: PDFs each got, how long each waited in the queue, refusals); the visitor's
results page beside clients that send it made-up query parameters, against the same page quiet
(in turns); how long the login page takes to answer at its speed again after a burst of
``--burst`` logged-in clients; and, last, each of issue 28's conditions with PASS or FAIL.
Every request loop is bounded in time; everything it started is stopped at the end. The
database is dropped only with ``--drop``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import AppServer, Browser, free_port, manage, stack_env  # noqa: E402

DATABASE = "ita_load"
PG = "postgres://ita:ita-ci@127.0.0.1:5432"
PASSWORD = "ita-demo-2564"
LAST_YEAR = 2567
# PDF renders run in their own gunicorn, at a lower priority than the pages' (nice).
PDF_NICE = 5
SEED_TABLE = ROOT / "ita" / "demo" / "data" / "trang_2564.txt"

# wrk's summary with the 95th percentile, which its --latency table lacks.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(95), bad))
end
"""

PREPARE = """
import django
django.setup()
from django.contrib.auth.models import User
from ita.demo import synthetic
from ita.organisations.models import Organisation, Province
from memos import services
from memos.models import Memo
if not Organisation.objects.exists():
    from django.core.management import call_command
    call_command("load_demo")
if not Province.objects.filter(name__startswith=synthetic.PROVINCE_PREFIX).exists():
    synthetic.build(years=list(range(2563, 2568)), progress=print)
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
# The demo's fresh draft (the legal officer also wrote the decided memo of 2564): sent once.
memo = Memo.objects.filter(author__username="legal", state="draft").order_by("pk").first()
if memo is not None:
    services.memo_send(memo=memo, actor=User.objects.get(username="legal"))
"""


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=8, help="per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--pdf-clients", type=int, default=6)
    parser.add_argument("--burst", type=int, default=200, help="logged-in clients in the burst")
    parser.add_argument("--workers", type=int, default=3, help="page workers per app server")
    parser.add_argument("--database", default=DATABASE, help="PostgreSQL database (made once)")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    return parser.parse_args()


def _need(binary: str, package: str) -> str:
    found = shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/usr/bin")
    if found:
        return found
    print(f"Installing {package} from Debian…", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", package], check=True, env={
        **os.environ, "DEBIAN_FRONTEND": "noninteractive"})  # fmt: skip
    found = shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/usr/bin")
    assert found, f"{binary} is still missing"
    return found


def _database(env: dict[str, str], database: str) -> None:
    code = (
        "import psycopg\n"
        f"c = psycopg.connect('{PG}/postgres', autocommit=True)\n"
        f"if not c.execute(\"SELECT 1 FROM pg_database WHERE datname='{database}'\").fetchone():\n"
        f"    c.execute('CREATE DATABASE {database}')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def _drop(env: dict[str, str], database: str) -> None:
    code = (
        "import psycopg\n"
        f"c = psycopg.connect('{PG}/postgres', autocommit=True)\n"
        f"c.execute('DROP DATABASE IF EXISTS {database} WITH (FORCE)')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


NGINX = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  client_max_body_size 25m;
  upstream pages {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
  upstream pdf {{ server 127.0.0.1:{a_pdf}; server 127.0.0.1:{b_pdf}; }}
  server {{
    listen 127.0.0.1:{port};
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_read_timeout 120s;
    # As docs/deploy.md: another server only for a request refused at once, never after a timeout.
    proxy_next_upstream error;
    proxy_next_upstream_timeout 5s;
    # A page's answer fits in memory (no spooling to disk).
    proxy_buffer_size 16k;
    proxy_buffers 32 16k;
    location /static/ {{ alias {static}/; expires 1d; }}
    location ~ ^/memos/[0-9]+/pdf/$ {{ proxy_pass http://pdf; }}
    location / {{ proxy_pass http://pages; }}
  }}
}}
"""


@dataclass
class Result:
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    errors: int
    requests: int = 0


def _wrk_command(
    binary: str, url: str, seconds: int, connections: int, cookie: str = "", script: str = ""
) -> tuple[list[str], str]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(WRK_SCRIPT + script)
    command = [binary, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-s", lua.name]
    # As browsers ask: public pages then come compressed from the cache.
    command += ["-H", "Accept-Encoding: gzip, deflate, br"]
    if cookie:
        # A member following the site's own links, as a browser says (private pages then come
        # compressed: ita.lib.middleware.PrivateCompressionMiddleware).
        command += ["-H", f"Cookie: {cookie}", "-H", "Sec-Fetch-Site: same-origin"]
    return [*command, url], lua.name


def _wrk_result(stdout: str, stderr: str) -> Result:
    found = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", stdout)
    assert found, stdout + stderr
    n, micros, p50, p95, bad = (int(x) for x in found.groups())
    return Result(n / (micros / 1e6), p50 / 1000, p95 / 1000, bad, n)


def wrk(binary: str, url: str, seconds: int, connections: int, cookie: str = "") -> Result:
    command, lua = _wrk_command(binary, url, seconds, connections, cookie)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    os.unlink(lua)
    return _wrk_result(done.stdout, done.stderr)


class Downloaders:
    """Members downloading a memo's PDF, each with its own connection, as a browser does: a
    download answered 202 (queued for the worker) asks again after Retry-After until it gets the
    PDF. With ``forget``, every download is of a new version: once all of them have the PDF,
    ``forget`` drops the render (the memo has just changed) and they all download again (one
    render per version, whoever asks, as in use). Counted: PDFs served, how long each download
    waited for its PDF, and refusals."""

    def __init__(
        self, url: str, cookies: list[str], clients: int, forget: Callable[[], None] | None = None
    ) -> None:
        self.url, self.cookies, self.clients = url, cookies, clients
        self.stop = threading.Event()
        self.done = self.queued = self.busy = self.failed = 0
        self.waits: list[float] = []
        self.served = [0] * clients  # PDFs each downloader got
        self.lock = threading.Lock()
        self.version = threading.Barrier(clients, action=forget) if forget else None
        self.running = threading.Event()  # paused until resumed
        self.rounds = 0  # pauses so far
        self.threads = [
            threading.Thread(target=self._loop, args=(n,), daemon=True) for n in range(clients)
        ]

    def _loop(self, n: int) -> None:
        browser = Browser()
        started, round_ = time.monotonic(), self.rounds
        while not self.stop.is_set():
            if not self.running.is_set():
                self.running.wait(0.5)  # paused: the pages are measured alone
                continue
            cookie = self.cookies[n % len(self.cookies)]  # the organisation's members in turn
            response = browser.request(self.url, headers={"Cookie": cookie})
            served = response.status == 200 and response.body.startswith(b"%PDF")
            with self.lock:
                if served:
                    self.done += 1
                    self.served[n] += 1
                    if round_ == self.rounds:  # not paused meanwhile
                        self.waits.append(time.monotonic() - started)
                elif response.status == 202:
                    self.queued += 1
                elif response.status == 503:
                    self.busy += 1
                else:
                    self.failed += 1
            if response.status in (202, 503):
                # As the queue's page does: wait Retry-After seconds, then ask again.
                self.stop.wait(float(response.headers.get("Retry-After", "3")))
                continue
            if served and self.version is not None:
                try:
                    self.version.wait()  # the others have it too: the memo changes
                except threading.BrokenBarrierError:
                    return  # stopped
            started, round_ = time.monotonic(), self.rounds  # the next download starts now

    def pause(self) -> None:
        self.running.clear()
        self.rounds += 1

    def resume(self) -> None:
        self.running.set()
        time.sleep(2)  # the renders are under way

    @property
    def all_served(self) -> bool:
        """Every downloader got its PDFs, none was refused and nothing failed."""
        return all(self.served) and not self.busy and not self.failed

    def summary(self) -> str:
        waits = sorted(self.waits)
        median = waits[len(waits) // 2] if waits else float("nan")
        longest = waits[-1] if waits else float("nan")
        return (
            f"{self.clients} PDF downloaders beside: {self.done} PDFs served (waited {median:.1f} s"
            f" median, {longest:.1f} s at most), {self.queued} answers 'queued' (202, asked"
            f" again), {self.busy} refused busy (503), {self.failed} failures; PDFs each"
            f" downloader got: {', '.join(map(str, self.served))}"
        )

    def __enter__(self) -> Downloaders:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.version is not None:
            self.version.abort()
        for t in self.threads:
            t.join(timeout=120)


BUSTING_TURNS = 4
# Each request a new URL: the page with made-up query parameters (wrk's request hook).
BUSTING = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "?utm_source=bench" .. counter .. "&_=" .. math.random(1e9))
end
"""


class Busters:
    """Clients (wrk's, as the visitors') asking for a public page with made-up query parameters
    for ``seconds``, each request a new URL: what they cost the visitors beside them."""

    def __init__(self, binary: str, url: str, seconds: int, clients: int = 2) -> None:
        self.command, self.lua = _wrk_command(binary, url, seconds, clients, script=BUSTING)
        self.sent = 0

    def __enter__(self) -> Busters:
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        time.sleep(0.5)  # under way before the visitors' clock starts
        return self

    def __exit__(self, *exc: object) -> None:
        stdout, stderr = self.process.communicate(timeout=120)
        os.unlink(self.lua)
        self.sent = _wrk_result(stdout, stderr).requests


def _forgetting_renders(database: str) -> Callable[[], None]:
    """Drops the cached renders of memos (``memos.archive.document_key``: the document's SHA-256) from
    the shared cache: each download is then a render, the worst case (a member downloading a
    memo that has just changed), while every other cached thing stays."""
    import psycopg

    connection = psycopg.connect(f"{PG}/{database}", autocommit=True)
    lock = threading.Lock()

    def forget() -> None:
        with lock:
            connection.execute(
                "DELETE FROM ita_cache WHERE cache_key ~ '^:1:memo-pdf:[0-9a-f]{64}$'"
            )

    return forget


def _cache_entries(database: str) -> int:
    import psycopg

    with psycopg.connect(f"{PG}/{database}") as connection:
        row = connection.execute("SELECT count(*) FROM ita_cache").fetchone()
    return int(row[0]) if row else 0


def _session(browser: Browser) -> str:
    return f"sessionid={browser.cookie('sessionid')}"


def _cross_server_checks(a: AppServer, b: AppServer, memo: int, trang: int, measure: int) -> None:
    print("\nTwo app servers, one database and media folder:")
    legal = Browser()
    legal.log_in(a.url, "legal", PASSWORD)
    seen = legal.get(f"{b.url}/memos/{memo}/")
    print(f"  a session made through A opens memo {memo} through B: {seen.status == 200}")
    # Evidence of a measure's progress (memo attachments need a draft; the memo is sent).
    content = b"%PDF-1.4\n% evidence uploaded in the load test\n"
    uploaded = legal.post(
        f"{a.url}/measures/{measure}/progress/",
        {"note": "ประชุมแล้ว (load test)"},
        {"files": ("minutes.pdf", content)},
    )
    # The newest file: earlier runs' are listed too (their files went with their media folder).
    links = [int(n) for n in re.findall(r'href="/measures/evidence/(\d+)/"', uploaded.text)]
    downloaded = legal.get(f"{b.url}/measures/evidence/{max(links)}/") if links else None
    same = downloaded is not None and downloaded.body == content
    print(f"  a file uploaded through A downloads the same through B: {same}")

    visitor = Browser()
    page = f"/results/2564/{trang}/"
    first = {s.url: visitor.get(s.url + page) for s in (a, b)}
    admin = Browser()
    admin.log_in(a.url, "admin", PASSWORD)
    # The seed's Trang table with one total changed (as tests/test_two_servers.py does).
    text = SEED_TABLE.read_text(encoding="utf-8").replace("96.76\tAA\t+33.84", "97.76\tAA\t+34.84")
    preview = admin.post(a.url + "/imports/", {"text": text, "year": "2564"})
    batch = re.search(r"/imports/(\d+)/", preview.url)
    applied = False
    if batch:
        for _ in range(20):
            if "/commit/" in preview.text:
                break
            preview = admin.post(f"{a.url}/imports/{batch.group(1)}/check/", {})
        admin.post(f"{a.url}/imports/{batch.group(1)}/commit/", {})
        applied = _job_done(admin, a.url, batch.group(1), "apply")
    after = {
        s.url: visitor.get(s.url + page, if_none_match=first[s.url].headers["ETag"]) for s in (a, b)
    }
    both = all(r.status == 200 and "97.76" in r.text for r in after.values())
    print(f"  an import applied through A (Trang 2564, one total 96.76 → 97.76): applied "
          f"{applied}; the cached results page shows it through A and B at once: {both}")  # fmt: skip
    if applied and batch:
        admin.post(f"{a.url}/imports/{batch.group(1)}/revert/", {})
        _job_done(admin, a.url, batch.group(1), "revert")  # before the pages are measured


def _job_done(admin: Browser, site: str, batch: str, action: str, seconds: float = 120) -> bool:
    """Whether the task worker finished the import's apply or revert (the page queues it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = json.loads(admin.get(f"{site}/imports/{batch}/job/").text)
        if job.get("action") == action and job["status"] in ("done", "failed"):
            return bool(job["status"] == "done")
        time.sleep(0.5)
    return False


def main(args: argparse.Namespace) -> None:
    nginx = _need("nginx", "nginx-light")
    wrk_bin = _need("wrk", "wrk")
    work = Path(tempfile.mkdtemp(prefix="ita-load-"))
    base = stack_env(
        DATABASE_URL=f"{PG}/{args.database}",
        DEBUG="false",
        SECRET_KEY="load-test-only-" + os.urandom(8).hex(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="https://ita.load-test.example",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(work / "static"),
        MEDIA_ROOT=str(work / "media"),
        RENDER_LOCK_DIR=str(work / "slots"),
        PDF_RENDER_SLOTS="1",
        LOG_LEVEL="WARNING",
    )
    _database(base, args.database)
    print(f"Migrating and loading the data set (once; kept in {args.database})…", flush=True)
    manage(base, "migrate", "--noinput")
    manage(base, "collectstatic", "--noinput")
    subprocess.run([sys.executable, "-c", PREPARE], cwd=ROOT, env=base, check=True)
    facts = json.loads(
        subprocess.run(
            [sys.executable, "-c", FACTS], cwd=ROOT, env=base, check=True, capture_output=True,
            text=True,
        ).stdout
    )  # fmt: skip

    a = AppServer(base, workers=args.workers, log=work / "a.log")
    b = AppServer(base, workers=args.workers, log=work / "b.log")
    # The PDF pool caches as the pages' servers do (the task worker's queued renders reach it
    # there); the downloaders drop each render once served, so that every download is a render.
    a_pdf = AppServer(base, workers=2, nice=PDF_NICE, log=work / "a-pdf.log")
    b_pdf = AppServer(base, workers=2, nice=PDF_NICE, log=work / "b-pdf.log")
    servers = [a, b, a_pdf, b_pdf]
    port = free_port()
    (work / "nginx.conf").write_text(
        NGINX.format(
            dir=work, a=a.port, b=b.port, a_pdf=a_pdf.port, b_pdf=b_pdf.port, port=port,
            static=work / "static",
        )
    )  # fmt: skip
    processes: list[subprocess.Popen] = []
    try:
        for s in servers:
            s.start()
        for s in servers:
            s.wait()
        processes.append(
            subprocess.Popen(
                [nginx, "-c", str(work / "nginx.conf"), "-p", str(work), "-g", "daemon off;"]
            )
        )
        if find_spec("django_tasks_db") or find_spec("django_tasks"):
            # At the PDF pool's priority: its queued renders are the pages' background too.
            worker = subprocess.Popen(
                ["nice", "-n", str(PDF_NICE), sys.executable, "manage.py", "worker"],
                cwd=ROOT, env=base,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            processes.append(worker)
            print(f"Task worker: manage.py worker (nice {PDF_NICE})")
        else:
            print("Task worker: none (django-tasks is not installed)")
        site = f"http://127.0.0.1:{port}"
        time.sleep(1)
        _cross_server_checks(a, b, facts["memo"], facts["trang"], facts["measure"])
        _measure_all(args, wrk_bin, site, facts)
    finally:
        for p in processes:
            p.terminate()
            p.wait(timeout=30)
        for s in servers:
            s.stop()
        if args.drop:
            _drop(base, args.database)
        shutil.rmtree(work, ignore_errors=True)


FACTS = """
import json, django
django.setup()
from django.db.models import Count
from ita.organisations.models import Province
from measures.models import Measure
from memos.models import Memo
p = Province.objects.annotate(n=Count("districts__organisations")).order_by("-n", "pk").first()
# A memo of legal's not yet decided: its PDF is rendered on request (a decided one's is stored).
draft = Memo.objects.filter(author__username="legal").exclude(state="decided").order_by("pk")[0]
print(json.dumps({"province": p.pk, "memo": draft.pk,
                  "trang": Province.objects.get(name="ตรัง").pk,
                  "measure": Measure.objects.filter(draft=False).order_by("pk").first().pk}))
"""


def _measure_all(args: argparse.Namespace, wrk_bin: str, site: str, facts: dict) -> None:
    legal, head = Browser(), Browser()
    legal.log_in(site, "legal", PASSWORD)
    head.log_in(site, "head", PASSWORD)
    members = [_session(legal), _session(head)]
    for name in ("deputy", "clerk", "mayor"):
        member = Browser()
        member.log_in(site, name, PASSWORD)
        members.append(_session(member))
    memo, province = facts["memo"], facts["province"]
    targets = [
        (RESULTS, f"/results/{LAST_YEAR}/{province}/", ""),
        (MEMBER_RESULTS, f"/results/{LAST_YEAR}/{province}/", _session(legal)),
        (INBOX, "/memos/inbox/", _session(head)),
        (MEMO, f"/memos/{memo}/", _session(legal)),
        ("API assessments (100)", f"/api/v1/assessments?year={LAST_YEAR}&limit=100", ""),
        (HEALTH, "/health/", ""),
        ("/health/live/", "/health/live/", ""),
        (PDF, f"/memos/{memo}/pdf/", _session(legal)),
    ]
    pages = [label for label, _path, _cookie in targets if label != PDF]
    measured: dict[tuple[str, int], Result] = {}
    print(
        f"\nEach page alone, then with {args.pdf_clients} members downloading PDFs beside (each"
        f" download a render): wrk, {args.connections} connections, {args.seconds} s each"
    )
    print(f"{'page':<24} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>8} {'errors':>6} "
          f"{'login req/s':>11} {'login p95':>9} {'× login':>8}")  # fmt: skip
    downloaders = Downloaders(
        site + f"/memos/{memo}/pdf/", members, args.pdf_clients,
        forget=_forgetting_renders(args.database),
    )  # fmt: skip
    # In turns, page by page, so that the machine's drift falls on both.
    with downloaders:
        for label, path, cookie in targets:
            connections = 2 if label == PDF else args.connections
            # Steady state: the page rendered once and cached before the clock starts.
            warm = {"cookie": cookie} if cookie else {}
            Browser().get(site + path, accept_encoding="gzip", **warm)
            for beside in (0, 1) if label != PDF else (0,):
                if beside:
                    downloaders.resume()
                login = wrk(wrk_bin, site + "/accounts/login/", args.seconds, connections)
                measured["login before " + label, beside] = login
                result = wrk(wrk_bin, site + path, args.seconds, connections, cookie)
                measured[label, beside] = result
                if beside:
                    downloaders.pause()
                print(
                    f"{label if not beside else '  with PDFs beside':<24}"
                    f" {result.requests_per_s:>7.1f} {result.p50_ms:>7.1f}"
                    f" {result.p95_ms:>8.1f} {result.errors:>6} {login.requests_per_s:>11.1f}"
                    f" {login.p95_ms:>9.1f} {result.requests_per_s / login.requests_per_s:>8.2f}",
                    flush=True,
                )
    print(downloaders.summary())
    print("\np95 with PDF downloads beside, against without:")
    for label in pages:
        alone, beside_ = measured[label, 0], measured[label, 1]
        print(f"  {label:<24} {beside_.p95_ms / alone.p95_ms:>5.2f}×")

    # Quiet and beside the busters in turns, so that the machine's drift falls on both.
    page, half = site + targets[0][1], max(2, args.seconds // 2)
    entries = _cache_entries(args.database)
    quiet = busted = 0
    sent = 0
    for _turn in range(BUSTING_TURNS):
        quiet += wrk(wrk_bin, page, half, args.connections).requests
        with Busters(wrk_bin, page, half + 1) as busters:
            busted += wrk(wrk_bin, page, half, args.connections).requests
        sent += busters.sent
    print(
        f"\nCache busting: the public results page {busted / (BUSTING_TURNS * half):.1f} req/s"
        f" beside two clients sending {sent} requests with made-up parameters, against"
        f" {quiet / (BUSTING_TURNS * half):.1f} req/s quiet ({BUSTING_TURNS} turns of {half} s"
        f" each); entries in the shared cache {entries} before, {_cache_entries(args.database)}"
        f" after"
    )
    recovery = _burst(wrk_bin, site, f"/memos/{memo}/", _session(legal), args)
    _verdicts(measured, pages, downloaders, busted / quiet, recovery)


RESULTS = "public results page"
MEMBER_RESULTS = "results page (member)"
INBOX = "inbox (head)"
MEMO = "memo page (legal)"
HEALTH = "/health/"
PDF = "PDF download (legal)"


def _burst(
    wrk_bin: str, site: str, path: str, cookie: str, args: argparse.Namespace
) -> float | None:
    """A burst of ``--burst`` logged-in clients on a memo page, then how long until the login
    page answers as fast as before it again (five answers in a row within 2× its quiet p95)."""
    login = site + "/accounts/login/"
    before = wrk(wrk_bin, login, args.seconds, args.connections)
    burst = wrk(wrk_bin, site + path, args.seconds, args.burst, cookie)
    ended = time.monotonic()
    calm, probe = 0, Browser()
    while time.monotonic() - ended < 120:
        start = time.monotonic()
        ok = probe.get(login).status == 200
        calm = calm + 1 if ok and (time.monotonic() - start) * 1000 <= 2 * before.p95_ms else 0
        if calm == 5:
            recovered = time.monotonic() - ended
            print(
                f"\nBurst: {args.burst} clients on the memo page for {args.seconds} s"
                f" ({burst.requests_per_s:.1f} req/s, p95 {burst.p95_ms:.0f} ms, {burst.errors}"
                f" errors); the login page answered as before ({before.p95_ms:.0f} ms p95) again"
                f" {recovered:.1f} s after it ended"
            )
            return recovered
    print("\nBurst: the login page was not back to its speed 120 s after the burst")
    return None


def _verdicts(
    measured: dict[tuple[str, int], Result],
    pages: list[str],
    downloaders: Downloaders,
    busting: float,
    recovery: float | None,
) -> None:
    def ratio(label: str, beside: int = 0) -> float:
        login = measured["login before " + label, beside]
        return measured[label, beside].requests_per_s / login.requests_per_s

    def line(ok: bool, text: str) -> None:
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")

    print("\nDone when (issue 28; throughput against the login page measured just before it):")
    line(
        downloaders.all_served,
        f"{downloaders.clients} PDF downloaders all served: PDFs each"
        f" {', '.join(map(str, downloaders.served))}; {downloaders.busy} refused (503),"
        f" {downloaders.failed} failures",
    )
    for label in pages:
        grown = measured[label, 1].p95_ms / measured[label, 0].p95_ms
        line(grown <= 2, f"{label} p95 with the PDF downloads beside: {grown:.2f}× quiet (≤ 2)")
    line(busting >= 0.8, f"cache busting: a visitor's throughput {busting:.2f}× quiet (≥ 0.8)")
    line(ratio(HEALTH) >= 0.5, f"/health/ {ratio(HEALTH):.2f}× the login page (≥ 0.5)")
    for label in (MEMBER_RESULTS, INBOX, MEMO):
        line(
            ratio(label) >= 0.5,
            f"{label} {ratio(label):.2f}× the login page (≥ 0.5; {ratio(label, 1):.2f}× with"
            f" the PDF downloads beside)",
        )
    line(
        recovery is not None and recovery <= 2,
        "after the burst the login page at its speed again within 2 s: "
        + ("not within 120 s" if recovery is None else f"{recovery:.1f} s"),
    )


if __name__ == "__main__":
    main(_arguments())

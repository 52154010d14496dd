"""Load test: the production stack on this machine, driven from loopback with a bounded load.

    .venv/bin/python bench/load.py [--seconds 8] [--connections 16] [--pdf-clients 6]

Starts, on 127.0.0.1 only: nginx (Debian's; installed with apt-get when missing, as is wrk),
two app servers (each a gunicorn of sync workers for the pages and a lower-priority one,
``nice 5``, for PDF downloads, which nginx routes there), a task worker when django-tasks'
database backend is installed, all on PostgreSQL (its own database, ``ita_load`` or ``--database``, built once:
the demo and the nationwide synthetic data set of bench/pages.py) and one shared media folder.

It then shows that a session, an upload and an import made through one app server are seen
through the other, and prints, for the public results page (the largest province) as a visitor
and as a member, the inbox, a memo page, the API and a PDF download, wrk's throughput and
p50/p95 against the login page measured just before it, first alone, then with
``--pdf-clients`` members downloading PDFs in a loop beside (counted: PDFs served, how long each
waited in the queue, refusals), and the visitor's results page beside clients that send it
made-up query parameters, against the same page quiet. Every request loop is bounded in time; everything it started is stopped at the
end. The database is dropped only with ``--drop``.
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


def wrk(binary: str, url: str, seconds: int, connections: int, cookie: str = "") -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = [binary, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-s", script.name]
    # As browsers ask: public pages then come compressed from the cache.
    command += ["-H", "Accept-Encoding: gzip, deflate, br"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60)
    os.unlink(script.name)
    found = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", done.stdout)
    assert found, done.stdout + done.stderr
    n, micros, p50, p95, bad = (int(x) for x in found.groups())
    return Result(n / (micros / 1e6), p50 / 1000, p95 / 1000, bad)


class Downloaders:
    """Members downloading a memo's PDF in a loop, each with its own session, as a browser does:
    a download answered 202 (queued for the worker) asks again after Retry-After until it gets
    the PDF. Counted: PDFs served, how long each download waited for its PDF, and refusals."""

    def __init__(self, url: str, cookie: str, clients: int) -> None:
        self.url, self.cookie, self.clients = url, cookie, clients
        self.stop = threading.Event()
        self.done = self.queued = self.busy = self.failed = 0
        self.waits: list[float] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(clients)]

    def _loop(self) -> None:
        browser = Browser()
        started = time.monotonic()
        while not self.stop.is_set():
            response = browser.request(self.url, headers={"Cookie": self.cookie})
            with self.lock:
                if response.status == 200 and response.body.startswith(b"%PDF"):
                    self.done += 1
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
            else:
                started = time.monotonic()  # the next download starts now

    def summary(self) -> str:
        waits = sorted(self.waits)
        median = waits[len(waits) // 2] if waits else float("nan")
        longest = waits[-1] if waits else float("nan")
        return (
            f"{self.clients} PDF downloaders beside: {self.done} PDFs served (waited {median:.1f} s"
            f" median, {longest:.1f} s at most), {self.queued} answers 'queued' (202, asked"
            f" again), {self.busy} refused busy (503), {self.failed} failures"
        )

    def __enter__(self) -> Downloaders:
        for t in self.threads:
            t.start()
        time.sleep(2)  # the renders are under way
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)


class Busters:
    """Clients asking for a public page with made-up query parameters in a loop (each request a
    new URL): what they cost the visitors beside them."""

    def __init__(self, url: str, clients: int = 2) -> None:
        self.url = url
        self.stop = threading.Event()
        self.sent = 0
        self.threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(clients)]

    def _loop(self) -> None:
        browser = Browser()
        while not self.stop.is_set():
            browser.get(f"{self.url}?utm_source=bench{os.urandom(6).hex()}&_={time.time()}")
            self.sent += 1

    def __enter__(self) -> Busters:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)


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
        done = admin.post(f"{a.url}/imports/{batch.group(1)}/commit/", {})
        applied = done.status == 200 and "/revert/" in done.text
    after = {
        s.url: visitor.get(s.url + page, if_none_match=first[s.url].headers["ETag"]) for s in (a, b)
    }
    both = all(r.status == 200 and "97.76" in r.text for r in after.values())
    print(f"  an import applied through A (Trang 2564, one total 96.76 → 97.76): applied "
          f"{applied}; the cached results page shows it through A and B at once: {both}")  # fmt: skip
    if applied and batch:
        admin.post(f"{a.url}/imports/{batch.group(1)}/revert/", {})


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
    # The PDF pool caches nothing: every download of the draft is a render, the worst case (each
    # member downloading a memo that has just changed); the pages' servers cache as configured.
    renders = {**base, "CACHE_URL": "dummy://"}
    a_pdf = AppServer(renders, workers=2, nice=PDF_NICE, log=work / "a-pdf.log")
    b_pdf = AppServer(renders, workers=2, nice=PDF_NICE, log=work / "b-pdf.log")
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
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker"], cwd=ROOT, env=base,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            processes.append(worker)
            print("Task worker: manage.py db_worker")
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
    memo, province = facts["memo"], facts["province"]
    targets = [
        ("public results page", f"/results/{LAST_YEAR}/{province}/", ""),
        ("results page (member)", f"/results/{LAST_YEAR}/{province}/", _session(legal)),
        ("inbox (head)", "/memos/inbox/", _session(head)),
        ("memo page (legal)", f"/memos/{memo}/", _session(legal)),
        ("API assessments (100)", f"/api/v1/assessments?year={LAST_YEAR}&limit=100", ""),
        ("PDF download (legal)", f"/memos/{memo}/pdf/", _session(legal)),
    ]
    measured: dict[tuple[str, int], Result] = {}
    for heading, beside in (("alone", 0), (f"with {args.pdf_clients} PDF downloaders", 1)):
        print(f"\n{heading}: wrk, {args.connections} connections, {args.seconds} s each")
        print(f"{'page':<24} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>8} {'errors':>6} "
              f"{'login req/s':>11} {'login p95':>9} {'× login':>8}")  # fmt: skip
        downloaders = (
            Downloaders(site + f"/memos/{memo}/pdf/", _session(legal), args.pdf_clients)
            if beside
            else None
        )
        if downloaders:
            downloaders.__enter__()
        try:
            for label, path, cookie in targets:
                connections = 2 if "PDF" in label else args.connections
                # Steady state: the page rendered once and cached before the clock starts.
                warm = {"cookie": cookie} if cookie else {}
                Browser().get(site + path, accept_encoding="gzip", **warm)
                login = wrk(wrk_bin, site + "/accounts/login/", args.seconds, connections)
                measured["login before " + label, beside] = login
                result = wrk(wrk_bin, site + path, args.seconds, connections, cookie)
                measured[label, beside] = result
                print(
                    f"{label:<24} {result.requests_per_s:>7.1f} {result.p50_ms:>7.1f} "
                    f"{result.p95_ms:>8.1f} {result.errors:>6} {login.requests_per_s:>11.1f} "
                    f"{login.p95_ms:>9.1f} {result.requests_per_s / login.requests_per_s:>8.2f}",
                    flush=True,
                )
        finally:
            if downloaders:
                downloaders.__exit__()
                print(downloaders.summary())
    print("\np95 with PDF downloads beside, against without:")
    for label, _path, _cookie in targets[:-1]:
        alone, beside_ = measured[label, 0], measured[label, 1]
        print(f"  {label:<24} {beside_.p95_ms / alone.p95_ms:>5.2f}×")

    results = "public results page"
    page = site + targets[0][1]
    quiet = wrk(wrk_bin, page, args.seconds, args.connections)
    with Busters(page) as busters:
        busted = wrk(wrk_bin, page, args.seconds, args.connections)
    print(
        f"\nCache busting: the public results page {busted.requests_per_s:.1f} req/s (p95"
        f" {busted.p95_ms:.0f} ms) beside two clients sending {busters.sent} requests with"
        f" made-up parameters, against {quiet.requests_per_s:.1f} req/s (p95 {quiet.p95_ms:.0f}"
        f" ms) quiet: {busted.requests_per_s / quiet.requests_per_s:.2f}× (must be ≥ 0.8)"
    )

    def ratio(label: str, beside: int) -> float:
        login = measured["login before " + label, beside]
        return measured[label, beside].requests_per_s / login.requests_per_s

    print("\nMust hold (throughput against the login page measured just before each):")
    for label in (results, "results page (member)", "inbox (head)", "memo page (legal)"):
        need = 0.5
        print(
            f"  {label:<24} {ratio(label, 0):.2f}× alone, {ratio(label, 1):.2f}× with PDFs"
            f" (≥ {need})"
        )
    print(
        f"  {results} p95 with PDF downloads beside at most 2× without:"
        f" {measured[results, 1].p95_ms / measured[results, 0].p95_ms:.2f}×"
    )


if __name__ == "__main__":
    main(_arguments())

"""Real app servers for tests and bench/load.py: gunicorn processes on free loopback ports, and
a small browser (cookies, the CSRF token, forms and files) to drive them over HTTP."""

from __future__ import annotations

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


@dataclass
class AppServer:
    """One app server: gunicorn with ``workers`` sync workers on 127.0.0.1:``port``."""

    env: dict[str, str]
    port: int = field(default_factory=free_port)
    workers: int = 1
    nice: int = 0
    log: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AppServer:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "ita.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
        ]
        if self.nice:
            command = ["nice", "-n", str(self.nice), *command]
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
        )
        return self

    def wait(self, seconds: float = 60) -> AppServer:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, "server exited"
            try:
                with urllib.request.urlopen(self.url + "/accounts/login/", timeout=5):
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise TimeoutError(f"no answer from {self.url}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept across servers (the jar keys them by host, not port: one site behind a
    proxy), the CSRF token sent with each POST, redirects followed."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def request(
        self,
        url: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        follow: bool = True,
    ) -> Response:
        req = urllib.request.Request(url, data=data, headers=headers or {})
        for _ in range(10):
            try:
                with self.opener.open(req, timeout=120) as r:
                    response = Response(r.status, dict(r.headers), r.read(), url)
            except urllib.error.HTTPError as e:
                response = Response(e.code, dict(e.headers), e.read(), url)
            # Secure cookies (DEBUG off) go back over plain HTTP too: loopback only.
            for cookie in self.jar:
                cookie.secure = False
            location = response.headers.get("Location")
            if not (follow and response.status in (301, 302, 303) and location):
                return response
            url = urllib.parse.urljoin(url, location)
            req = urllib.request.Request(url)
        return response

    def get(self, url: str, **headers: str) -> Response:
        return self.request(url, headers={k.replace("_", "-"): v for k, v in headers.items()})

    def post(
        self, url: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None
    ) -> Response:
        token = self.cookie("csrftoken") or ""
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + str(value).encode()
                + b"\r\n"
            )
        for name, (filename, content) in (files or {}).items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-CSRFToken": token,
            "Referer": url,
        }
        return self.request(url, data=body, headers=headers)

    def log_in(self, server_url: str, username: str, password: str) -> None:
        self.get(server_url + "/accounts/login/")
        done = self.post(
            server_url + "/accounts/login/", {"username": username, "password": password}
        )
        assert done.status == 200 and self.cookie("sessionid"), (done.status, done.text[:500])


def stack_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update({"DJANGO_SETTINGS_MODULE": "ita.settings", "PYTHONPATH": str(ROOT)})
    env.update(extra)
    return env

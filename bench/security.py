"""What issue 12's checks cost per request, against the same request without them, same run.

Usage: .venv/bin/python bench/security.py   (a throw-away SQLite database and media folder in
/tmp). Prints median milliseconds and the ratio to the baseline:

* a member's memo page with the whole middleware stack, against the stack without the security
  headers, the session limits, django-otp and the login lockout (ita.accounts.lockout);
* an attachment download with its SHA-256 checked (read whole, hashed, then sent), against the
  same download without the check, for a 1 MB and a 20 MB file.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
work = Path(tempfile.mkdtemp())
os.environ["SQLITE_PATH"] = str(work / "bench.sqlite3")
os.environ["MEDIA_ROOT"] = str(work / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RUNS = 15
ADDED = {
    "ita.lib.middleware.SecurityHeadersMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ita.accounts.sessions.SessionLimitsMiddleware",
    "ita.accounts.lockout.LockoutMiddleware",
}


def median_ms(client: Client, url: str) -> float:
    client.get(url)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    from django.contrib.auth import get_user_model

    from memos import attachments, services
    from memos.models import Memo

    legal = get_user_model().objects.get(username="legal")
    memo = Memo.objects.filter(author=legal).first()
    client = Client()
    client.force_login(legal)
    page = f"/memos/{memo.pk}/"
    bare = [m for m in settings.MIDDLEWARE if m not in ADDED]
    with_checks, without = [], []
    for _ in range(3):  # interleaved: the machine is shared and its speed drifts
        with_checks.append(median_ms(client, page))
        with override_settings(MIDDLEWARE=bare):
            without.append(median_ms(client, page))
    a, b = statistics.median(with_checks), statistics.median(without)
    print(f"memo page: {a:.1f} ms with the checks, {b:.1f} ms without, ratio {a / b:.2f}")

    for megabytes in (1, 20):
        data = b"%PDF-1.4\n" + os.urandom(megabytes * 1024 * 1024)
        upload = SimpleUploadedFile(f"{megabytes}mb.pdf", data, "application/pdf")
        with override_settings(MAX_UPLOAD_BYTES=64 * 1024 * 1024):
            attachment = services.attachment_add(memo=memo, upload=upload, actor=legal)
        url = f"/memos/{memo.pk}/attachments/{attachment.pk}/"
        checked, unchecked = [], []
        for _ in range(3):
            checked.append(median_ms(client, url))
            with patch.object(attachments, "verified_bytes", lambda a: a.file.open("rb").read()):
                unchecked.append(median_ms(client, url))
        a, b = statistics.median(checked), statistics.median(unchecked)
        print(f"{megabytes} MB attachment: {a:.1f} ms with its SHA-256 checked, {b:.1f} ms "
              f"without, ratio {a / b:.2f}")  # fmt: skip
        services.attachment_remove(attachment=attachment, actor=legal)


if __name__ == "__main__":
    main()

"""The content of pages, downloads, commands and tables, normalised for comparison.

Shared by both code trees (``build_old.py`` runs it with today's main, ``migrate_new.py`` with
this tree), so it uses only what both have: URLs, the test Client, ``django.contrib.auth``,
management commands by name and the database cursor. What legitimately differs between two runs
is normalised here: CSRF tokens, PDFs (compared by their text and page count, not their bytes,
which carry creation dates), XLSX files (by their cells' values).
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import io
import re
import shutil
import subprocess
import tempfile
import traceback
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken"\s+value=")[^"]*(")')
CSRF_TAG = re.compile(r'<input[^>]*name="csrfmiddlewaretoken"[^>]*>')


def key_of(user: str | None, url: str) -> str:
    return f"{user or '-'} {url}"


# Normalising ---------------------------------------------------------------------------------------


def html_lines(text: str) -> list[str]:
    """The page as one line per tag or text run, whitespace collapsed, CSRF tokens left out
    (a visitor's pages carry none since they are cached and shared: ita.history.published)."""
    text = CSRF_TAG.sub("", CSRF_INPUT.sub(r"\1-\2", text))
    lines = []
    for part in re.split(r"(?=<)|(?<=>)", text):
        part = " ".join(part.split())
        if part:
            lines.append(part)
    return lines


class ChangeList(HTMLParser):
    """An admin changelist's rows (the object's id and each cell's text), its column headers and
    its count: what the list shows, without the admin's URLs, app names or filters."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_table = False
        self.in_head = False
        self.cell: list[str] | None = None
        self.columns: list[str] = []
        self.rows: list[dict[str, Any]] = []
        self.row: dict[str, Any] | None = None
        self.in_paginator = False
        self.paginator: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("id") == "result_list":
            self.in_table = True
        elif tag == "p" and "paginator" in (a.get("class") or ""):
            self.in_paginator = True
        if not self.in_table:
            return
        if tag == "thead":
            self.in_head = True
        elif tag == "tr" and not self.in_head:
            self.row = {"id": None, "cells": []}
        elif tag in {"th", "td"}:
            self.cell = []
        elif tag == "input" and a.get("name") == "_selected_action" and self.row is not None:
            self.row["id"] = a.get("value")
        elif tag == "a" and self.row is not None and self.row["id"] is None:
            # Read-only admins have no checkbox: the row's link names the object.
            found = re.search(r"/(\d+)/change/", a.get("href") or "")
            if found:
                self.row["id"] = found.group(1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.in_paginator = False
        if not self.in_table:
            return
        if tag == "table":
            self.in_table = False
        elif tag == "thead":
            self.in_head = False
        elif tag in {"th", "td"} and self.cell is not None:
            text = " ".join("".join(self.cell).split())
            if self.in_head:
                self.columns.append(text)
            elif self.row is not None:
                self.row["cells"].append(text)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        if self.in_paginator:
            self.paginator.append(data)


def changelist(text: str) -> dict[str, Any]:
    parser = ChangeList()
    parser.feed(text)
    return {
        "columns": parser.columns,
        "rows": parser.rows,
        "count": " ".join("".join(parser.paginator).split()),
    }


def pdf_content(data: bytes) -> dict[str, Any]:
    from pypdf import PdfReader

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        # In drawing order (-raw): a table cell's words stay together, where the layout mode
        # interleaves a wrapped cell with its neighbour column's.
        text = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", f.name, "-"],
            check=True,
            capture_output=True,
        ).stdout.decode()
    return {"pages": len(PdfReader(io.BytesIO(data)).pages), "text": text.splitlines()}


def xlsx_content(data: bytes) -> dict[str, Any]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [[plain(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def plain(value: Any) -> Any:
    """A database or spreadsheet value as JSON can hold it."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def response_content(url: str, response: Any) -> dict[str, Any]:
    headers = {
        name: response.headers[name]
        for name in ("Content-Type", "Content-Disposition", "Location")
        if name in response.headers
    }
    result: dict[str, Any] = {"status": response.status_code, "headers": headers}
    content_type = response.headers.get("Content-Type", "")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith("application/pdf"):
        result["pdf"] = pdf_content(data)
    elif "spreadsheetml" in content_type:
        result["xlsx"] = xlsx_content(data)
    elif content_type.startswith("text/html"):
        text = data.decode()
        if url.startswith("/admin/") and response.status_code == 200:
            result["changelist"] = changelist(text)
        else:
            result["html"] = html_lines(text)
    elif content_type.startswith("application/json"):
        import json

        result["json"] = json.loads(data)
    elif content_type.startswith("text/"):
        result["text"] = data.decode().splitlines()
        # A file served as text may be served as what its content is after the upgrade (an
        # evidence file judged by its bytes): the same bytes are the same file.
        result["bytes"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    else:
        result["bytes"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    return result


# Taking ---------------------------------------------------------------------------------------------


class Clients:
    """One test Client per user, logged in with ``force_login`` (anonymous for None)."""

    def __init__(self) -> None:
        self.clients: dict[str | None, Any] = {}

    def __call__(self, user: str | None) -> Any:
        from django.contrib.auth import get_user_model
        from django.test import Client

        if user not in self.clients:
            client = Client()
            if user is not None:
                client.force_login(get_user_model().objects.get(username=user))
            self.clients[user] = client
        return self.clients[user]


def fetch(clients: Clients, user: str | None, url: str) -> dict[str, Any]:
    try:
        return response_content(url, clients(user).get(url))
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}


def download_links(pages: list[dict]) -> list[dict]:
    """The table downloads (``?download=…``) the overview and insights pages link to."""
    clients = Clients()
    found: list[dict] = []
    seen = set()
    for page in pages:
        if "/overview/" not in page["url"] and "/insights/" not in page["url"]:
            continue
        response = clients(page["user"]).get(page["url"])
        for href in re.findall(r'href="([^"]*download=[^"]*)"', response.content.decode()):
            href = href.replace("&amp;", "&")
            url = page["url"].split("?")[0] + href if href.startswith("?") else href
            if url not in seen:
                seen.add(url)
                found.append({"url": url, "user": page["user"], "key": key_of(page["user"], url)})
    return found


def run_command(command: list[str], work: Path) -> dict[str, Any]:
    from django.core.management import call_command

    out = io.StringIO()
    try:
        if command[0] == "render_memo":
            target = work / f"memo-{command[1]}.pdf"
            call_command(*command, "-o", str(target), stdout=out)
            return {"pdf": pdf_content(target.read_bytes())}
        call_command(*command, stdout=out)
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}
    return {"text": out.getvalue().splitlines()}


def table_rows(table: str) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY id")
        columns = [c[0] for c in cursor.description]
        rows = [[plain(v) for v in row] for row in cursor.fetchall()]
    return {"columns": columns, "rows": rows}


def take(
    *, pages: list[dict], commands: list[list[str]], tables: dict[str, str], work: Path
) -> dict[str, Any]:
    """Everything in the plan: pages by key (as fetched from their ``url``), commands by their
    words, tables by the name the plan gives them."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    clients = Clients()
    return {
        "pages": {
            page.get("key") or key_of(page["user"], page["url"]): fetch(
                clients, page["user"], page["url"]
            )
            for page in pages
        },
        "commands": {" ".join(c): run_command(c, work) for c in commands},
        "tables": {name: table_rows(table) for name, table in tables.items()},
    }

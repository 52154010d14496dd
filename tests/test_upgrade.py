"""Upgrading a database made by today's main (58f4f6d, before the "one house" restructuring).

The restructuring moves models out of the ``ita`` app by renaming their tables, without copying a
row. This test builds a database with the OLD code, in a subprocess run from the old tree (its
migrations, the demo, an import and the workflows through its services), snapshots every kind of
page, export and PDF, then migrates the same database with THIS tree and snapshots it again:

* every page, download, export and PDF has the same content (PDFs by their text and page count,
  spreadsheets by their cells), except the differences named in ``EXPECTED`` below;
* every moved table keeps its rows and ids, and new rows follow the old ids;
* the migrated schema is the models' (tables, columns, foreign keys to the new tables);
* the content types moved with the models (same ids: permissions, groups, a staff member's
  rights and the admin's log keep pointing at them);
* the history rows have the models' new object types and the organisation each belongs to;
* the memo chain of an organisation is its ``memos.MemoSettings``.

On SQLite always; on PostgreSQL too when DATABASE_URL points at it (in a database of its own,
dropped afterwards). Outside CI a missing tool or commit skips with its reason; in CI (CI=true)
it fails. The helper scripts are in ``tests/upgrade/``.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest

OLD_COMMIT = "58f4f6d"
ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "tests" / "upgrade"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Where each moved model went (its table is "<app label>_<model>" now, "ita_<model>" before).
MOVED = {
    "province": "organisations",
    "district": "organisations",
    "districtalias": "organisations",
    "organisation": "organisations",
    "organisationalias": "organisations",
    "position": "organisations",
    "actingappointment": "organisations",
    "event": "history",
    "importbatch": "imports",
    "importrow": "imports",
    "finding": "measures",
}
# Models the new tree adds (their content types and permissions are new rows).
NEW_MODELS = {("memos", "memosettings")}
FULL_CHAIN = ["head", "deputy", "clerk", "mayor"]
# The columns that leave or join a moved table.
DROPPED_COLUMNS = {"organisation": {"memo_chain"}}  # now memos.MemoSettings
ADDED_COLUMNS = {"event": {"organisation_id"}}  # filled in by memos.0004
# History rows the new code writes without an organisation: the country's data.
COUNTRY_ACTIONS = ("year.create", "oit.load", "district_alias.add", "import.")

EXPECTED = """Differences between the two snapshots that are not regressions:

* The admin's pages of the moved models are under their new apps (/admin/organisations/…,
  /admin/history/event/, /admin/imports/…, /admin/measures/finding/): the same changelists are
  fetched at their new addresses and compared by their rows, columns and counts.
* The history's changelist has a new column, the organisation of each row (which the old rows
  get from memos.0004), shows each row's action by its label (the actions are choices now)
  rather than its code, and its object type with the model's new app (ita.organisation is
  organisations.organisation): compared with the old list through the labels and the renames,
  the organisation checked against the rows' owners.
* History rows of a measure deleted before the upgrade keep no organisation: the old rows name
  neither the measure's report nor its organisation, and the measure is gone.
* The official PDFs have the layout of issue 11 (the enclosures line, comment blocks two by two,
  rows that move whole, the annex's source, two decimals on published scores), so their lines
  differ: every word the old PDF printed is still printed (lines joined), in as many pages or
  more, with the same headers.
"""


def missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"The upgrade test must run in CI but cannot: {reason}")
    pytest.skip(f"upgrade test not run: {reason}")


def run(args: list[str], *, cwd: Path, env: dict[str, str], what: str) -> None:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(
            f"{what} failed (exit {result.returncode}):\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-8000:]}",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def old_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Today's main, extracted from this clone's history, its Thai messages compiled."""
    for tool, package in (("git", "git"), ("msgfmt", "gettext"), ("pdftotext", "poppler-utils")):
        if shutil.which(tool) is None:
            missing(f"{tool} is not installed (apt-get install {package})")
    if not (ROOT / ".git").exists():
        missing(f"{ROOT} is not a git clone, so {OLD_COMMIT} cannot be read")
    found = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{OLD_COMMIT}^{{commit}}"],
        capture_output=True,
    )
    if found.returncode != 0:
        missing(
            f"the commit {OLD_COMMIT} (today's main) is not in this clone's history "
            "(a shallow clone? run: git fetch --unshallow)"
        )
    tree = tmp_path_factory.mktemp("old-tree")
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", OLD_COMMIT],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ita.settings", "PYTHONPATH": str(tree)}
    env.pop("DATABASE_URL", None)
    env["SQLITE_PATH"] = str(tree / "unused.sqlite3")
    run(
        [sys.executable, "manage.py", "compilemessages"],
        cwd=tree,
        env=env,
        what="compilemessages in the old tree",
    )
    return tree


@contextlib.contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The settings of a database of its own for the upgrade (created empty, then dropped)."""
    if backend == "sqlite":
        yield {"SQLITE_PATH": str(tmp_path / "upgrade.sqlite3")}
        return
    url = os.environ.get("DATABASE_URL", "")
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    import psycopg

    base = parsed.path.lstrip("/")
    name = f"{base}_upgrade_{os.getpid()}"
    admin_url = urlunparse(parsed._replace(scheme="postgresql"))
    try:
        server = psycopg.connect(admin_url, autocommit=True)
    except psycopg.Error as error:
        missing(f"cannot connect to PostgreSQL at DATABASE_URL: {error}")
    with server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
        try:
            yield {"DATABASE_URL": urlunparse(parsed._replace(path=f"/{name}"))}
        finally:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def new_plan(plan: dict[str, Any]) -> dict[str, Any]:
    """The old run's plan for the new tree: the same pages, but the moved models' admin pages
    at their new apps' addresses, and the moved tables by their new names."""
    pages = []
    for page in plan["pages"]:
        url = page["url"]
        parts = url.split("/")
        if url.startswith("/admin/ita/") and parts[3] in MOVED:
            parts[2] = MOVED[parts[3]]
            url = "/".join(parts)
        pages.append({**page, "url": url})
    return {
        **plan,
        "pages": pages,
        "moved_tables": {model: f"{label}_{model}" for model, label in MOVED.items()},
    }


# Comparing ----------------------------------------------------------------------------------------


def dump(value: Any) -> list[str]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).splitlines()


def describe(key: str, before: Any, after: Any) -> str:
    if isinstance(after, dict) and "error" in after:
        return f"{key}: the new code fails: {after['error']}\n{after.get('traceback', '')}"
    lines = list(difflib.unified_diff(dump(before), dump(after), "before", "after", lineterm=""))
    shown = "\n".join(lines[:80])
    more = f"\n… {len(lines) - 80} more lines" if len(lines) > 80 else ""
    return f"{key} differs:\n{shown}{more}"


def rows_by_id(table: dict[str, Any]) -> dict[Any, dict[str, Any]]:
    return {row[0]: dict(zip(table["columns"], row, strict=True)) for row in table["rows"]}


def load_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def expected_owners(old: dict[str, Any]) -> dict[int, int | None]:
    """Each old history row's organisation, as the new services would have recorded it: the
    memo's, the measure's or finding's report's, the assessment's, the organisation itself."""
    tables = old["tables"]
    assessment_org = {
        pk: row["organisation_id"] for pk, row in rows_by_id(tables["ita_assessment"]).items()
    }
    owner_of = {
        "memos.memo": {
            pk: row["organisation_id"] for pk, row in rows_by_id(tables["memos_memo"]).items()
        },
        "measures.measure": {
            pk: assessment_org[row["assessment_id"]]
            for pk, row in rows_by_id(tables["measures_measure"]).items()
        },
        "ita.finding": {
            pk: assessment_org[row["assessment_id"]]
            for pk, row in rows_by_id(tables["finding"]).items()
        },
        "ita.assessment": assessment_org,
        "ita.organisation": {pk: pk for pk in rows_by_id(tables["organisation"])},
    }
    owners: dict[int, int | None] = {}
    for pk, event in rows_by_id(tables["event"]).items():
        key = int(event["object_id"]) if event["object_id"].isdigit() else None
        owner = owner_of.get(event["object_type"], {}).get(key)
        data = load_json(event["data"]) or {}
        if owner is None and event["object_type"] == "ita.finding" and "assessment" in data:
            owner = assessment_org.get(data["assessment"])  # a deleted finding names its report
        owners[pk] = owner
    return owners


def event_labels() -> dict[str, str]:
    """Each history action's label as the admin shows it (in Thai, the site's language)."""
    from django.utils import translation

    from ita.history.models import EventKind

    with translation.override("th"):
        return {kind.value: str(kind.label) for kind in EventKind}


def compare_event_changelist(
    key: str, before: dict, after: dict, old: dict, problems: list[str]
) -> None:
    """The history's changelist: the old columns plus the organisation; actions by label."""
    if not isinstance(after, dict) or "changelist" not in before or "changelist" not in after:
        problems.append(describe(key, before, after))
        return
    old_list, new_list = before["changelist"], after["changelist"]
    added = [i for i, c in enumerate(new_list["columns"]) if c not in old_list["columns"]]
    if len(added) != 1 or len(new_list["columns"]) != len(old_list["columns"]) + 1:
        problems.append(f"{key}: expected one new column (the organisation), got:\n"
                        f"{old_list['columns']}\n{new_list['columns']}")  # fmt: skip
        return
    column = added[0]
    labels = event_labels()
    # The action's column: the one whose old cells are all action codes.
    action = next(
        i
        for i in range(len(old_list["columns"]))
        if all(row["cells"][i] in labels for row in old_list["rows"])
    )
    names = {pk: row["name"] for pk, row in rows_by_id(old["tables"]["organisation"]).items()}
    owners = expected_owners(old)
    rows = []
    for row in new_list["rows"]:
        cells = list(row["cells"])
        organisation = cells.pop(column)
        expected = owners.get(int(row["id"]))
        if organisation != (names[expected] if expected else "-"):
            problems.append(
                f"{key}: history row {row['id']} shows the organisation {organisation!r}, "
                f"expected {names.get(expected, '-')!r}"
            )
        rows.append({**row, "cells": cells})
    # The object type's column: the other one whose old cells are all model labels.
    object_type = next(
        i
        for i in range(len(old_list["columns"]))
        if i != action
        and all(re.fullmatch(r"[a-z_]+\.[a-z_]+", row["cells"][i]) for row in old_list["rows"])
    )
    renamed = {f"ita.{model}": f"{label}.{model}" for model, label in MOVED.items()}
    old_rows = []
    for row in old_list["rows"]:
        cells = list(row["cells"])
        cells[action] = labels.get(cells[action], cells[action])
        cells[object_type] = renamed.get(cells[object_type], cells[object_type])
        old_rows.append({**row, "cells": cells})
    shown = {**new_list, "columns": old_list["columns"], "rows": rows}
    if {**after, "changelist": shown} != {**before, "changelist": {**old_list, "rows": old_rows}}:
        problems.append(describe(key, {**before, "changelist": {**old_list, "rows": old_rows}},
                                 {**after, "changelist": shown}))  # fmt: skip


def _pdf_words_kept(before: Any, after: Any) -> bool:
    """The new PDF prints every word the old one printed (see EXPECTED), in as many pages."""
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return False
    if "pdf" not in before or "pdf" not in after:
        return False
    if {k: v for k, v in before.items() if k != "pdf"} != {
        k: v for k, v in after.items() if k != "pdf"
    }:
        return False
    old, new = before["pdf"], after["pdf"]
    printed = "".join("".join(line.split()) for line in new["text"])
    # A published score now keeps its two decimals (๘๙ is ๘๙.๐๐): the old word is its prefix.
    # pdftotext's layout mode glued the page number ("- ๒ -") to the line beside it.
    words = {re.sub(r"^-[๐-๙]+-?", "", w) for line in old["text"] for w in line.split()}
    return new["pages"] >= old["pages"] and all(w in printed for w in words)


def compare_snapshots(old: dict, new: dict, plan: dict) -> list[str]:
    problems: list[str] = []
    history_pages = {p["key"] for p in plan["pages"] if p["url"].startswith("/admin/ita/event/")}
    for key, before in old["pages"].items():
        after = new["pages"].get(key)
        if key in history_pages:
            compare_event_changelist(key, before, after, old, problems)
        elif after != before and not _pdf_words_kept(before, after):
            problems.append(describe(key, before, after))
    for key, before in old["commands"].items():
        after = new["commands"].get(key)
        if after != before and not _pdf_words_kept(before, after):
            problems.append(describe(f"manage.py {key}", before, after))
    return problems


def compare_tables(old: dict, new: dict, owners: dict[int, int | None]) -> list[str]:
    problems: list[str] = []
    old_t, new_t = old["tables"], new["tables"]
    renamed = {f"ita.{model}": f"{label}.{model}" for model, label in MOVED.items()}

    # Every moved table: the same ids, the same values (but the columns that moved).
    for model in MOVED:
        before, after = old_t[model], new_t[model]
        expected_columns = [
            c for c in before["columns"] if c not in DROPPED_COLUMNS.get(model, set())
        ] + sorted(ADDED_COLUMNS.get(model, set()))
        if sorted(after["columns"]) != sorted(expected_columns):
            problems.append(f"{model}: columns {before['columns']} became {after['columns']}")
            continue
        old_rows, new_rows = rows_by_id(before), rows_by_id(after)
        if list(old_rows) != list(new_rows):
            problems.append(
                f"{model}: {len(old_rows)} rows became {len(new_rows)}; ids lost "
                f"{sorted(set(old_rows) - set(new_rows))[:20]}, "
                f"new {sorted(set(new_rows) - set(old_rows))[:20]}"
            )
            continue
        for pk, row in old_rows.items():
            kept = {c: v for c, v in row.items() if c in new_rows[pk]}
            if model == "event":
                kept["object_type"] = renamed.get(row["object_type"], row["object_type"])
            now = {c: v for c, v in new_rows[pk].items() if c in kept}
            if kept != now:
                problems.append(describe(f"{model} row {pk}", kept, now))

    # The history: new object types (none of the old app's left) and each row's organisation.
    events = rows_by_id(new_t["event"])
    measures = set(rows_by_id(old_t["measures_measure"]))
    for pk, event in events.items():
        if event["object_type"] in renamed:
            problems.append(f"history row {pk} still names {event['object_type']}")
        if event["organisation_id"] != owners[pk]:
            problems.append(
                f"history row {pk} ({event['action']} {event['object_type']} "
                f"{event['object_id']}): organisation {event['organisation_id']}, "
                f"expected {owners[pk]}"
            )
        deleted_measure = event["object_type"] == "measures.measure" and (
            not event["object_id"].isdigit() or int(event["object_id"]) not in measures
        )
        if (
            owners[pk] is None
            and not event["action"].startswith(COUNTRY_ACTIONS)
            and not deleted_measure
        ):
            problems.append(f"history row {pk} ({event['action']}) has no organisation")

    # Content types: the same ids, the moved models under their new apps; new ones only for
    # the new models.
    old_types, new_types = (
        rows_by_id(old_t["django_content_type"]),
        rows_by_id(new_t["django_content_type"]),
    )
    for pk, row in old_types.items():
        expected = dict(row)
        if row["app_label"] == "ita" and row["model"] in MOVED:
            expected["app_label"] = MOVED[row["model"]]
        if new_types.get(pk) != expected:
            problems.append(f"content type {pk}: {row} became {new_types.get(pk)}")
    added_types = {
        (r["app_label"], r["model"]) for pk, r in new_types.items() if pk not in old_types
    }
    if added_types != NEW_MODELS:
        problems.append(f"new content types {sorted(added_types)}, expected {sorted(NEW_MODELS)}")
    left = [r for r in new_types.values() if r["app_label"] == "ita" and r["model"] in MOVED]
    if left:
        problems.append(f"content types left in the ita app: {left}")

    # Permissions, their grants and the admin's log: unchanged rows (the content types moved);
    # new permissions only for the new models.
    new_type_ids = {pk for pk in new_types if pk not in old_types}
    old_perms, new_perms = (
        rows_by_id(old_t["auth_permission"]),
        rows_by_id(new_t["auth_permission"]),
    )
    for pk, row in old_perms.items():
        if new_perms.get(pk) != row:
            problems.append(f"permission {pk}: {row} became {new_perms.get(pk)}")
    for pk, row in new_perms.items():
        if pk not in old_perms and row["content_type_id"] not in new_type_ids:
            problems.append(f"a new permission for an old model: {row}")
    for table in old_t:
        if table in MOVED or table in {"django_content_type", "auth_permission"}:
            continue
        if old_t[table] != new_t[table]:
            problems.append(describe(f"table {table}", old_t[table], new_t[table]))

    # The memo chain: a MemoSettings row for each organisation whose chain was not the full one.
    chains = {
        row["id"]: load_json(row["memo_chain"])
        for row in rows_by_id(old_t["organisation"]).values()
        if load_json(row["memo_chain"]) != FULL_CHAIN
    }
    settings = {
        row["organisation_id"]: load_json(row["memo_chain"])
        for row in rows_by_id(new_t["memos_memosettings"]).values()
    }
    if settings != chains:
        problems.append(f"memo settings {settings}, expected the old chains {chains}")
    return problems


def check_new_rows(old: dict, new: dict) -> list[str]:
    """Rows written after the upgrade take ids after the old rows' (the sequences followed)."""
    if "error" in new["new_rows"]:
        return [f"writing new rows after the upgrade fails:\n{new['new_rows']['error']}"]
    problems = []
    for model, pk in new["new_rows"].items():
        if model not in MOVED:
            continue
        highest = max((row[0] for row in old["tables"][model]["rows"]), default=0)
        if not isinstance(pk, int) or pk <= highest:
            problems.append(f"a new {model} got the id {pk}; the old rows go up to {highest}")
    migrated = {
        row["object_type"]
        for row in rows_by_id(new["tables"]["event"]).values()
        if row["action"] == "import.discard"
    }
    written = new["new_rows"].get("discard_object_type")
    if migrated != {written}:
        problems.append(
            f"a discarded import is recorded as {written!r} now, but the migrated rows say "
            f"{sorted(migrated)}"
        )
    return problems


def check_old_snapshot(old: dict) -> list[str]:
    """The old run itself: every page answered (no error, no 404), so the comparison means
    something; and the database has rows in every moved table."""
    problems = []
    for key, content in old["pages"].items():
        if "error" in content or content.get("status") not in {200, 302}:
            problems.append(f"the old code answers {key} with {content.get('status')}: "
                            f"{content.get('error', '')}")  # fmt: skip
    for key, content in old["commands"].items():
        if "error" in content:
            problems.append(f"the old code fails manage.py {key}: {content['error']}")
    for model in MOVED:
        if not old["tables"][model]["rows"]:
            problems.append(f"the old database has no {model} rows to move")
    chains = [
        load_json(r[old["tables"]["organisation"]["columns"].index("memo_chain")])
        for r in old["tables"]["organisation"]["rows"]
    ]
    if ["head", "clerk", "mayor"] not in chains:
        problems.append("no organisation has a configured memo chain")
    if not old["tables"]["django_admin_log"]["rows"]:
        problems.append("the admin's log is empty")
    return problems


# The test -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_database_of_todays_main_migrates_without_losing_a_row_or_a_page(
    backend: str, old_tree: Path, tmp_path: Path
) -> None:
    with database(backend, tmp_path) as db:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ita.settings",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        env.pop("DATABASE_URL", None)
        env.pop("SQLITE_PATH", None)
        env.update(db)
        out = tmp_path / "snapshots"
        run(
            [sys.executable, str(SCRIPTS / "build_old.py"), str(out)],
            cwd=old_tree,
            env={**env, "PYTHONPATH": str(old_tree)},
            what=f"building the database with {OLD_COMMIT} ({backend})",
        )
        plan = json.loads((out / "plan.json").read_text())
        (out / "plan-new.json").write_text(json.dumps(new_plan(plan), ensure_ascii=False))
        run(
            [
                sys.executable,
                str(SCRIPTS / "migrate_new.py"),
                str(out / "plan-new.json"),
                str(out / "new.json"),
                str(out / "new-files"),
            ],
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
            what=f"migrating it with this tree ({backend})",
        )
    old = json.loads((out / "old.json").read_text())
    new = json.loads((out / "new.json").read_text())

    problems = check_old_snapshot(old)
    assert not problems, "The old database is not what the test needs:\n" + "\n".join(problems)

    owners = expected_owners(old)
    problems = (
        compare_snapshots(old, new, plan)
        + compare_tables(old, new, owners)
        + check_new_rows(old, new)
        + [f"schema: {p}" for p in new["schema_problems"]]
    )
    assert not problems, (
        f"After the upgrade ({backend}), {len(problems)} difference(s) beyond the expected ones"
        f"\n({EXPECTED}):\n\n" + "\n\n".join(problems)
    )

"""Load the whole demo into an empty database, part by part (``manage.py load_demo``)."""

from __future__ import annotations

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from ita.demo import measures, memos, seed
from ita.history import published
from ita.organisations.models import District, Province, Subdistrict

# The country (the gazetteer, loaded by the migrations): not the demo's, kept by a reset.
COUNTRY = (Province, District, Subdistrict)


@transaction.atomic
def load_all() -> dict[str, int]:
    """The results and people, the report's findings, the memo, then the rest of the report;
    then the memo decided as it went in 2564, beside a fresh draft."""
    measures.templates_restore()
    counts = seed.load()
    measures.load_findings()
    counts.update(memos.load())
    counts.update(measures.load())
    counts.update(memos.decide())
    published.bump()  # written around the services: the public pages' cache moves on by hand
    return counts


def erase_all_but_the_country() -> None:
    """Every table emptied but the gazetteer's, whose rows keep their ids (a province's results
    page keeps its address); provinces and districts that an import or an administrator added
    (the ones without an official code) go with the rest, as do the province's region."""
    kept = {model._meta.db_table for model in COUNTRY}
    tables = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table not in kept
    ]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Rows written earlier in this transaction (a test) may still have deferred
            # foreign-key checks pending, and PostgreSQL refuses to TRUNCATE such tables.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        statements = connection.ops.sql_flush(
            no_style(), tables, reset_sequences=True, allow_cascade=False
        )
        connection.ops.execute_sql_flush(statements)
        District.objects.filter(code__isnull=True).delete()
        Province.objects.filter(code__isnull=True).delete()
        Province.objects.exclude(region=None).update(region=None)

"""The sign-off chain now lives in memos.MemoSettings (copied there by memos.0003)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("memos", "0003_organisations_and_settings"),
    ]

    operations = [migrations.RemoveField(model_name="organisation", name="memo_chain")]

"""The demo: the seed document's organisation, its 2564 results, people, report and memo.

``load.load_all()`` (``manage.py load_demo``) loads every part in order: ``seed`` (provinces,
organisations, results, people), ``measures`` (the report), ``memos`` (the memo). It sits above
every app, like ``ita.urls``: it may use them all, and none of them uses it.
"""

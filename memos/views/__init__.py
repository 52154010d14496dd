"""The memos' pages, a module per what they serve: ``memo`` (a memo's page and its actions),
``lists`` (the list, the inbox, my desk, the register), ``cycle`` (the year's memos from the
report and the implementation, the landing page, notices), ``files`` (the PDF and attachments),
``emblem`` (the organisation's emblem), ``record`` (the signing certificate and ``/verify/``).
``memos/urls.py`` imports each view from its module; nothing is re-exported here."""

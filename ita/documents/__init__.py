"""The document engine: plain data (``data``) → HTML (templates/pdf) → PDF (``engine``).

It imports no model of any app: each app builds its own document data (memos build the memo,
measures build the report) and hands it here to be rendered.
"""

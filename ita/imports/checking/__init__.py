"""Judging a table's rows against the year's method and what is stored (no writes here):
``checker`` reads each row, matches its organisation and judges its result, ``limits`` says what
a stored row can hold. Nothing is re-exported here."""

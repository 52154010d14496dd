"""Judging a table's rows against the year's method and what is stored (no writes here):
``checker`` reads each row and matches its organisation, ``judging`` judges its result by one
rule each, ``limits`` says what a stored row can hold. Nothing is re-exported here."""

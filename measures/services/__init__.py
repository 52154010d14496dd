"""Writes to the yearly report, by sub-domain; callers import each from the module it lives in.

- ``findings``: the issues to improve (``finding_create`` … ``finding_save``);
- ``checklist``: the year's OIT checklist, the country's and an organisation's reading of it;
- ``measures``: measures kept, drafted, edited, deleted and carried into the next year;
- ``progress``: what was done about a measure, with its evidence files;
- ``report``: this year's report drafted from the scores (``report_prepare``).

The second half of the cycle and the public side have modules of their own:
``measures.implementation`` (what was done, reported for a period), ``measures.publishing``
(what is public) and ``measures.reminders`` (the e-mails of periods ending).
"""

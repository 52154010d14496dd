"""The ITA method and results: years and their method, assessments, scores, the public pages.

Its app label stays ``ita``: the tables, admin addresses and migrations of the results have had
that name since the first release.
"""

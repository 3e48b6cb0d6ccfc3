"""Reliability suites: fault matrix, soak, fuzzing, signing, secrets scan and transport.

Every suite is plain code returning :class:`~.report.Row` records, so that the pytest modules
here (small sizes, part of ``make test``) and ``run.py`` (full sizes, ``make reliability``)
run the very same checks.
"""

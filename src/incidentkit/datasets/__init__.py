"""
Real incident data shipped with incidentkit, for examples, tests and analysis.

`github_status` returns GitHub's public status-page history, 1,282 incidents
from 2010-02-07 to 2023-10-06, read by `incidentkit.interop.statuspage`.

Provenance: the repository GitHub-Incident-History/GitHub-Incident-History
(folder ``incidents/``, commit ``8016f1caba3eafbaa88d63d4973a334fbb99aea4``,
2023-10-06) downloaded ``https://www.githubstatus.com/api/v2/incidents/<id>.json``
for every incident; the files are shipped losslessly as one gzip-compressed JSON
Lines file, ``github_status.jsonl.gz``, with a ``README.md`` giving the details.
Licence: that repository is released under the Unlicense, a public-domain
dedication (``UPSTREAM-LICENSE-Unlicense.txt`` next to the data); the content is
GitHub's own public status data.

What is in it: impact ``minor`` 1,048, ``major`` 199, ``none`` 33,
``critical`` 2 (so severity P3 1,081, P2 199, P1 2); every incident is resolved.

Its quirks, each reported as a finding (see `incidentkit.interop.statuspage`):

* All 832 records from 2010 to 2018 were migrated into Statuspage with
  ``created_at == resolved_at``, and 7 later ones were posted after the fact the
  same way: 839 ``statuspage-backfilled`` findings.  Their durations are
  unknown, not zero.
* 16 records have ``started_at`` after ``created_at``: 11 by under a tenth of a
  second, and five from 2019-2020 by minutes to days.  Three of those
  (qb2vmff9bnf5, qrrdvssfmrs2, nk9gdvl03ztg) have ``resolved_at == created_at``
  before ``started_at``, nk9gdvl03ztg's ``started_at`` about 5.6 days after its
  resolution.  The impossible ``started_at`` is dropped:
  13 ``statuspage-start-after-create`` and 3 ``statuspage-start-after-resolve``.
* Only 4 records have ``monitoring_at``; for the other 1,278, ``mitigated_at``
  is ``resolved_at`` (``statuspage-mitigated-from-resolved``).
* 164 records name no component at all (``statuspage-null-components``), and
  ``affected_components`` is null on 1,324 of the 2,801 updates.
* No record carries a detection time, so ``detected_at`` is always ``None``.

Example:
    >>> from incidentkit import datasets
    >>> incidents, findings = datasets.github_status()
    >>> len(incidents), incidents[0].declared_at.year, incidents[-1].declared_at.year
    (1282, 2010, 2023)
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Final

from incidentkit.interop import Imported, statuspage


__all__ = ["GITHUB_STATUS_FILE", "github_status"]

GITHUB_STATUS_FILE: Final = "github_status.jsonl.gz"
"""The name of the GitHub history's file in this package."""


@functools.cache
def github_status() -> Imported:
    """
    Return GitHub's status-page history, 2010-2023, as incidents and findings.

    The file is read and imported once; later calls return the same (immutable)
    result.

    Returns:
        `incidentkit.interop.Imported`: 1,282 incidents sorted by declaration
        time, and the findings the Statuspage importer reported on them.

    Example:
        >>> from collections import Counter
        >>> from incidentkit.datasets import github_status
        >>> incidents, findings = github_status()
        >>> Counter(f.code for f in findings)["statuspage-backfilled"]
        839
    """
    data = resources.files(__name__).joinpath(GITHUB_STATUS_FILE).read_bytes()
    return statuspage.load(data)

"""``python -m incidentkit``: the same as the ``incidentkit`` command."""

from .cli import main


raise SystemExit(main())

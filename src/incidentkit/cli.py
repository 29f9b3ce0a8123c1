"""
The ``incidentkit`` command line.

Example:
    .. code-block:: console

        $ incidentkit --version
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    from importlib.metadata import version  # noqa: PLC0415 - only the CLI needs it

    parser = argparse.ArgumentParser(
        prog="incidentkit",
        description="Run production incidents well, and learn from them.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {version('incidentkit')}",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """
    Run the ``incidentkit`` command line.

    Args:
        argv: The arguments, without the program name; `sys.argv` when ``None``.

    Returns:
        The exit status.
    """
    parser = _parser()
    parser.parse_args(sys.argv[1:] if argv is None else argv)
    parser.print_help()
    return 0

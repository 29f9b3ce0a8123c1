"""The pictures in the docs are the renderer's output, not drawings that can drift."""

from pathlib import Path

from incidentkit.rca import Fishbone
from incidentkit.render import fishbone_svg


DOCS = Path(__file__).parent.parent / "docs"


def connection_leak_fishbone():
    """The fishbone of docs/postmortems.md's "Write the postmortem" example."""
    fb = Fishbone(problem="The site went down")
    fb = fb.add("code changes", "A new query leaks connections", likely=True)
    fb = fb.add("configuration", "Pool size lowered to 20")
    return fb.add("process gaps", "No automated leak check", likely=True)


def test_the_connection_leak_fishbone_picture_is_current():
    # Regenerate with: PYTHONPATH=src python -c "from tests.test_docs_pictures import
    # write; write()"
    picture = DOCS / "images" / "connection-leak-fishbone.svg"

    assert fishbone_svg(connection_leak_fishbone()) == picture.read_text("utf-8")


def write():
    """Write the docs' pictures again."""
    picture = DOCS / "images" / "connection-leak-fishbone.svg"
    picture.write_text(fishbone_svg(connection_leak_fishbone()), "utf-8")

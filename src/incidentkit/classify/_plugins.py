"""Classifiers registered under the ``incidentkit.classifiers`` entry-point group."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from typing import Any, Final

from incidentkit.errors import IncidentKitError, ValidationError

from ._rules import Classifier, RuleClassifier


__all__ = [
    "ENTRY_POINT_GROUP",
    "ClassifierNotFound",
    "installed_classifiers",
    "load_classifier",
]

ENTRY_POINT_GROUP: Final[str] = "incidentkit.classifiers"
"""The entry-point group third-party classifiers register under."""

BUILT_IN: Final[str] = "default"


class ClassifierNotFound(IncidentKitError, LookupError):  # noqa: N818 - reads better
    """
    No classifier is installed under the name asked for.

    Attributes:
        name: The name asked for.
        installed: The names that are installed, sorted.

    Example:
        >>> from incidentkit.classify import load_classifier
        >>> load_classifier("no-such-classifier")
        Traceback (most recent call last):
        ...
        incidentkit.classify._plugins.ClassifierNotFound: no classifier \
'no-such-classifier' in the 'incidentkit.classifiers' entry-point group; \
installed: 'default'...
    """

    def __init__(self, name: str, installed: tuple[str, ...]) -> None:
        shown = ", ".join(repr(n) for n in installed)
        super().__init__(
            f"no classifier {name!r} in the {ENTRY_POINT_GROUP!r} entry-point "
            f"group; installed: {shown}"
        )
        self.name = name
        self.installed = installed

    def __reduce__(self) -> tuple[Any, ...]:
        return (ClassifierNotFound, (self.name, self.installed))


def _entry_points() -> dict[str, EntryPoint]:
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep)  # the first on sys.path wins, as for imports
    return found


def installed_classifiers() -> tuple[str, ...]:
    """
    Return the names `load_classifier` accepts, sorted.

    ``"default"`` (the `RuleClassifier` with `DEFAULT_RULES`) is always there.

    Example:
        >>> from incidentkit.classify import installed_classifiers
        >>> "default" in installed_classifiers()
        True
    """
    return tuple(sorted({BUILT_IN, *_entry_points()}))


def load_classifier(name: str) -> Classifier:
    """
    Load the classifier registered under *name* in ``incidentkit.classifiers``.

    An entry point names either a `Classifier` instance or a callable taking
    no arguments that returns one (a class, a factory function).  ``"default"``
    is incidentkit's own `RuleClassifier`; incidentkit declares it in the group
    too, and it loads even where incidentkit is not installed (a source tree).

    Args:
        name: The entry point's name.

    Returns:
        The classifier.

    Raises:
        ClassifierNotFound: If nothing is registered under *name*; the error
            lists the installed names.
        ValidationError: If *name* is not text, or the entry point gives
            something that is not a `Classifier`.

    Example:
        >>> from incidentkit.classify import Impact, load_classifier
        >>> load_classifier("default").classify(Impact(security_breach=True)).severity
        <Severity.P1: 'P1'>
    """
    if not isinstance(name, str):
        raise ValidationError.for_field("name", "an entry-point name (text)", name)
    found = _entry_points().get(name)
    if found is None:
        if name == BUILT_IN:
            return RuleClassifier()
        raise ClassifierNotFound(name, installed_classifiers())
    target = found.load()
    classifier = (
        target()
        if isinstance(target, type)
        or (callable(target) and not hasattr(target, "classify"))
        else target
    )
    if not isinstance(classifier, Classifier):
        raise ValidationError.for_field(
            f"entry point {name!r} ({found.value})",
            "a Classifier (an object with a classify(impact) method) or a "
            "callable returning one",
            classifier,
        )
    return classifier

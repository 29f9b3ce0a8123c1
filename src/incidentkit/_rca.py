"""
The values of root-cause analysis: Five Whys chains and Fishbone diagrams.

They live in the core model because two capabilities hold them: `incidentkit.rca`
builds and checks them, and `incidentkit.postmortem` keeps them as its root cause.
Their public home is `incidentkit.rca`.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable, Iterator
from typing import Any, Final

import attrs

from ._validators import (
    as_tuple,
    check_bool,
    optional_text,
    require_text,
    text,
    tuple_of,
)
from .errors import ValidationError


__all__ = [
    "MAX_DEPTH",
    "STANDARD_CATEGORIES",
    "Category",
    "Factor",
    "Fishbone",
    "FiveWhys",
    "Why",
]

STANDARD_CATEGORIES: Final[tuple[str, ...]] = (
    "code changes",
    "infrastructure",
    "configuration",
    "external dependencies",
    "human error",
    "process gaps",
)
"""
The six cause categories a new `Fishbone` starts with.

"human error" is a category of *conditions* that make a slip likely (fatigue,
unclear tooling, a manual step), not a place to put a name.
"""

_SLUG: Final[re.Pattern[str]] = re.compile(r"[^a-z0-9]+")
_ID: Final[re.Pattern[str]] = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")


def _texts(value: object) -> tuple[str, ...]:
    return typing.cast("tuple[str, ...]", as_tuple(value))


def _is_text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


_EVIDENCE: Final = tuple_of(_is_text, "a sequence of non-empty strings")


def _check_id(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or _ID.fullmatch(value) is None:
        raise ValidationError.for_field(
            attribute.alias or attribute.name,
            "an id of letters, digits, '.', '_' and '-' (at most 80, "
            "starting with a letter or digit)",
            value,
        )


def _optional_id(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _check_id(instance, attribute, value)


@attrs.frozen(kw_only=True)
class Why:
    """
    One step of a Five Whys chain: a question and its answer.

    Attributes:
        question: What is asked "why" about (the previous answer, or the problem).
        because: The answer.
        evidence: What supports the answer: links, log lines, graphs.

    Example:
        >>> from incidentkit.rca import Why
        >>> Why(question="The site went down",
        ...     because="The database ran out of connections").because
        'The database ran out of connections'
    """

    question: str = attrs.field(validator=text)
    because: str = attrs.field(validator=text)
    evidence: tuple[str, ...] = attrs.field(
        default=(), converter=_texts, validator=_EVIDENCE
    )


def _whys(value: object) -> tuple[Why, ...]:
    return typing.cast("tuple[Why, ...]", as_tuple(value))


@attrs.frozen
class FiveWhys:
    """
    A Five Whys chain: a problem, why → because steps, the root cause and its action.

    Build it step by step; each call returns a new chain.  The root cause is the
    last answer; `conclude` names the action it implies.  Five steps is a guide,
    not a law (`incidentkit.rca.check_five_whys` asks for at least three).

    Attributes:
        problem: The symptom the chain starts from.
        steps: The steps, in order; each asks why about the previous answer.
        action: The change the root cause implies, once concluded.
        factor_id: The `Fishbone` factor this chain drills into, if any.

    Example:
        >>> from incidentkit.rca import FiveWhys
        >>> chain = (FiveWhys(problem="The site went down")
        ...          .why("The database ran out of connections")
        ...          .why("A new query opened connections without closing them")
        ...          .conclude("Add a connection-leak check to CI"))
        >>> chain.root_cause
        'A new query opened connections without closing them'
        >>> chain.steps[1].question
        'The database ran out of connections'
    """

    problem: str = attrs.field(validator=text)
    steps: tuple[Why, ...] = attrs.field(
        default=(),
        kw_only=True,
        converter=_whys,
        validator=tuple_of(lambda v: isinstance(v, Why), "a sequence of Why steps"),
    )
    action: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text
    )
    factor_id: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_id
    )

    @property
    def root_cause(self) -> str | None:
        """The last answer, or ``None`` before the first step."""
        return self.steps[-1].because if self.steps else None

    def why(self, because: str, *, evidence: Iterable[str] = ()) -> FiveWhys:
        """
        Ask why once more: the answer to "why <the previous answer>?".

        Args:
            because: The answer.
            evidence: What supports it.

        Returns:
            The longer chain.
        """
        question = self.root_cause or self.problem
        step = Why(question=question, because=because, evidence=evidence)
        return attrs.evolve(self, steps=(*self.steps, step))

    def conclude(self, action: str) -> FiveWhys:
        """
        Name the concrete, preventable change the root cause implies.

        Args:
            action: Such as ``"Alert on connection-pool usage"``.

        Returns:
            The concluded chain.
        """
        return attrs.evolve(self, action=require_text(action, "action"))

    def _repr_html_(self) -> str:
        """Show it as HTML in a notebook (see `incidentkit.render.html`)."""
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)

    def _repr_markdown_(self) -> str:
        """Show it as Markdown (see `incidentkit.render.markdown`)."""
        from incidentkit.render import markdown  # noqa: PLC0415 - lazy

        return markdown(self)


def _factor_tuple(value: object) -> tuple[Factor, ...]:
    return typing.cast("tuple[Factor, ...]", as_tuple(value))


MAX_DEPTH: Final[int] = 8
"""How many levels of sub-factors a factor may have below it."""


@attrs.frozen(kw_only=True)
class Factor:
    """
    One contributing factor on a Fishbone.

    A sub-factor names the factor it contributed to as its *parent*; a
    `Category` keeps its factors in outline order (each parent before its
    sub-factors).

    Attributes:
        id: A stable identifier within the diagram (such as ``"code-changes.1"``);
            a `FiveWhys` drilled from the factor keeps it as ``factor_id``.
        text: What contributed.
        likely: Whether the team thinks it most likely mattered.
        evidence: What supports it.
        parent: The id of the factor this one contributed to, for a sub-factor.

    Example:
        >>> from incidentkit.rca import Factor
        >>> Factor(id="config.1", text="Pool size lowered", likely=True).likely
        True
    """

    id: str = attrs.field(validator=_check_id)
    text: str = attrs.field(validator=text)
    likely: bool = attrs.field(default=False, validator=check_bool)
    evidence: tuple[str, ...] = attrs.field(
        default=(), converter=_texts, validator=_EVIDENCE
    )
    parent: str | None = attrs.field(default=None, validator=_optional_id)


@attrs.frozen(kw_only=True)
class Category:
    """
    One bone of a Fishbone: a cause category and its factors, in outline order.

    Each sub-factor follows its parent (or its parent's earlier sub-factors and
    their own), so the stored order is the order the factors are shown in, and
    nesting is at most `incidentkit.rca.MAX_DEPTH` deep.

    Attributes:
        name: Such as ``"configuration"`` (one of
            `incidentkit.rca.STANDARD_CATEGORIES`, or custom).
        factors: The factors under it.

    Raises:
        ValidationError: If a sub-factor does not follow its parent, or nests
            too deep.

    Example:
        >>> from incidentkit.rca import Category, Factor
        >>> bone = Category(name="configuration", factors=[
        ...     Factor(id="c.1", text="Pool size lowered"),
        ...     Factor(id="c.1.1", text="No review of the change", parent="c.1")])
        >>> [(depth, f.id) for depth, f in bone.outline()]
        [(0, 'c.1'), (1, 'c.1.1')]
    """

    name: str = attrs.field(validator=text)
    factors: tuple[Factor, ...] = attrs.field(
        default=(),
        converter=_factor_tuple,
        validator=tuple_of(lambda v: isinstance(v, Factor), "a sequence of Factor"),
    )

    def __attrs_post_init__(self) -> None:
        self.outline()

    def outline(self) -> tuple[tuple[int, Factor], ...]:
        """Return each factor with its depth (0 for the category's own factors)."""
        found: list[tuple[int, Factor]] = []
        stack: list[str] = []
        for factor in self.factors:
            if factor.parent is not None:
                while stack and stack[-1] != factor.parent:
                    stack.pop()
                if not stack:
                    raise ValidationError.for_field(
                        "factors",
                        "each sub-factor after its parent (or its parent's other "
                        "sub-factors)",
                        factor.id,
                    )
            else:
                stack.clear()
            if len(stack) > MAX_DEPTH:
                raise ValidationError.for_field(
                    "factors", f"sub-factors at most {MAX_DEPTH} deep", factor.id
                )
            found.append((len(stack), factor))
            stack.append(factor.id)
        return tuple(found)

    def children(self, factor_id: str | None) -> tuple[Factor, ...]:
        """Return the sub-factors of *factor_id* (``None``: the top-level ones)."""
        return tuple(f for f in self.factors if f.parent == factor_id)


def _categories(value: object) -> tuple[Category, ...]:
    return typing.cast("tuple[Category, ...]", as_tuple(value))


def _default_categories() -> tuple[Category, ...]:
    return tuple(Category(name=name) for name in STANDARD_CATEGORIES)


@attrs.frozen
class Fishbone:
    """
    An Ishikawa diagram: the problem at the head, categories as bones, factors as ribs.

    It starts with the `incidentkit.rca.STANDARD_CATEGORIES`, all empty; `add`
    files a factor under a category (creating a custom one on first use) and
    returns the new diagram.  Factor ids are stable: they are stored, so they
    survive serialization, and `drill` hands one to the `FiveWhys` it starts.

    Attributes:
        problem: The problem at the head of the diagram.
        categories: The bones, in drawing order.

    Raises:
        ValidationError: If two categories share a name or two factors an id.

    Example:
        >>> from incidentkit.rca import Fishbone
        >>> fb = Fishbone(problem="Checkout down")
        >>> fb = fb.add("code changes", "New report query", likely=True)
        >>> fb = fb.add("configuration", "Pool size lowered last week")
        >>> [f.id for f in fb.likely()]
        ['code-changes.1']
        >>> fb.drill("code-changes.1").problem
        'New report query'
    """

    problem: str = attrs.field(validator=text)
    categories: tuple[Category, ...] = attrs.field(
        factory=_default_categories,
        kw_only=True,
        converter=_categories,
        validator=tuple_of(lambda v: isinstance(v, Category), "a sequence of Category"),
    )

    def __attrs_post_init__(self) -> None:
        names: set[str] = set()
        for category in self.categories:
            if category.name in names:
                raise ValidationError.for_field(
                    "categories", "categories with different names", category.name
                )
            names.add(category.name)
        ids: set[str] = set()
        for factor in self.factors():
            if factor.id in ids:
                raise ValidationError.for_field(
                    "categories", "factors with different ids", factor.id
                )
            ids.add(factor.id)

    def factors(self) -> Iterator[Factor]:
        """Yield every factor, sub-factors included, category by category."""
        for category in self.categories:
            yield from category.factors

    def likely(self) -> tuple[Factor, ...]:
        """Return the factors marked likely, in diagram order."""
        return tuple(f for f in self.factors() if f.likely)

    def category_of(self, factor_id: str) -> Category:
        """
        Return the category that holds the factor *factor_id*.

        Raises:
            ValidationError: If no factor has that id.
        """
        for category in self.categories:
            if any(f.id == factor_id for f in category.factors):
                return category
        raise self._unknown(factor_id)

    def factor(self, factor_id: str) -> Factor:
        """
        Return the factor with the id *factor_id*.

        Raises:
            ValidationError: If no factor has that id.
        """
        for found in self.factors():
            if found.id == factor_id:
                return found
        raise self._unknown(factor_id)

    def with_category(self, name: str) -> Fishbone:
        """
        Add an empty custom category (a no-op when it exists).

        Args:
            name: Such as ``"monitoring"``.

        Returns:
            The new diagram.
        """
        name = require_text(name, "category")
        if any(c.name == name for c in self.categories):
            return self
        return attrs.evolve(self, categories=(*self.categories, Category(name=name)))

    def add(
        self,
        category: str,
        text: str,
        *,
        likely: bool = False,
        evidence: Iterable[str] = (),
        under: str | None = None,
        id: str | None = None,  # noqa: A002 - the field is called id
    ) -> Fishbone:
        """
        File a factor under *category* (created when new), or under a factor.

        Args:
            category: The category's name.
            text: What contributed.
            likely: Whether it most likely mattered.
            evidence: What supports it.
            under: The id of a factor in *category* this one is a sub-factor of.
            id: The factor's id; ``"<category>.<n>"`` (``"code-changes.1"``,
                sub-factors ``"code-changes.1.2"``) when not given.

        Returns:
            The new diagram.

        Raises:
            ValidationError: If *under* names no factor of *category*, *id* is
                taken, or the sub-factor would nest too deep.
        """
        diagram = self.with_category(category)
        index = next(i for i, c in enumerate(diagram.categories) if c.name == category)
        bone = diagram.categories[index]
        factors = list(bone.factors)
        if under is None:
            new_id = id or f"{_slug(category)}.{len(bone.children(None)) + 1}"
            position = len(factors)
        else:
            outline = bone.outline()
            at = next((i for i, (_, f) in enumerate(outline) if f.id == under), None)
            if at is None:
                raise ValidationError.for_field(
                    "under", f"the id of a factor under {category!r}", under
                )
            depth = outline[at][0]
            position = at + 1
            while position < len(outline) and outline[position][0] > depth:
                position += 1
            new_id = id or f"{under}.{len(bone.children(under)) + 1}"
        if id is None:
            new_id = _free(new_id, {f.id for f in diagram.factors()})
        factor = Factor(
            id=new_id, text=text, likely=likely, evidence=evidence, parent=under
        )
        factors.insert(position, factor)
        categories = list(diagram.categories)
        categories[index] = attrs.evolve(bone, factors=factors)
        return attrs.evolve(diagram, categories=categories)

    def mark_likely(self, factor_id: str, *, likely: bool = True) -> Fishbone:
        """
        Mark the factor *factor_id* likely (or not).

        Returns:
            The new diagram.

        Raises:
            ValidationError: If no factor has that id.
        """
        self.factor(factor_id)
        return attrs.evolve(
            self,
            categories=tuple(
                attrs.evolve(
                    c,
                    factors=tuple(
                        attrs.evolve(f, likely=likely) if f.id == factor_id else f
                        for f in c.factors
                    ),
                )
                for c in self.categories
            ),
        )

    def drill(self, factor_id: str) -> FiveWhys:
        """
        Start a `FiveWhys` on the factor *factor_id*, linked to it by id.

        Returns:
            An empty chain whose problem is the factor's text.

        Raises:
            ValidationError: If no factor has that id.
        """
        return FiveWhys(problem=self.factor(factor_id).text, factor_id=factor_id)

    def _unknown(self, factor_id: object) -> ValidationError:
        return ValidationError.for_field(
            "factor_id", "the id of a factor of this fishbone", factor_id
        )

    def _repr_html_(self) -> str:
        """Show it as HTML in a notebook (see `incidentkit.render.html`)."""
        from incidentkit.render import html  # noqa: PLC0415 - lazy

        return html(self)

    def _repr_markdown_(self) -> str:
        """Show it as Markdown (see `incidentkit.render.markdown`)."""
        from incidentkit.render import markdown  # noqa: PLC0415 - lazy

        return markdown(self)

    def _repr_svg_(self) -> str:
        """Show the drawing as SVG (see `incidentkit.render.fishbone_svg`)."""
        from incidentkit.render import fishbone_svg  # noqa: PLC0415 - lazy

        return fishbone_svg(self)


def _free(wanted: str, taken: set[str]) -> str:
    """*wanted*, or the first ``wanted-2``, ``wanted-3``... nobody has."""
    found, number = wanted, 1
    while found in taken:
        number += 1
        found = f"{wanted}-{number}"
    return found


def _slug(name: str) -> str:
    return _SLUG.sub("-", name.lower()).strip("-")[:40] or "category"

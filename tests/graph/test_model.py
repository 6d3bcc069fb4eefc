"""The record invariants every store relies on, checked where a record is made."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.checks import check_properties
from graph.model import Node, Provenance, Relationship, RelType

PROV = Provenance(source="test", licence="test")


@pytest.mark.parametrize(("props", "reason"), [
    ({"aliases": ["Marburg", "Mar\x07burg"]}, r"« aliases » : caractère de contrôle U\+0007"),
    ({"statement": "a\x00b"}, r"« statement » : caractère de contrôle U\+0000"),
    ({"name": "x"}, "réservé"),
    ({"Bad-Name": 1}, "invalide"),
])
def test_bad_properties_are_refused_in_french(props: dict[str, object], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        Relationship(type=RelType.TWINNED_WITH, start="commune:86194",
                     end="territory:de-marburg", props=props, provenance=PROV)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=reason):
        Node(key="territory:de-marburg", name="Marburg", props=props, provenance=PROV)  # type: ignore[arg-type]


def test_empty_values_are_dropped_and_lists_are_of_one_type() -> None:
    node = Node(key="territory:de-marburg", name="Marburg", provenance=PROV,
                props={"aliases": [], "level": None, "years": [1961, "2023"],  # type: ignore[dict-item]
                       "country": "DE"})
    assert node.props == {"years": [1961, 2023], "country": "DE"}
    with pytest.raises(ValueError, match="mélange plusieurs types"):
        check_properties({"years": [1961, "2023"]})  # type: ignore[dict-item]

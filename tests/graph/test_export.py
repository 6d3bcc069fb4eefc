"""The GraphML export always parses back, with lists and hostile but legal text; text no
XML can carry never enters the graph."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import networkx as nx
import pytest
from pydantic import ValidationError

from graph.export import write_graphml
from graph.model import Node, Provenance

P = Provenance(source="https://a.example/?q=<b>&x='y'", licence="CC-BY \"4.0\"")


def test_graphml_parses_back(real_graph: nx.MultiDiGraph) -> None:
    graph = real_graph.copy()
    graph.add_node("organisation:hostile", kind="organisation",
                   name="<script>alert('x')</script> & « Ωμέγα » 🌍", aliases=["a;b", "c\"d"],
                   years=[1961, 2020], ratio=0.5, source=P.source, licence=P.licence)
    buffer = io.BytesIO()
    write_graphml(graph, buffer)
    back = nx.read_graphml(io.BytesIO(buffer.getvalue()))
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    hostile = back.nodes["organisation:hostile"]
    assert hostile["name"] == graph.nodes["organisation:hostile"]["name"]
    assert json.loads(hostile["aliases"]) == ["a;b", "c\"d"]  # lists kept, as JSON text


@pytest.mark.parametrize("bad", ["Mar\x00burg", "\x1b[31m", "fin\x7f", "S\x85", "a\u202eb",
                                 "x\ufffe"])
def test_text_xml_cannot_carry_is_refused(bad: str) -> None:
    builds: list[Callable[[], object]] = [
        lambda: Node(key="organisation:x", name=bad, provenance=P),
        lambda: Node(key="organisation:x", name="X", props={"note": bad}, provenance=P),
        lambda: Node(key="organisation:x", name="X", props={"l": ["ok", bad]}, provenance=P),
        lambda: Node(key="organisation:x", name="X",
                     provenance=Provenance(source=bad, licence="l"))]
    for build in builds:
        with pytest.raises(ValidationError, match="caractère de contrôle"):
            build()

"""The model's own rules: which bodies each relationship joins, and what makes an input invalid."""

from __future__ import annotations

from datetime import date

import networkx as nx
import pytest
from pydantic import ValidationError

from helpers import build, org
from graphmodel.dataset import Dataset, InputError, Location
from graphmodel.model import CCG, ENDPOINTS, NODE_CLASSES, NodeKind, Practice, Relationship, RelType
from graphmodel.nx_graph import build_graph, export_graph
from graphmodel.profile import GROUPS

HERE = Location("test.csv", 7)


def sample_node(kind, prefix: str = "N") -> object:
    return NODE_CLASSES[kind](code=f"{prefix}-{kind.value}", name=f"Test {kind.value}", illustrative=True)


@pytest.mark.parametrize("rel", list(RelType))
def test_each_relationship_joins_only_the_kinds_the_model_allows(rel):
    sources, targets = ENDPOINTS[rel]
    # two bodies, even of one kind: a body succeeding itself is a succession cycle
    good_source, good_target = sample_node(sorted(sources)[0]), sample_node(sorted(targets)[0], "T")
    ds = Dataset()
    for n in (good_source, good_target):
        ds.add_node(n, HERE)
    ds.add_relationship(Relationship(source=good_source.code, target=good_target.code, rel=rel), HERE)
    ds.validate()
    graph = build_graph(ds)
    [(_, _, attrs)] = graph.edges(data=True)
    assert attrs["rel"] == rel
    wrong = next(k for k in NODE_CLASSES if k not in sources)
    bad = Dataset()
    for n in (sample_node(wrong), good_target):
        bad.add_node(n, HERE)
    bad.add_relationship(Relationship(source=f"N-{wrong.value}", target=good_target.code, rel=rel), HERE)
    with pytest.raises(InputError, match=f"is a {wrong.value}, expected"):
        bad.validate()


def test_every_relationship_type_has_a_profile_heading_and_allowed_ends():
    assert set(GROUPS) == set(RelType) == set(ENDPOINTS)


def test_every_kind_has_a_model_class_and_a_colour_and_shape_in_the_pictures():
    from ccgraph.visual import STYLE

    assert set(NODE_CLASSES) == set(NodeKind) == set(STYLE)


def test_a_duplicate_code_names_both_places():
    ds = Dataset()
    ds.add_node(CCG(code="00C", name="NHS Darlington"), Location("a.csv", 2))
    ds.add_node(CCG(code="00C", name="NHS Elsewhere"), Location("a.csv", 9))
    with pytest.raises(InputError) as err:
        ds.validate()
    assert "a.csv:9: field 'code': duplicate code '00C'" in str(err.value)
    assert "first defined at a.csv:2" in str(err.value)


def test_a_reference_to_an_unknown_code_is_a_dangling_reference():
    ds = Dataset()
    ds.add_node(Practice(code="A81001", name="A practice"), HERE)
    ds.add_relationship(Relationship(source="A81001", target="ZZZ", rel=RelType.MEMBER_OF), HERE)
    with pytest.raises(
        InputError, match="test.csv:7: field 'target': MEMBER_OF refers to unknown code 'ZZZ'"
    ):
        ds.validate()


def test_overlapping_memberships_are_told_apart_not_refused():
    # Two CCGs at once breaks a rule (the check reports it); one CCG recorded twice is a data note.
    dataset = build(
        organisations=[org("Practice", "P1"), org("Practice", "P2"), org("CCG", "C1"), org("CCG", "C2")],
        memberships=[
            {"practice": "P1", "ccg": "C1", "valid_from": "2012-04-01"},
            {"practice": "P1", "ccg": "C2", "valid_from": "2013-04-01"},
            {"practice": "P2", "ccg": "C1", "valid_from": "2012-04-01", "valid_to": "2014-03-31"},
            {"practice": "P2", "ccg": "C1", "valid_from": "2013-04-01"},
        ],
    )
    assert dataset.overlapping_memberships() == (["P2: C1, C1 from 2013-04-01"], ["P1: C1, C2 from 2013-04-01"])


def test_a_practice_may_move_ccg_on_consecutive_days():
    ds = build(
        organisations=[org("Practice", "P1"), org("CCG", "C1"), org("CCG", "C2")],
        memberships=[
            {"practice": "P1", "ccg": "C1", "valid_from": "2013-04-01", "valid_to": "2014-03-31"},
            {"practice": "P1", "ccg": "C2", "valid_from": "2014-04-01"},
        ],
    )
    assert len(ds.relationships) == 2 + 4  # and the NHS CB's four services


def test_a_relationship_cannot_end_before_it_starts():
    with pytest.raises(ValidationError, match="before valid_from"):
        Relationship(
            source="a",
            target="b",
            rel=RelType.MEMBER_OF,
            valid_from=date(2013, 4, 1),
            valid_to=date(2013, 3, 1),
        )


def test_shares_are_percentages():
    with pytest.raises(ValidationError):
        Relationship(source="a", target="b", rel=RelType.OVERLAPS, share=140)


def test_codes_are_plain_identifiers():
    with pytest.raises(ValidationError):
        CCG(code="00C'}) DETACH DELETE n //", name="x")


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_the_graph_exports_and_reads_back_with_the_same_size(tmp_path, fmt):
    ds = build(
        organisations=[org("Practice", "P1"), org("CCG", "C1")],
        memberships=[{"practice": "P1", "ccg": "C1"}],
        collaborations=[
            {
                "code": "X1",
                "name": "x",
                "illustrative": True,
                "lead": ["C1"],
                "members": ["C1"],
                "services": ["acute", "elective"],
            }
        ],
    )
    graph = build_graph(ds)
    path = tmp_path / f"g.{fmt}"
    export_graph(graph, path, fmt)
    if fmt == "graphml":
        back = nx.read_graphml(path, force_multigraph=True)
    elif fmt == "gexf":
        back = nx.read_gexf(path)
    else:
        import json

        back = nx.node_link_graph(json.loads(path.read_text()), edges="links")
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert back.nodes["X1"]["services"] in ("acute;elective", ["acute", "elective"], ("acute", "elective"))


@pytest.mark.parametrize("cls", [*NODE_CLASSES.values(), Relationship], ids=lambda c: c.__name__)
def test_every_text_field_refuses_control_characters_and_every_count_fits_64_bits(cls):
    from pydantic import AfterValidator

    from graphmodel.model import Text, _fits_64_bits

    def parts(annotation) -> tuple[set, set]:
        """The plain types an annotation admits and the after-validators on them."""
        if hasattr(annotation, "__metadata__"):  # Annotated[T, ...]
            types, funcs = parts(annotation.__origin__)
            return types, funcs | {m.func for m in annotation.__metadata__ if isinstance(m, AfterValidator)}
        if getattr(annotation, "__args__", None) and not isinstance(annotation, type):  # a union
            found = [parts(arg) for arg in annotation.__args__]
            return set().union(*(t for t, _ in found)), set().union(*(f for _, f in found))
        return {annotation}, set()

    for name, info in cls.model_fields.items():
        kinds, checks = parts(info.annotation)
        checks |= {m.func for m in info.metadata if isinstance(m, AfterValidator)}
        if str in kinds:
            assert Text.__metadata__[0].func in checks, f"{cls.__name__}.{name} is text but not Text"
        bounded = any(getattr(m, "le", None) is not None for m in info.metadata)
        if int in kinds and not bounded:
            assert _fits_64_bits in checks, f"{cls.__name__}.{name} is an unbounded int but not Int64"

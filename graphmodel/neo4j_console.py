"""The analysts' Cypher console: the server's own planner decides what may run, not a regex.

Before an analyst's query runs, the server is asked for its plan (`EXPLAIN`, which runs
nothing). The query runs only if the plan is read-only in every part:

- the server classes it as a read query, on the database the console serves;
- every operator is a read operator (`READ_OPERATORS`): no `LoadCSV` (no file or URL is
  fetched), no writes, no `CALL ... IN TRANSACTIONS`, no administration commands (`SHOW USERS`,
  `SHOW TRANSACTIONS`, `TERMINATE TRANSACTIONS`, settings, connections);
- every procedure called is in `ALLOWED_PROCEDURES` (schema introspection only);
- no expression can grow without bound (`_unbounded_expression`): Neo4j Community does not
  count the memory of evaluating an expression against its transaction limit, so
  `size([x IN range(1, 300000000) | [x, x, x]])` would fill the heap and stall the server for
  minutes. `range()`, a `reduce()` whose accumulator is used twice, a `replace()` whose
  replacement is not a constant, and comprehensions inside comprehensions are refused.

Then it runs in an auto-commit read transaction (the server refuses writes; the driver never
retries it), with the timeout sent to the server, fetching 20 records at a time and stopping
at `limit` rows or `max_bytes` of values. docs/security.md lists what is enforced where and what
is not; the last check is a guard against known amplifiers, not a proof.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from neo4j import Driver, Query
from neo4j.exceptions import DriverError, Neo4jError

from graphmodel.errors import CcgraphError
from graphmodel.neo4j_connect import Neo4jUnavailable, database_of

__all__ = ["ALLOWED_PROCEDURES", "READ_OPERATORS", "ConsoleRefused", "QueryResult", "read_only_query"]

MAX_QUERY_CHARS = 5_000
MAX_PARAMS_CHARS = 100_000
FETCH_SIZE = 20  # records per round trip: what arrives before a row can be measured

READ_OPERATORS = frozenset("""
    ProduceResults Projection Filter Limit Skip ExhaustiveLimit Sort PartialSort Top PartialTop
    Distinct OrderedDistinct EagerAggregation OrderedAggregation Aggregation
    AllNodesScan NodeByLabelScan UnionNodeByLabelsScan IntersectionNodeByLabelsScan
    SubtractionNodeByLabelsScan NodeByIdSeek NodeByElementIdSeek NodeIndexSeek
    NodeUniqueIndexSeek NodeIndexSeekByRange NodeUniqueIndexSeekByRange NodeIndexScan
    NodeIndexContainsScan NodeIndexEndsWithScan MultiNodeIndexSeek AssertingMultiNodeIndexSeek
    DirectedRelationshipTypeScan UndirectedRelationshipTypeScan DirectedAllRelationshipsScan
    UndirectedAllRelationshipsScan DirectedUnionRelationshipTypesScan
    UndirectedUnionRelationshipTypesScan DirectedRelationshipIndexSeek
    UndirectedRelationshipIndexSeek DirectedRelationshipIndexScan UndirectedRelationshipIndexScan
    DirectedRelationshipIndexSeekByRange UndirectedRelationshipIndexSeekByRange
    DirectedRelationshipIndexContainsScan UndirectedRelationshipIndexContainsScan
    DirectedRelationshipIndexEndsWithScan UndirectedRelationshipIndexEndsWithScan
    DirectedRelationshipByIdSeek UndirectedRelationshipByIdSeek
    DirectedRelationshipByElementIdSeek UndirectedRelationshipByElementIdSeek
    DirectedRelationshipUniqueIndexSeek UndirectedRelationshipUniqueIndexSeek
    NodeCountFromCountStore RelationshipCountFromCountStore
    Expand(All) Expand(Into) OptionalExpand(All) OptionalExpand(Into) VarLengthExpand(All)
    VarLengthExpand(Into) VarLengthExpand(Pruning) VarLengthExpand(Pruning,BFS)
    VarLengthExpand(Pruning,BFS,All) BFSPruningVarLengthExpand ShortestPath
    StatefulShortestPath(All) StatefulShortestPath(Into) Trail NullifyMetadata
    ProjectEndpoints Apply SemiApply AntiSemiApply LetSemiApply LetAntiSemiApply SelectOrSemiApply
    SelectOrAntiSemiApply LetSelectOrSemiApply LetSelectOrAntiSemiApply RollUpApply
    ConditionalApply AntiConditionalApply Optional Argument ArgumentTracker Anti CartesianProduct
    NodeHashJoin ValueHashJoin NodeLeftOuterHashJoin NodeRightOuterHashJoin Union OrderedUnion
    Unwind Eager EmptyRow CacheProperties AssertSameNode AssertSameRelationship ProcedureCall
    TriadicSelection TriadicBuild TriadicFilter
    """.split())
ALLOWED_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
    }
)


class ConsoleRefused(CcgraphError, ValueError):
    """The console will not run this query, or the server refused or stopped it; says why."""


@dataclass(frozen=True)
class QueryResult:
    keys: list[str]
    rows: list[dict[str, Any]]
    truncated: str = ""  # why fewer rows came back than the query produced, if it did


def read_only_query(
    driver: Driver,
    query: str,
    params: dict[str, Any] | None = None,
    *,
    timeout: float = 20.0,
    limit: int = 2000,
    max_bytes: int = 5_000_000,
) -> QueryResult:
    """Run an analyst's query if its plan is read-only (see the module docstring).

    Parameters
    ----------
    driver : a driver from `graphmodel.neo4j_connect.connect`
    query : Cypher text; user input belongs in `params`, never pasted into it
    params : JSON-like values
    timeout : seconds, enforced by the server
    limit, max_bytes : at most this many rows, and about this many bytes of values

    Returns
    -------
    QueryResult : column names, rows of plain values (nodes and relationships as small dicts),
        and `truncated` saying why rows were left off.

    Raises
    ------
    ConsoleRefused : the plan is not read-only, the query is malformed, or the server stopped it.
    Neo4jUnavailable : the server cannot be reached.
    """
    params = _checked_params(query, params)
    _refuse_large_patterns(query)
    database = database_of(driver)
    try:
        with driver.session(database=database, default_access_mode="READ", fetch_size=FETCH_SIZE) as session:
            summary = session.run(Query("EXPLAIN " + query, timeout=timeout), params).consume()
            _refuse_unless_read_only(summary.query_type, summary.database, database, summary.plan or {})
            result = session.run(Query(query, timeout=timeout), params)
            keys = list(result.keys())
            rows: list[dict[str, Any]] = []
            size, truncated = 0, ""
            for record in result:
                if len(rows) >= limit:
                    truncated = f"stopped at {limit:,} rows"
                    break
                row = {k: _plain(v) for k, v in record.items()}
                size += _size(row, max_bytes - size)
                if size > max_bytes:
                    truncated = f"stopped at {len(rows):,} rows: the next would pass {max_bytes:,} bytes"
                    break
                rows.append(row)
            return QueryResult(keys, rows, truncated)
    except Neo4jError as err:
        raise ConsoleRefused(f"{err.code}: {_short(err.message)}") from None
    except DriverError as err:
        raise Neo4jUnavailable(
            f"Neo4j stopped answering ({type(err).__name__}): {_short(str(err))}"
        ) from None


def _short(text: str | None, limit: int = 400) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + " ..."


def _checked_params(query: str, params: Any) -> dict[str, Any]:
    if not isinstance(query, str) or not query.strip():
        raise ConsoleRefused("refused: the query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise ConsoleRefused(f"refused: the query is {len(query):,} characters; at most {MAX_QUERY_CHARS:,}")
    params = params if params is not None else {}
    if not isinstance(params, dict) or not all(isinstance(k, str) for k in params):
        raise ConsoleRefused("refused: parameters must be a JSON object with string keys")
    try:
        size = len(json.dumps(params, allow_nan=False))
    except (TypeError, ValueError) as err:
        raise ConsoleRefused(f"refused: parameters must be plain JSON values ({err})") from None
    if size > MAX_PARAMS_CHARS:
        raise ConsoleRefused(f"refused: the parameters are {size:,} characters; at most {MAX_PARAMS_CHARS:,}")
    return params


def _operators(plan: dict[str, Any]):
    """(operator, details) for every step of an EXPLAIN plan, children included."""
    stack = [plan]
    while stack:
        step = stack.pop()
        yield str(step.get("operatorType", "")).split("@")[0], str(step.get("args", {}).get("Details", ""))
        stack.extend(step.get("children", []))


def _refuse_unless_read_only(query_type: str | None, served: str | None, database: str, plan: dict) -> None:
    if query_type != "r":
        kind = {"w": "writes", "rw": "reads and writes", "s": "changes the schema or administers the server"}
        raise ConsoleRefused(
            f"refused: this query {kind.get(str(query_type), 'is not a read query')}; this console is read-only"
        )
    if served != database:
        raise ConsoleRefused(f"refused: this console reads the {database!r} database only")
    steps = list(_operators(plan))
    collected = {m.group(1) for _, d in steps for m in re.finditer(r"collect\([^()]*\) AS (\w+)", d)}
    for operator, details in steps:
        if operator not in READ_OPERATORS:
            raise ConsoleRefused(
                f"refused: the plan uses {operator}, which this read-only console does not run "
                "(no LOAD CSV, administration, transactions or writes)"
            )
        if operator == "ProcedureCall":
            name = details.split("(")[0].strip()
            if name not in ALLOWED_PROCEDURES:
                raise ConsoleRefused(
                    f"refused: procedure {name} is not one this console calls "
                    f"(allowed: {', '.join(sorted(ALLOWED_PROCEDURES))})"
                )
        if (reason := _unbounded_expression(details) or _unbounded_step(operator, details, collected)) is not None:
            raise ConsoleRefused(f"refused: {reason}")


_QUOTED = re.compile(r"`(?:[^`]|``)*`")  # names and aliases: text, not code
_COMPREHENSION = re.compile(r"\[\s*(?:\w+\s+IN\b|\()", re.I)


def _unbounded_expression(details: str) -> str | None:
    """Why an expression in a plan step could grow without bound, or None.

    The server prints expressions normalised: comments gone, literals as `$auto...`
    parameters, names in backticks (removed here first, so a name cannot hide or fake code).

    >>> _unbounded_expression("size([x IN range($autoint_0, $autoint_1) | [x, x, x]]) AS n")
    'range() builds a list of any length in one expression; UNWIND a literal list instead'
    >>> _unbounded_expression("reduce(t = $autoint_0, x IN cs | t + x.list_size) AS n") is None
    True
    >>> _unbounded_expression("reduce(s = $autostring_0, i IN $autolist_1 | s + s) AS `boom`")
    'reduce() whose accumulator s is used twice can double on every step'
    """
    code = _QUOTED.sub("``", details)
    if re.search(r"(?<![\w.])range\s*\(", code, re.I):
        return "range() builds a list of any length in one expression; UNWIND a literal list instead"
    for match in re.finditer(r"(?<![\w.])reduce\s*\(\s*(\w+)\s*=", code, re.I):
        body = _call_body(code, match.end()).split("|", 1)
        if len(body) == 2 and len(re.findall(rf"(?<![\w.$]){re.escape(match.group(1))}\b", body[1])) > 1:
            return f"reduce() whose accumulator {match.group(1)} is used twice can double on every step"
    for match in _ITERATION.finditer(code):
        inner = _call_body(code, match.end()) if match.group(0).endswith("(") else _call_body(code, match.end(), "[]")
        if _ITERATION.search(inner):
            return "an iteration (reduce, any, all, none, single or a list) inside a comprehension or reduce multiplies its steps"
    for match in re.finditer(r"(?<![\w.])replace\s*\(", code, re.I):
        arguments = _split_arguments(_call_body(code, match.end()))
        if len(arguments) == 3 and not re.fullmatch(r"\s*\$\w+\s*", arguments[2]):
            return "replace() with a computed replacement can square a string's length"
    depth, open_ = 0, []
    for i, char in enumerate(code):
        if char == "[":
            comprehension = bool(_COMPREHENSION.match(code, i))
            open_.append(comprehension)
            depth += comprehension
            if depth > 1:
                return "a comprehension inside a comprehension can multiply a list by itself"
        elif char == "]" and open_:
            depth -= open_.pop()
    return _work_per_step(code)


_BOUNDED_LIST = re.compile(r"\$|\[|(?:nodes|relationships|labels|keys)\s*\(", re.I)
_NUMBER = re.compile(r"\s*-?\s*(?:\$auto(?:int|double|float)_\d+|\d+(?:\.\d+)?)\s*")


def _work_per_step(code: str) -> str | None:
    """Why an iteration over a list the query builds could do work at each step that grows with
    the list (so the whole expression, which the server never interrupts, grows with its square),
    or None. A list from a parameter or written in the query is bounded by the query's size.

    Neo4j checks its timeout between rows, not inside one expression: `reduce(s = '', x IN l |
    s + x)` over 300,000 collected strings copied the growing string at every step and kept
    running minutes after the server marked it terminated.

    >>> _work_per_step("reduce(s = $autostring_0, x IN l | s + x) AS n")
    'reduce() over a list the query builds may only add up numbers: building a string or list step by step costs the square of its length (return the list instead)'
    >>> _work_per_step("[x IN l WHERE x IN m] AS n")
    'a membership test (IN m) inside an iteration scans a list at every step'
    >>> _work_per_step("[x IN l | size(reverse(l))] AS n")
    'the list l is used again inside the iteration that walks it'
    >>> _work_per_step("reduce(s = $autostring_0, x IN $autolist_1 | s + x) AS joined") is None
    True
    >>> _work_per_step("reduce(s = coalesce(a, b), x IN l | s + x) AS n") is not None
    True
    >>> _work_per_step("[x IN cs WHERE x.code IN $autolist_1 | x.name] AS names") is None
    True
    >>> _work_per_step("reduce(s = $autostring_0, n IN nodes(p) | s + n.code) AS route") is None
    True
    """
    for match in _ITERATION.finditer(code):
        if match.group(0).endswith("("):
            inner = _call_body(code, match.end())
        else:  # a list comprehension: the match ends after its `IN`; read from its bracket
            inner = _call_body(code, match.start() + 1, "[]")
        init = None
        if match.group(0).lower().startswith("reduce"):
            accumulator, *iteration = _split_arguments(inner)
            init, inner = accumulator.partition("=")[2], ",".join(iteration)
        walked, *rest = re.split(r"\s*(?:\||\bWHERE\b)\s*", inner.partition(" IN ")[2], maxsplit=1, flags=re.I)
        walked, body = walked.strip(), "".join(rest)
        if _BOUNDED_LIST.match(walked):
            continue  # bounded by the query's size, or by a path's length (at most 20 relationships)
        if init is not None and not _NUMBER.fullmatch(init):
            return (
                "reduce() over a list the query builds may only add up numbers: building a string or list "
                "step by step costs the square of its length (return the list instead)"
            )
        if (member := re.search(r"\bIN\s+(?![$\[])(\S+)", body, re.I)) is not None:
            return f"a membership test (IN {member.group(1).rstrip(')]')}) inside an iteration scans a list at every step"
        if re.fullmatch(r"\w+", walked) and re.search(rf"(?<![\w.$]){re.escape(walked)}\b(?!\s*\.)", body):
            return f"the list {walked} is used again inside the iteration that walks it"
    return None


MAX_PATTERN_RELATIONSHIPS = 20  # the checks' own queries use at most 6
MAX_HOPS = 10  # longest variable-length pattern (the deepest merger chain is 3)
_LITERALS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`(?:[^`]|``)*`|//[^\n]*|/\*.*?\*/", re.S)
_RELATIONSHIP = re.compile(r"<?-(?:\[[^\]]*\])?->?")
_ITERATION = re.compile(r"(?<![\w.])(?:reduce|any|all|none|single)\s*\(|\[\s*\w+\s+IN\b", re.I)


def _refuse_large_patterns(query: str) -> None:
    """Refuse, before the server plans it, a query with more relationship patterns than any
    analyst's question needs: planning a 20-node clique took the server 138 s.

    >>> _refuse_large_patterns("MATCH (a)-[:X]->(b)<-[r]-(c)--(d) RETURN a // -->-->-->")
    >>> _refuse_large_patterns("MATCH " + ", ".join(f"(n{i})--(m{i})" for i in range(21)) + " RETURN 1")
    Traceback (most recent call last):
    ...
    graphmodel.neo4j_console.ConsoleRefused: refused: the query has 21 relationship patterns; at most 20 (a large pattern can take the server minutes to plan)
    """
    code = _LITERALS.sub("''", query)
    found = len(_RELATIONSHIP.findall(code))
    if found > MAX_PATTERN_RELATIONSHIPS:
        raise ConsoleRefused(
            f"refused: the query has {found} relationship patterns; at most {MAX_PATTERN_RELATIONSHIPS} "
            "(a large pattern can take the server minutes to plan)"
        )


def _unbounded_step(operator: str, details: str, collected: set[str]) -> str | None:
    """Why a plan step could grow or run without bound in a way the server does not stop, or None.

    >>> _unbounded_step("VarLengthExpand(All)", "(a)-[anon_0*]-(b)", set())
    'a variable-length pattern needs an upper bound of at most 10 hops (e.g. *1..3)'
    >>> _unbounded_step("VarLengthExpand(All)", "(a)-[anon_0*1..3]-(b)", set()) is None
    True
    >>> _unbounded_step("Projection", "s + s AS s", set())
    'a value added to itself (s + s) can double at every step'
    >>> _unbounded_step("Projection", "a.name + ' ' + a.code AS label", set()) is None
    True
    >>> _unbounded_step("EagerAggregation", "collect(ns) AS nss", {"ns"})
    'collect() of a list that collect() made multiplies it by the rows'
    """
    code = _QUOTED.sub("``", details)
    if operator.startswith("VarLengthExpand") or operator.startswith("BFSPruning"):
        for low, dots, high in re.findall(r"\*\s*(\d*)\s*(\.\.)?\s*(\d*)", code):
            bound = int(high) if high else (int(low) if low and not dots else None)
            if bound is None or bound > MAX_HOPS:
                return f"a variable-length pattern needs an upper bound of at most {MAX_HOPS} hops (e.g. *1..3)"
    if "+" in code:
        for item in _split_arguments(code):
            expression = _without_iterations(item.rsplit(" AS ", 1)[0])
            bare = re.findall(r"(?<![\w.$`])([A-Za-z_]\w*)\b(?!\s*[.(\[`])", expression)
            twice = sorted({name for name in bare if bare.count(name) > 1 and name.upper() not in _WORDS})
            if twice and "+" in expression:
                return f"a value added to itself ({twice[0]} + {twice[0]}) can double at every step"
    for name in re.findall(r"collect\(\s*(?:DISTINCT\s+)?(\w+)\s*\)", code, re.I):
        if name in collected:
            return "collect() of a list that collect() made multiplies it by the rows"
    return None


_WORDS = frozenset("AND OR XOR NOT IN IS NULL TRUE FALSE CASE WHEN THEN ELSE END AS DISTINCT STARTS ENDS WITH CONTAINS".split())


def _call_body(code: str, start: int, pair: str = "()") -> str:
    """The text from `start` to the bracket that closes the one opened just before it (a call's
    parenthesis, or with `pair="[]"` a list's bracket)."""
    depth = 1
    for i in range(start, len(code)):
        depth += {pair[0]: 1, pair[1]: -1}.get(code[i], 0)
        if depth == 0:
            return code[start:i]
    return code[start:]


def _without_iterations(expression: str) -> str:
    """The expression with every list, call to reduce/any/all/none/single and their bodies
    removed: their own variables are judged by the rules for iterations."""
    while (match := _ITERATION.search(expression)) or (match := re.search(r"\[", expression)):
        opened = match.group(0).endswith("(")
        body = _call_body(expression, match.end()) if opened else _call_body(expression, match.end(), "[]")
        expression = expression[: match.start()] + "``" + expression[match.end() + len(body) + 1 :]
    return expression


def _split_arguments(body: str) -> list[str]:
    """Top-level, comma-separated arguments of a call's body."""
    parts, depth, last = [], 0, 0
    for i, char in enumerate(body):
        depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(body[last:i])
            last = i + 1
    return [*parts, body[last:]]


def _plain(value: Any) -> Any:
    """Nodes, relationships and paths as plain dicts (code, name, kind / type, start, end)."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {"code": value.get("code"), "name": value.get("name"), "kind": value.get("kind")}
    if isinstance(value, Relationship):
        start = value.start_node.get("code") if value.start_node else None
        end = value.end_node.get("code") if value.end_node else None
        return {"type": value.type, "start": start, "end": end}
    if isinstance(value, Path):
        return {
            "nodes": [_plain(n) for n in value.nodes],
            "relationships": [_plain(r) for r in value.relationships],
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _size(value: Any, budget: int) -> int:
    """About how many bytes `value` takes as text, counting no further than just past `budget`."""
    total, stack = 0, [value]
    while stack and total <= budget:
        item = stack.pop()
        if isinstance(item, dict):
            total += 2 + sum(len(str(k)) for k in item)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            total += 2 + len(item)
            stack.extend(item)
        else:
            total += len(str(item)) if isinstance(item, str) else 8
    return total

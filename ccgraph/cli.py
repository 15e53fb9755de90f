"""`ccgraph`: load, check, show and export the commissioning graph; run a local Neo4j.

Exit codes: 0 clean (no error-severity finding), 1 error findings, 2 bad input, usage, or a
backend that cannot be reached.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
import networkx as nx

from graphmodel.dataset import InputError
from graphmodel.nx_graph import EXPORT_FORMATS, build_graph, export_graph
from graphmodel.text import one_line, printable
from loaders.inputs import EXAMPLE_SCENARIO, Loaded, load_inputs

EXIT_CLEAN, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


class Failure(click.ClickException):
    """A failure the user can act on: message on stderr, exit 2, no traceback."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))  # names from files cannot drive the terminal


class _Main(click.Group):
    """The `ccgraph` group: whatever goes wrong below ends as a message and exit 2.

    Known failures (bad input, an unreachable or failing Neo4j, an unreadable file) say what to
    do; anything else says it is unexpected, in one line, with the traceback only under --debug.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as err:  # noqa: BLE001 - the one place that turns errors into exit 2
            if (ctx.obj or {}).get("debug"):
                raise
            raise Failure(_explain(err)) from None


def _explain(err: Exception) -> str:
    from neo4j.exceptions import DriverError, Neo4jError

    from graphmodel.neo4j_store import Neo4jUnavailable

    if isinstance(err, (InputError, Neo4jUnavailable)):
        return str(err)
    if isinstance(err, Neo4jError):
        return f"Neo4j refused or failed: {err.code}: {one_line(err.message)[:500]}"
    if isinstance(err, DriverError):
        return f"Neo4j stopped answering ({type(err).__name__}): {one_line(err)[:300]}. Is it running?"
    if isinstance(err, OSError):
        return f"{err.filename or 'a file'}: {err.strerror or err}"
    if isinstance(err, MemoryError):
        return "out of memory: the input is too large for this machine"
    return (
        f"unexpected error: {type(err).__name__}: {one_line(err)[:300]}\n"
        "hint: run again with --debug for the traceback, and please report it"
    )


def _err(message: str) -> None:
    click.echo(message, err=True)


def _load(data: Path | None, scenario: Path | None) -> Loaded:
    if data is None and scenario is None:
        scenario = EXAMPLE_SCENARIO
        _err(f"No --data or --scenario given: using the bundled example scenario ({scenario.name}).")
    try:
        from rich.console import Console

        with Console(stderr=True).status("Reading and validating the inputs", spinner="dots"):
            return load_inputs(data, scenario)
    except InputError as err:
        raise Failure(str(err)) from None


def _driver(ctx: click.Context):
    from graphmodel.neo4j_store import Neo4jUnavailable, connect

    if "driver" not in ctx.obj:
        try:
            ctx.obj["driver"] = connect()
        except Neo4jUnavailable as err:
            raise Failure(str(err)) from None
        ctx.call_on_close(ctx.obj["driver"].close)
    return ctx.obj["driver"]


def _to_neo4j(ctx: click.Context, loaded: Loaded, batch_size: int, bulk: bool = False) -> None:
    from neo4j.exceptions import Neo4jError
    from rich.progress import Progress

    from graphmodel.neo4j_store import load_dataset

    total = len(loaded.dataset.nodes) + len(loaded.dataset.relationships)
    with Progress(transient=True, console=None) as progress:
        task = progress.add_task("Loading into Neo4j" + (" (bulk)" if bulk else ""), total=total)
        try:
            summary = load_dataset(
                _driver(ctx),
                loaded.dataset,
                batch_size=batch_size,
                progress=lambda n: progress.advance(task, n),
                atomic=not bulk,
            )
        except Neo4jError as err:
            if bulk or not any(sign in f"{err.code} {err.message}" for sign in ("OutOfMemory", "heap space")):
                raise
            raise Failure(
                f"Neo4j ran out of memory holding {total:,} nodes and relationships in one transaction "
                "(the previous graph is unchanged). Load with --bulk, or give the local server more "
                "heap (CCGRAPH_NEO4J_HEAP=8g ccgraph neo4j start)."
            ) from None
    retried = (
        f"; {summary.retried} batch(es) re-run after a lock conflict between the two writers"
        if summary.retried
        else ""
    )
    _err(
        f"Loaded into Neo4j: {summary.nodes} nodes, {summary.relationships} relationships "
        f"(run {summary.run_id}{retried})."
    )


def _graph(ctx: click.Context, data: Path | None, scenario: Path | None) -> nx.MultiDiGraph:
    """The graph to read: built in process, or read back from Neo4j."""
    if ctx.obj["backend"] == "neo4j":
        from graphmodel.neo4j_store import fetch_graph

        if data or scenario:
            _to_neo4j(ctx, _load(data, scenario), 5000)
        return fetch_graph(_driver(ctx))
    return build_graph(_load(data, scenario).dataset)


data_option = click.option(
    "--data", type=click.Path(path_type=Path), help="Directory of ONS/ODS/NHSBSA files (see docs/data.md)."
)
scenario_option = click.option(
    "--scenario", type=click.Path(path_type=Path), help="Scenario YAML (format ccgraph-scenario/1)."
)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--backend",
    type=click.Choice(["networkx", "neo4j"]),
    default="networkx",
    show_default=True,
    help="networkx: in-process, no server. neo4j: the server named by NEO4J_URI/USER/PASSWORD.",
)
@click.option("--debug", is_flag=True, help="Show the traceback of an unexpected error.")
@click.pass_context
def main(ctx: click.Context, backend: str, debug: bool) -> None:
    """ccgraph: the English NHS commissioning architecture of 2012-13 as a graph, with compliance checks."""
    ctx.ensure_object(dict)
    ctx.obj["backend"] = backend
    ctx.obj["debug"] = debug


batch_size_option = click.option(
    "--batch-size", default=5000, show_default=True, help="Rows per UNWIND batch (Neo4j)."
)
bulk_option = click.option(
    "--bulk",
    is_flag=True,
    help="Neo4j: commit batch by batch, for graphs too large for one transaction (x100 synthetic). "
    "If it fails part-way, checks refuse the incomplete graph until a load completes.",
)


@main.command()
@data_option
@scenario_option
@batch_size_option
@bulk_option
@click.option(
    "--report", "report_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def load(
    ctx: click.Context,
    data: Path | None,
    scenario: Path | None,
    batch_size: int,
    bulk: bool,
    report_format: str,
) -> None:
    """Build the graph from a data directory and/or a scenario and print the data-quality report.

    With --backend neo4j the graph replaces the one in Neo4j, atomically (or batch by batch with
    --bulk).
    """
    loaded = _load(data, scenario)
    if ctx.obj["backend"] == "neo4j":
        _to_neo4j(ctx, loaded, batch_size, bulk)
    if report_format == "json":
        click.echo(json.dumps({"counts": loaded.dataset.counts(), **loaded.report.as_dict()}, indent=2))
        return
    click.echo(loaded.report.render())
    click.echo("\nGraph: " + ", ".join(f"{k} {v}" for k, v in loaded.dataset.counts().items()))


@main.command()
@data_option
@scenario_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "junit", "csv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="Write the report here instead of stdout."
)
@click.option("--only", multiple=True, help="Run only this check id (repeatable). See `ccgraph checks`.")
@click.option(
    "--min-severity", type=click.Choice(["info", "warning", "error"]), default="info", show_default=True
)
@click.option(
    "--as-at",
    type=click.DateTime(["%Y-%m-%d"]),
    default="2013-04-01",
    show_default=True,
    help="Apply the rules in force on this date.",
)
@click.option(
    "--tolerance", type=float, default=5.0, show_default=True, help="Ignore overlaps under this % of a CCG."
)
@click.option("--exception", "exceptions", multiple=True, help="CCG approved to cross authority boundaries.")
@click.option(
    "--waivers", type=click.Path(path_type=Path), help="YAML list of waivers {check, org, reason, expires}."
)
@click.pass_context
def check(
    ctx: click.Context, data, scenario, fmt, output, only, min_severity, as_at, tolerance, exceptions, waivers
) -> None:
    """Run the compliance checks. Exit 0 clean, 1 when an error-severity finding remains, 2 bad input."""
    from pydantic import ValidationError

    from queries import report
    from queries.registry import CheckSettings, Severity
    from queries.runner import Backend, Neo4jBackend, NetworkXBackend, run_checks, select
    from queries.waivers import apply_waivers, read_waivers

    try:
        checks = select(only)
        settings = CheckSettings(
            as_at=as_at.date(), tolerance_pct=tolerance, boundary_exceptions=list(exceptions)
        )
    except (KeyError, ValidationError) as err:
        raise click.UsageError(str(err)) from None
    try:
        accepted = read_waivers(waivers) if waivers else []
    except InputError as err:
        raise Failure(str(err)) from None
    backend: Backend
    if ctx.obj["backend"] == "neo4j":
        from graphmodel.neo4j_store import Neo4jUnavailable

        if data or scenario:
            _to_neo4j(ctx, _load(data, scenario), 5000)
        try:
            backend = Neo4jBackend(_driver(ctx))
        except Neo4jUnavailable as err:
            raise Failure(str(err)) from None
    else:
        backend = NetworkXBackend(build_graph(_load(data, scenario).dataset))
    findings = run_checks(backend, settings, [c.id for c in checks])
    floor = Severity(min_severity).rank
    findings = [f for f in findings if f.severity.rank >= floor]
    findings, waived = apply_waivers(findings, accepted, date.today())
    meta: dict[str, Any] = {
        "backend": ctx.obj["backend"],
        "as_at": settings.as_at.isoformat(),
        "parameters": settings.model_dump(mode="json"),
    }
    text = {
        "table": lambda: report.to_table(checks, findings, waived),
        "json": lambda: report.to_json(checks, findings, waived, meta),
        "junit": lambda: report.to_junit(checks, findings),
        "csv": lambda: report.to_csv(findings),
    }[fmt]()
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)
    ctx.exit(EXIT_FINDINGS if any(f.severity == Severity.ERROR for f in findings) else EXIT_CLEAN)


@main.command()
@click.argument("code")
@data_option
@scenario_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def show(ctx: click.Context, code: str, data, scenario, as_json: bool) -> None:
    """Show one organisation and its relationships, grouped by kind."""
    from graphmodel.profile import profile

    graph = _graph(ctx, data, scenario)
    if code not in graph:
        raise Failure(f"no organisation with code {code!r} in the graph")
    result = profile(graph, code)
    if as_json:
        click.echo(json.dumps(result, indent=2, default=str))
        return
    node = result["node"]
    click.echo(one_line(f"{node.get('name')} [{code}] — {node.get('kind')}"))
    for key, value in sorted(node.items()):
        if key not in ("name", "kind", "code"):
            click.echo(one_line(f"  {key}: {value}"))
    for group, links in result["relationships"].items():
        click.echo(f"\n{group} ({len(links)})")
        for link in links[:40]:
            extra = ", ".join(
                f"{k}={v}"
                for k, v in link.items()
                if k not in ("code", "name", "kind", "direction", "rel") and v not in ("", None)
            )
            click.echo(
                one_line(
                    f"  {link['direction']} {link['code']} {link['name']} ({link['kind']})"
                    + (f"; {extra}" if extra else "")
                )
            )
        if len(links) > 40:
            click.echo(f"  ... and {len(links) - 40} more")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@data_option
@scenario_option
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), help="Default: from the file extension.")
@click.pass_context
def export(ctx: click.Context, path: Path, data, scenario, fmt: str | None) -> None:
    """Export the graph as GraphML, GEXF (Gephi) or node-link JSON."""
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in EXPORT_FORMATS:
        raise click.UsageError(
            f"cannot tell the format from {path.name!r}; use --format {'|'.join(EXPORT_FORMATS)}"
        )
    graph = _graph(ctx, data, scenario)
    export_graph(graph, path, fmt)
    _err(
        f"Wrote {graph.number_of_nodes()} nodes and {graph.number_of_edges()} relationships to {path} ({fmt})."
    )


@main.command()
@click.option(
    "--scale",
    type=float,
    default=1.0,
    show_default=True,
    help="1 is about England in 2013; 10 and 100 multiply it.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--violations", type=int, default=0, show_default=True, help="Breaches to plant for every check."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Export the graph here (.graphml, .gexf or .json).",
)
@batch_size_option
@bulk_option
@click.pass_context
def generate(
    ctx: click.Context,
    scale: float,
    seed: int,
    violations: int,
    output: Path | None,
    batch_size: int,
    bulk: bool,
) -> None:
    """Generate a seeded synthetic health system (invented bodies) with planted violations.

    Prints the planted organisations per check as JSON; with --backend neo4j loads it into Neo4j.
    """
    from graphmodel.synthetic import generate as synthesise
    from queries.registry import CHECKS

    synthetic = synthesise(scale, seed, {c.id: violations for c in CHECKS} if violations else None)
    dataset = synthetic.dataset
    _err(
        f"Generated {len(dataset.nodes):,} nodes and {len(dataset.relationships):,} relationships (scale {scale:g}, seed {seed})."
    )
    if ctx.obj["backend"] == "neo4j":
        from loaders.quality import QualityReport

        _to_neo4j(ctx, Loaded(dataset, QualityReport()), batch_size, bulk)
    if output:
        fmt = output.suffix.lstrip(".").lower()
        if fmt not in EXPORT_FORMATS:
            raise click.UsageError(
                f"cannot tell the format from {output.name!r}; use .graphml, .gexf or .json"
            )
        export_graph(build_graph(dataset), output, fmt)
    click.echo(
        json.dumps({check: sorted(orgs) for check, orgs in sorted(synthetic.planted.items())}, indent=1)
    )


@main.command("checks")
@click.option("--markdown", is_flag=True, help="The full catalogue as Markdown (docs/checks.md).")
def list_checks(markdown: bool) -> None:
    """List the compliance checks: id, severity, title and source."""
    from queries.registry import CHECKS, catalogue_markdown

    if markdown:
        click.echo(catalogue_markdown(), nl=False)
        return
    for c in CHECKS:
        click.echo(f"{c.id:38} {c.severity.value:8} {c.title}\n{'':47} source: {c.source}")


@main.command()
@click.argument("path", type=click.Path(path_type=Path), required=False)
def schema(path: Path | None) -> None:
    """Write the JSON Schema of the scenario format (stdout if no PATH)."""
    from loaders.scenario import json_schema

    text = json.dumps(json_schema(), indent=2)
    if path:
        path.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


@main.group()
@click.option("--port", default=7687, show_default=True, help="Bolt port on 127.0.0.1.")
@click.option("--tls", is_flag=True, help="Bolt over TLS only (self-signed certificate for localhost).")
@click.pass_context
def neo4j(ctx: click.Context, port: int, tls: bool) -> None:
    """Run a local Neo4j 5.26 Community server fetched from Maven Central."""
    from ccgraph.neo4j_server import LocalServer

    ctx.obj["server"] = LocalServer(port, tls)


def _server_call(fn, server) -> None:
    from ccgraph.neo4j_server import ServerError

    try:
        click.echo(fn(server))
    except ServerError as err:
        raise Failure(str(err)) from None


@neo4j.command("start")
@click.pass_context
def neo4j_start(ctx: click.Context) -> None:
    """Fetch (first time), start and wait for Bolt. Password: NEO4J_PASSWORD, or generated privately."""
    from ccgraph.neo4j_server import start

    _server_call(start, ctx.obj["server"])


@neo4j.command("stop")
@click.pass_context
def neo4j_stop(ctx: click.Context) -> None:
    """Stop the local server."""
    from ccgraph.neo4j_server import stop

    _server_call(stop, ctx.obj["server"])


@neo4j.command("status")
@click.pass_context
def neo4j_status(ctx: click.Context) -> None:
    """Say whether the local server is running."""
    from ccgraph.neo4j_server import status

    _server_call(status, ctx.obj["server"])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

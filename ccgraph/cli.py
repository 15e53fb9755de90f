"""`ccgraph`: load, check, show and export the commissioning graph; run a local Neo4j.

Exit codes: 0 clean (no error-severity finding), 1 error findings, 2 bad input, usage, or a
backend that cannot be reached.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from graphmodel.errors import CcgraphError
from graphmodel.text import one_line, printable

if TYPE_CHECKING:  # the commands import the core when they run: `ccgraph --help` imports no graph code
    from ccgraph.core import System
    from graphmodel.neo4j_load import LoadSummary

EXIT_CLEAN, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


class LazyChoice(click.Choice):
    """A choice among the names `module` defines as `attribute` (a tuple, or a dict's keys),
    imported only when the option is parsed or its help shown."""

    def __init__(self, module: str, attribute: str) -> None:
        self._where = (module, attribute)
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        from importlib import import_module

        module, attribute = self._where
        return tuple(getattr(import_module(module), attribute))


class Failure(click.ClickException):
    """A failure the user can act on: message on stderr, exit 2, no traceback."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))  # names from files cannot drive the terminal


class _Main(click.Group):
    """The `ccgraph` group: whatever goes wrong below ends as a message and exit 2.

    Known failures (bad input, an unreachable or failing Neo4j, an unreadable file) say what to
    do; anything else says it is unexpected, in one line. `--debug` adds the traceback, never
    another exit code.
    """

    GLOBAL_FLAGS = ("--debug",)
    GLOBAL_OPTIONS = ("--backend",)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Global options may come after the subcommand too (`ccgraph check --backend neo4j`):
        they are moved in front of it before parsing (not past a `--`)."""
        front: list[str] = []
        rest: list[str] = []
        tokens = iter(args)
        for token in tokens:
            if token == "--":
                rest += [token, *tokens]
                break
            if token in self.GLOBAL_FLAGS or token.startswith(tuple(f"{o}=" for o in self.GLOBAL_OPTIONS)):
                front.append(token)
            elif token in self.GLOBAL_OPTIONS:
                front += [token, next(tokens, "")]
            else:
                rest.append(token)
        return super().parse_args(ctx, front + rest)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as err:  # noqa: BLE001 - the one place that turns errors into exit 2
            if (ctx.obj or {}).get("debug"):  # the traceback as well, the exit code the same
                traceback.print_exc(file=sys.stderr)
            raise Failure(_explain(err)) from None


def _explain(err: Exception) -> str:
    from neo4j.exceptions import DriverError, Neo4jError

    if isinstance(err, CcgraphError):
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


@contextmanager
def _progress(first: str) -> Iterator[Callable[[str, int, int], None]]:
    """A progress line on stderr, updated by the core as progress(stage, done, total); shown
    from the core's first update (files to read, a load into Neo4j), not for a kept graph."""
    shown: list[Any] = []

    def update(stage: str, done: int, total: int) -> None:
        if not shown:
            from rich.console import Console
            from rich.progress import Progress

            progress = Progress(console=Console(stderr=True), transient=True)
            progress.start()
            shown[:] = [progress, progress.add_task(first, total=None)]
        shown[0].update(shown[1], description=stage, completed=done, total=total or None)  # 0: not counted

    try:
        yield update
    finally:
        if shown:
            shown[0].stop()


def _said_loaded(summary: LoadSummary | None) -> None:
    if summary is None:
        return
    retried = (
        f"; {summary.retried} batch(es) re-run after a lock conflict between the two writers"
        if summary.retried
        else ""
    )
    steps = ", ".join(f"{step} {took:.1f} s" for step, took in getattr(summary, "seconds", {}).items())
    _err(
        f"Loaded into Neo4j, replacing the graph it held: {summary.nodes} nodes, "
        f"{summary.relationships} relationships (run {summary.run_id}{retried}"
        f"{'; ' + steps if steps else ''})."
    )


def _open(
    ctx: click.Context,
    data: tuple[Path, ...],
    scenario: Path | None,
    *,
    graph_file: Path | None = None,
    bulk: bool = False,
    offline: bool = False,
    batch_size: int = 5000,
    asked: dict[str, Any] | None = None,
    cache: bool = True,
) -> System:
    """The system the command works on, through the core; progress shown on stderr. `asked`:
    the dates the command will ask about, by option, refused before any load when not shown."""
    from ccgraph.core import SHIPPED, System

    example = ctx.obj.get("example", False)
    if example:
        from loaders.inputs import EXAMPLE_SCENARIO

        _err(f"--example: the illustrative example ({EXAMPLE_SCENARIO.name}); every body in it is invented.")
    elif not data and scenario is None and graph_file is None and ctx.obj["backend"] == "networkx":
        _err(f"No --data given: reading {SHIPPED}.")
    with _progress("Reading and validating the inputs") as progress:
        system = System.open(
            data,
            scenario,
            graph_file=graph_file,
            example=example,
            registers=ctx.obj.get("registers", ()),
            asked={name: day.date() for name, day in (asked or {}).items() if day is not None},
            backend=ctx.obj["backend"],
            cache=cache,
            bulk=bulk,
            offline=offline,
            batch_size=batch_size,
            progress=progress,
        )
    if system.driver is not None:
        ctx.call_on_close(system.driver.close)
    _said_loaded(system.last_load)
    return system


data_option = click.option(
    "--data",
    type=click.Path(path_type=Path),
    multiple=True,
    help="Directory of ONS/ODS/NHSBSA files (see docs/data.md); repeat it for files kept in several.",
)
scenario_option = click.option(
    "--scenario", type=click.Path(path_type=Path), help="Scenario YAML (format ccgraph-scenario/1)."
)
_graph_file_option = click.option(
    "--input",
    "graph_file",
    type=click.Path(path_type=Path),
    help="A whole system as node-link JSON, as `generate -o` or `export` write it.",
)


def _remember_example(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    ctx.ensure_object(dict)["example"] = value


_example_option = click.option(
    "--example",
    is_flag=True,
    expose_value=False,
    callback=_remember_example,
    help="The bundled illustrative example (invented bodies and people) instead of the real England.",
)


def _remember_registers(ctx: click.Context, _: click.Parameter, value: tuple[Path, ...]) -> None:
    ctx.ensure_object(dict)["registers"] = value


_registers_option = click.option(
    "--registers",
    type=click.Path(path_type=Path),
    multiple=True,
    expose_value=False,
    callback=_remember_registers,
    help="Your own register (from `ccgraph template`), laid over the data by code and date; repeatable.",
)


def input_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--input FILE and --example, the inputs that are a whole system by themselves, and
    --registers, a user's own laid over the data."""
    return _graph_file_option(_example_option(_registers_option(command)))


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
    """ccgraph: the English NHS commissioning architecture, 2013-2026, as a graph with compliance checks."""
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


offline_option = click.option(
    "--offline",
    is_flag=True,
    help="Neo4j, local server only: write the importer's files and run Neo4j's offline importer "
    "into a new database, then restart the server on it (the previous graph is kept until it is "
    "complete). The quickest for national-scale graphs.",
)


def _one_way_to_load(bulk: bool, offline: bool) -> None:
    if bulk and offline:
        raise click.UsageError("--bulk and --offline are two ways to load: choose one.")


as_at_option = click.option(
    "--as-at",
    type=click.DateTime(["%Y-%m-%d"]),
    default="2013-04-01",
    show_default=True,
    help="The structure and the rules in force on this date (real data: 2013-04-01 to 2022-06-30).",
)
tolerance_option = click.option(
    "--tolerance", type=float, default=5.0, show_default=True, help="Ignore overlaps under this % of a CCG."
)
exceptions_option = click.option(
    "--exception", "exceptions", multiple=True, help="CCG approved to cross authority boundaries."
)


@main.command()
@data_option
@scenario_option
@input_option
@batch_size_option
@bulk_option
@offline_option
@click.option(
    "--report", "report_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def load(
    ctx: click.Context,
    data: tuple[Path, ...],
    scenario: Path | None,
    graph_file: Path | None,
    batch_size: int,
    bulk: bool,
    offline: bool,
    report_format: str,
) -> None:
    """Build the graph from a data directory and/or a scenario and print the data-quality report.

    The files are always read (and, on networkx, the graph kept for the commands that follow: see
    docs/cache.md). With --backend neo4j the graph replaces the one in Neo4j, atomically (or
    batch by batch with --bulk, or through Neo4j's offline importer with --offline).
    """
    _one_way_to_load(bulk, offline)
    if not (data or scenario or graph_file or ctx.obj.get("example")):
        from ccgraph.core import SHIPPED
        from loaders.bundled import bundled_folders

        data = tuple(bundled_folders())  # into Neo4j too, where no inputs would mean the graph it holds
        _err(f"No --data given: loading {SHIPPED}.")
    system = _open(
        ctx, data, scenario, graph_file=graph_file, bulk=bulk, offline=offline, batch_size=batch_size, cache=False
    )
    assert system.dataset is not None  # read from the files (and kept for the next command)
    if report_format == "json":
        click.echo(json.dumps({"counts": system.dataset.counts(), **system.quality.as_dict()}, indent=2))
        return
    click.echo(system.quality.render())
    click.echo("\nGraph: " + ", ".join(f"{k} {v}" for k, v in system.dataset.counts().items()))


@main.command()
@data_option
@scenario_option
@input_option
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
@as_at_option
@tolerance_option
@exceptions_option
@click.option(
    "--waivers", type=click.Path(path_type=Path), help="YAML list of waivers {check, org, reason, expires}."
)
@click.option(
    "--junit-fail-on",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="JUnit: the least severity that fails a check's test case (the rest go to system-out).",
)
@click.option(
    "--redact-people",
    is_flag=True,
    help="Replace the people of your registers by their roles, for a report meant to be shared.",
)
@click.pass_context
def check(
    ctx: click.Context,
    data,
    scenario,
    graph_file,
    fmt,
    output,
    only,
    min_severity,
    as_at,
    tolerance,
    exceptions,
    waivers,
    junit_fail_on,
    redact_people,
) -> None:
    """Run the compliance checks. Exit 0 clean, 1 when an error-severity finding remains, 2 bad input."""
    from queries.runner import select
    from queries.waivers import read_waivers

    try:  # options first: a mistyped check id should not wait for the data to load
        select(only)
    except KeyError as err:
        raise click.UsageError(err.args[0]) from None
    accepted = read_waivers(waivers) if waivers else []
    system = _open(ctx, data, scenario, graph_file=graph_file, asked={"--as-at": as_at})
    report = system.check(
        only=only,
        min_severity=min_severity,
        as_at=as_at.date(),
        tolerance=tolerance,
        exceptions=exceptions,
        waivers=accepted,
    )
    if redact_people:
        from ccgraph.redaction import redact_people as redacted

        report = redacted(report, system.graph)
    text = report.render(fmt, junit_fail_on=junit_fail_on)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)
    ctx.exit(report.exit_code)


@main.command()
@click.argument("code")
@data_option
@scenario_option
@input_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--as-at", type=click.DateTime(["%Y-%m-%d"]), help="Only the links in force on this date (default: all)."
)
@click.pass_context
def show(ctx: click.Context, code: str, data, scenario, graph_file, as_json: bool, as_at) -> None:
    """Show one organisation and its relationships, grouped by kind."""
    system = _open(ctx, data, scenario, graph_file=graph_file, asked={"--as-at": as_at})
    result = system.profile(code, as_at.date() if as_at else None)
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
@click.argument("before", type=click.DateTime(["%Y-%m-%d"]))
@click.argument("after", type=click.DateTime(["%Y-%m-%d"]))
@data_option
@scenario_option
@input_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write here instead of stdout.")
@tolerance_option
@exceptions_option
@click.pass_context
def diff(ctx: click.Context, before, after, data, scenario, graph_file, fmt, output, tolerance, exceptions) -> None:
    """What changed from BEFORE to AFTER (YYYY-MM-DD): CCGs opened, closed and merged, practices
    that moved, overlaps, findings that appeared or went away, and counts on both days."""
    system = _open(ctx, data, scenario, graph_file=graph_file, asked={"BEFORE": before, "AFTER": after})
    text = system.diff(before.date(), after.date(), tolerance=tolerance, exceptions=exceptions).render(fmt)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


@main.command()
@click.argument("first", type=click.DateTime(["%Y-%m-%d"]))
@click.argument("second", type=click.DateTime(["%Y-%m-%d"]))
@data_option
@scenario_option
@input_option
@click.option("--from", "source", type=LazyChoice("graphmodel.crosswalk", "LEVELS"), default="ccg", show_default=True, help="Bodies on FIRST.")
@click.option("--to", "target", type=LazyChoice("graphmodel.crosswalk", "LEVELS"), default="ccg", show_default=True, help="Bodies on SECOND.")
@click.option("--weight", type=LazyChoice("graphmodel.crosswalk", "WEIGHTS"), default="practices", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_context
def crosswalk(ctx: click.Context, first, second, data, scenario, graph_file, source, target, weight, fmt) -> None:
    """For every body on FIRST, the bodies on SECOND (YYYY-MM-DD) that hold its practices, with
    shares adding to 100 % per body: ccg (to 30 June 2022), sicbl and icb (from 1 July 2022), stp."""
    from ccgraph.crosswalk import crosswalk_text

    system = _open(ctx, data, scenario, graph_file=graph_file, asked={"FIRST": first, "SECOND": second})
    result = system.crosswalk(first.date(), second.date(), source=source, target=target, weight=weight)
    click.echo(crosswalk_text(result, fmt))


@main.command()
@data_option
@scenario_option
@input_option
@click.option("--by", type=LazyChoice("graphmodel.summary", "BY"), default="region", show_default=True)
@as_at_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_context
def summary(ctx: click.Context, data, scenario, graph_file, by: str, as_at, fmt: str) -> None:
    """Commissioners, practices, registered patients and residents per region, area team,
    integrated care board, STP or commissioner (a CCG, or from 1 July 2022 a sub-ICB location) on
    a date, with England's total and a row of those no source places at that level."""
    from ccgraph.summary import summary_text

    click.echo(summary_text(_open(ctx, data, scenario, graph_file=graph_file, asked={"--as-at": as_at}).summary(by, as_at.date()), fmt))


@main.command()
@data_option
@scenario_option
@input_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@tolerance_option
@exceptions_option
@click.option(
    "--findings",
    is_flag=True,
    help="Every finding instead, with the first and last day it held, over the whole coverage.",
)
@click.option("--only", multiple=True, help="With --findings: only this check id (repeatable).")
@click.pass_context
def timeline(ctx: click.Context, data, scenario, graph_file, fmt, tolerance, exceptions, findings, only) -> None:
    """The structure on 1 April of each year the data covers: CCGs, member practices, STPs,
    upper-tier authorities, overlaps and CCGs crossing an authority boundary. With --findings,
    when each finding began and ended (computed on the days something changes)."""
    if only and not findings:
        raise click.UsageError("--only goes with --findings")
    system = _open(ctx, data, scenario, graph_file=graph_file)
    if findings:
        from ccgraph.spans import spans_text

        _err("Running each check on the days its findings may change (a few seconds for 2013-2026)...")
        spans = system.findings_over_time(only=only, tolerance=tolerance, exceptions=exceptions)
        click.echo(spans_text([s.as_dict() for s in spans], fmt))
        return
    from ccgraph.changes import timeline_text

    click.echo(timeline_text(system.timeline(tolerance=tolerance, exceptions=exceptions), fmt))


@main.command()
@click.argument("code")
@data_option
@scenario_option
@input_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--findings", is_flag=True, help="Also the findings on it over time, each with its first and last day.")
@click.pass_context
def history(ctx: click.Context, code: str, data, scenario, graph_file, as_json: bool, findings: bool) -> None:
    """A CCG's lineage (what merged into it, back to 2013; what it merged into, to 2022), or a
    practice's CCGs over time."""
    from ccgraph.changes import history_table

    system = _open(ctx, data, scenario, graph_file=graph_file)
    if findings:
        _err("Running each check on the days its findings may change (a few seconds for 2013-2026)...")
    result = system.history(code, findings=findings)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    click.echo(history_table(result))
    if findings:
        from ccgraph.spans import spans_text

        click.echo("\nFindings over time\n" + spans_text(result["findings"], "table"))


def _format_of(path: Path, fmt: str | None = None) -> str:
    from graphmodel.nx_graph import export_format

    try:
        return export_format(path, fmt)
    except CcgraphError as err:
        raise click.UsageError(str(err)) from None


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@data_option
@scenario_option
@input_option
@click.option("--format", "fmt", type=LazyChoice("graphmodel.nx_graph", "EXPORT_FORMATS"), help="Default: from the file extension.")
@click.option(
    "--as-at",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Only the bodies open and the links in force on this date (default: every date).",
)
@click.pass_context
def export(ctx: click.Context, path: Path, data, scenario, graph_file, fmt: str | None, as_at) -> None:
    """Export the graph as GraphML, GEXF (Gephi) or node-link JSON."""
    _format_of(path, fmt)  # refused before any work
    system = _open(ctx, data, scenario, graph_file=graph_file, asked={"--as-at": as_at})
    day = as_at.date() if as_at else None
    fmt = system.export(path, fmt, as_at=day)
    graph = system.graph_on(day) if day else system.graph
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
@offline_option
@click.pass_context
def generate(
    ctx: click.Context,
    scale: float,
    seed: int,
    violations: int,
    output: Path | None,
    batch_size: int,
    bulk: bool,
    offline: bool,
) -> None:
    """Generate a seeded synthetic health system (invented bodies) with planted violations.

    Prints the planted organisations per check as JSON; with --backend neo4j loads it into Neo4j.
    Its bodies are judged on 1 April 2013, its integrated care boards from 1 July 2022 (check
    --as-at 2022-07-01 finds the breaches planted in them).
    """
    from graphmodel.nx_graph import build_graph, export_graph
    from graphmodel.synthetic import size_problem
    from queries.registry import CHECKS, generate_with_breaches

    if (problem := size_problem(scale, violations)) is not None:
        option = "--scale" if problem.startswith("scale") else "--violations"
        raise click.BadParameter(problem, param_hint=f"'{option}'")
    _one_way_to_load(bulk, offline)
    fmt = _format_of(output) if output else ""  # refused before any work
    synthetic = generate_with_breaches(
        scale, seed, {c.id: violations for c in CHECKS} if violations else None
    )
    dataset = synthetic.dataset
    _err(
        f"Generated {len(dataset.nodes):,} nodes and {len(dataset.relationships):,} relationships (scale {scale:g}, seed {seed})."
    )
    if ctx.obj["backend"] == "neo4j":
        from ccgraph.core import System
        from graphmodel.neo4j_connect import connect
        from loaders.inputs import Loaded
        from loaders.quality import QualityReport

        driver = connect()
        ctx.call_on_close(driver.close)
        system = System("neo4j", QualityReport(), "generated", driver=driver)
        with _progress("Loading into Neo4j") as progress:
            system.load_into_neo4j(
                Loaded(dataset, QualityReport()), bulk=bulk, offline=offline, batch_size=batch_size, progress=progress
            )
        _said_loaded(system.last_load)
    if output:
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
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--verify", is_flag=True, help="Check each shipped file against its SHA-256 (exit 1 if one differs).")
@click.option(
    "--copy-to",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write the files out as published (to refresh one and read them with --data).",
)
@click.pass_context
def data(ctx: click.Context, fmt: str, verify: bool, copy_to: Path | None) -> None:
    """The national registers shipped with ccgraph, read when no --data is given: publisher,
    title, edition, licence, lines, checksum and where to fetch a newer edition."""
    from ccgraph.shipped import copy_text, shipped_text, verify_text

    if copy_to is not None:
        click.echo(copy_text(copy_to))
    elif verify:
        text, whole = verify_text()
        click.echo(text)
        ctx.exit(0 if whole else 1)
    else:
        click.echo(shipped_text(fmt))


@main.command()
@click.argument("kind", type=LazyChoice("loaders.registers", "TEMPLATES"))
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write it here (never over a file).")
def template(kind: str, output: Path | None) -> None:
    """A register to fill from the bodies' own papers (a header, and an example row to replace;
    CSV, or an Excel workbook when FILE ends .xlsx): give it back with --registers FILE. What
    each column holds is printed too."""
    from loaders.registers import TEMPLATES, template_csv, template_workbook

    if output is None:
        click.echo(template_csv(kind), nl=False)
    else:
        if output.exists():
            raise click.UsageError(f"{output} exists; nothing was overwritten")
        if output.suffix.lower() == ".xlsx":
            template_workbook(kind, output)
        else:
            output.write_text(template_csv(kind), encoding="utf-8")
        _err(f"Wrote the {kind} register template to {output}. Its columns:")
        for column, holds in TEMPLATES[kind].columns.items():
            _err(f"  {column}: {holds}")


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


def _server_options(fn: Callable[..., None]) -> Callable[..., None]:
    """`--port` and `--tls` after the subcommand as well (`ccgraph neo4j start --tls`)."""
    fn = click.option("--tls", "tls_here", is_flag=True, help="As `ccgraph neo4j --tls`.")(fn)
    return click.option("--port", "port_here", type=int, help="As `ccgraph neo4j --port`.")(fn)


def _server(ctx: click.Context, port_here: int | None, tls_here: bool) -> Any:
    from ccgraph.neo4j_server import LocalServer

    server = ctx.obj["server"]
    if port_here is None and not tls_here:
        return server
    return LocalServer(port_here or server.port, tls_here or server.tls)


@neo4j.command("start")
@_server_options
@click.pass_context
def neo4j_start(ctx: click.Context, port_here: int | None, tls_here: bool) -> None:
    """Fetch (first time), start and wait for Bolt. Password: NEO4J_PASSWORD, or generated privately."""
    from ccgraph.neo4j_server import start

    _server_call(lambda server: start(server, say=_err), _server(ctx, port_here, tls_here))


@neo4j.command("stop")
@_server_options
@click.pass_context
def neo4j_stop(ctx: click.Context, port_here: int | None, tls_here: bool) -> None:
    """Stop the local server."""
    from ccgraph.neo4j_server import stop

    _server_call(stop, _server(ctx, port_here, tls_here))


@neo4j.command("status")
@_server_options
@click.pass_context
def neo4j_status(ctx: click.Context, port_here: int | None, tls_here: bool) -> None:
    """Say whether the local server is running."""
    from ccgraph.neo4j_server import status

    _server_call(status, _server(ctx, port_here, tls_here))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

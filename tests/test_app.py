"""The Streamlit explorer, page by page (AppTest), and once in a real headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest
from streamlit.testing.v1 import AppTest
from helpers import ATTACKS

from ccgraph.explorer import links_markdown, neighbourhood, search
from ccgraph.serving import READY
from ccgraph.visual import network_data, network_html
from helpers import IN_CI, REPO, explorer_server
from graphmodel.nx_graph import build_graph
from graphmodel.synthetic import generate
from loaders.inputs import EXAMPLE_SCENARIO, load_inputs
from queries.registry import CHECKS, generate_with_breaches

APP = str(REPO / "app.py")


INPUTS = ("CCGRAPH_DATA", "CCGRAPH_SCENARIO", "CCGRAPH_KML", "CCGRAPH_SYNTHETIC", "CCGRAPH_EXAMPLE")


def app(**env: str) -> AppTest:
    for key in INPUTS:
        os.environ.pop(key, None)
    os.environ.update(env)
    return AppTest.from_file(APP, default_timeout=120).run()


EXAMPLE = {"CCGRAPH_EXAMPLE": "1"}  # the illustrative example, small and quick


def unescaped(markdown: str) -> str:
    """Text as the page shows it: names and messages are Markdown-escaped (graphmodel.text)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def drawn(at: AppTest) -> dict:
    """What the page's network component was given to draw: nodes, edges, centre."""
    [network] = [
        e for e in at.get("bidi_component") if e.proto.component_name == "ccgraph.network" and e.proto.json
    ]
    data = json.loads(network.proto.json)
    return {**data, "codes": {node["id"] for node in data["nodes"]}}


def test_the_app_opens_on_the_bundled_example_with_data_loaded():
    at = app(**EXAMPLE)
    assert not at.exception
    assert any("illustrative example (every body invented)" in unescaped(c.value) for c in at.sidebar.caption)
    assert "Practice 6" in at.caption[-1].value or any("organisations" in c.value for c in at.caption)


def test_given_no_inputs_the_app_opens_on_the_real_england_it_ships_with_its_map():
    at = app()
    assert not at.exception
    assert any("national registers shipped with ccgraph" in unescaped(c.value) for c in at.sidebar.caption)
    at.sidebar.radio[0].set_value("Map").run()
    assert not at.exception
    assert any("211 boundaries" in c.value for c in at.caption)


def test_bad_input_data_gives_the_file_and_reason_on_the_page_not_a_traceback(tmp_path):
    (tmp_path / "CCG_APR_2013.csv").write_text("CCG13CD,CCG13CDH,CCG13NM\n")
    at = app(CCGRAPH_DATA=str(tmp_path))
    assert not at.exception
    assert "could not load its inputs" in at.error[0].value
    assert "PCO12_SHA12_EN_LU.csv: field '*': required file not found" in at.code[0].value


def test_a_synthetic_system_is_labelled_as_invented_and_carries_its_planted_breaches():
    at = app(CCGRAPH_SYNTHETIC="0.02:3:1")
    assert not at.exception
    assert "every body is invented" in at.sidebar.warning[0].value
    at.sidebar.radio[0].set_value("Compliance").run()
    at.selectbox[0].set_value("pct_in_cluster").run()
    planted = generate_with_breaches(0.02, 3, {c.id: 1 for c in CHECKS}).planted["pct_in_cluster"]
    assert not at.exception and set(at.main.dataframe[-1].value["org"]) == set(planted)


def test_search_is_partial_and_case_insensitive_across_kinds():
    graph = build_graph(load_inputs(scenario=EXAMPLE_SCENARIO).dataset)
    kinds = {kind for _, _, kind in search(graph, "NORTHSHIRE")}
    assert {"LocalAuthority", "HWB", "Healthwatch"} <= kinds
    assert search(graph, "ilc-b")[0][0] == "ILC-B"


def test_selecting_an_organisation_shows_its_profile_findings_and_network():
    at = app(**EXAMPLE)
    at.main.text_input[0].input("Beta").run()
    assert not at.exception
    assert "ILC-B" in unescaped(at.subheader[0].value)
    assert at.error[0].value.startswith("4 breach(es)")
    assert any(c.value.startswith("1 recommendation(s): advice only") for c in at.caption)  # not a 5th breach
    network = drawn(at)
    assert network["centre"] == "ILC-B" and "ILC-B" in network["codes"]
    flagged = {n["id"] for n in network["nodes"] if n["borderWidth"] == 4}
    assert "ILC-B" in flagged  # organisations with findings carry a red border


def test_a_search_with_no_match_says_so():
    at = app(**EXAMPLE)
    at.main.text_input[0].input("no such body anywhere").run()
    assert not at.exception and not at.main.selectbox
    assert "matching “no such body anywhere”" in unescaped(at.info[0].value)


def test_the_network_is_drawn_without_any_request_to_the_internet():
    at = app(**EXAMPLE)
    at.main.text_input[0].input("ILC-B").run()
    [component] = [e for e in at.get("bidi_component") if e.proto.component_name == "ccgraph.network"]
    script = component.proto.js_content
    assert "vis.Network" in script and not re.search(r"https?://[^\s\"']+\.js", script)
    offline = network_html(build_graph(load_inputs(scenario=EXAMPLE_SCENARIO).dataset))
    assert "vis.DataSet" in offline  # the download, too, carries its script inline
    assert "cdn.jsdelivr" not in offline and "node_modules" not in offline


def test_filtering_by_relationship_type_narrows_the_network():
    at = app(**EXAMPLE)
    at.main.text_input[0].input("ILC-B").run()
    everything = drawn(at)["codes"]
    at.multiselect[0].select("MEMBER_OF").run()
    members_only = drawn(at)["codes"]
    assert "ILP-B1" in members_only and "ILPER-B1" not in members_only and "ILPER-B1" in everything


def test_small_relationship_groups_link_each_organisation_to_its_page():
    at = app(**EXAMPLE)
    at.main.text_input[0].input("ILC-B").run()
    tables = [m.value for m in at.markdown if m.value.startswith("| ")]
    assert any("[Illustrative Beta Health Centre](?page=Explore&org=ILP-B1)" in t for t in tables)


def test_a_name_with_markdown_characters_stays_in_its_own_cell():
    table = links_markdown([{"code": "X|1", "name": "St. Mary's | [Annex] *new*", "kind": "Practice"}])
    header, _, row = table.splitlines()
    assert row.count(" | ") == header.count(" | ")  # no extra column from the '|' in the name
    assert "org=X%7C1" in row and "\\*new\\*" in row


def test_compliance_dashboard_lists_every_check_and_offers_downloads():
    at = app(**EXAMPLE)
    at.sidebar.radio[0].set_value("Compliance").run()
    assert not at.exception
    assert len(at.main.dataframe[0].value) == len(CHECKS)
    assert len(at.get("download_button")) == 2


def test_a_ccg_with_nothing_recorded_to_check_shows_data_gaps_not_breaches(real_data):
    at = app(CCGRAPH_DATA=str(real_data))
    at.main.text_input[0].set_value("00C").run()  # NHS Darlington: no governing body etc. in open data
    assert not at.exception and not at.error
    assert any("data gap(s)" in info.value for info in at.info)
    assert set(at.main.dataframe[1].value["finding"]) == {"gap"}
    [centre] = [node for node in drawn(at)["nodes"] if node["id"] == "00C"]
    assert centre["borderWidth"] == 1  # no red border: it breaks no rule that could be checked


def test_the_explorer_applies_waivers_and_a_minimum_severity_as_the_cli_does():
    from ccgraph.core import System

    waivers = EXAMPLE_SCENARIO.with_name("example_waivers.yaml")
    expected = System.open(example=True).check(waivers=waivers)  # what `ccgraph check --waivers` reports
    assert len(expected.waived) == 1
    at = app(**EXAMPLE, CCGRAPH_WAIVERS=str(waivers))
    at.sidebar.radio[0].set_value("Compliance").run()
    assert any("1 finding(s) waived" in c.value for c in at.caption)
    summary = at.main.dataframe[0].value.set_index("check")
    assert summary.loc["boundary_crossing_ccgs", "waived"] == 1
    assert summary[["breaches", "gaps", "recommendations"]].sum().sum() == len(expected.findings)
    at.sidebar.selectbox[0].set_value("error").run()
    assert at.main.dataframe[0].value["breaches"].sum() == expected.counts["error"] > 0


def test_map_page_says_what_to_supply_without_a_boundary_file():
    at = app(**EXAMPLE)
    at.sidebar.radio[0].set_value("Map").run()
    assert "CCGRAPH_KML" in at.info[0].value


def test_map_page_draws_real_boundaries_offline(real_data):
    at = app(CCGRAPH_DATA=str(real_data))
    at.sidebar.radio[0].set_value("Map").run()
    assert not at.exception
    assert any("211 boundaries" in c.value for c in at.caption)


@pytest.mark.browser
def test_in_a_real_browser_the_map_paints_every_ccg_boundary_shaded_by_breaches(
    real_data, chromium, tmp_path
):
    from playwright.sync_api import sync_playwright

    with explorer_server(tmp_path, CCGRAPH_DATA=str(real_data)) as port, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"http://127.0.0.1:{port}/?page=Map", timeout=90_000)
        shapes = page.locator(".vega-embed g.mark-shape path")  # Vega draws a geoshape as a shape mark
        shapes.first.wait_for(timeout=90_000)
        assert shapes.count() == 211
        fills = {shapes.nth(i).get_attribute("fill") for i in range(shapes.count())}
        assert len(fills) == 2  # the 20 boundary-crossing CCGs (warnings) and the rest; gaps do not shade
        page.screenshot(path=str(Path(os.environ.get("CCGRAPH_SCREENSHOT_DIR", tmp_path)) / "map.png"))
        browser.close()
    assert all(url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "blob:", "data:")) for url in requested)


def test_cypher_console_without_neo4j_says_how_to_start_one(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    at = app(**EXAMPLE)
    at.sidebar.radio[0].set_value("Cypher console").run()
    assert "ccgraph neo4j start" in at.code[0].value


@pytest.mark.neo4j
def test_cypher_console_runs_read_only_queries_and_refuses_writes(neo4j_driver):
    from graphmodel.neo4j_load import load_dataset

    load_dataset(neo4j_driver, load_inputs(scenario=EXAMPLE_SCENARIO).dataset)
    at = app(**EXAMPLE)
    at.sidebar.radio[0].set_value("Cypher console").run()
    at.text_area[0].set_value("MATCH (c:CCG) RETURN c.code AS code ORDER BY code").run()
    at.text_area[1].set_value("{}").run()
    at.button[0].click().run()
    assert list(at.main.dataframe[0].value["code"]) == ["ILC-A", "ILC-B", "ILC-C", "ILC-D"]
    at.text_area[0].set_value("MATCH (c:CCG) DETACH DELETE c").run()
    at.button[0].click().run()
    assert "read-only" in unescaped(at.error[0].value)
    at.text_area[0].set_value("MATCH (p:Practice)-[m:MEMBER_OF]->(c:CCG) RETURN p, m, c").run()
    at.button[0].click().run()
    assert {"ILP-A1", "ILC-A"} <= drawn(at)["codes"]


@pytest.mark.neo4j
@pytest.mark.parametrize("attack", ATTACKS, ids=[reason for _, reason in ATTACKS])
def test_the_explorers_console_refuses_each_attack_and_the_server_keeps_answering(neo4j_driver, attack):
    from graphmodel.neo4j_load import load_dataset

    query, reason = attack
    load_dataset(neo4j_driver, load_inputs(scenario=EXAMPLE_SCENARIO).dataset)
    at = app(**EXAMPLE)
    at.sidebar.radio[0].set_value("Cypher console").run()
    at.text_area[0].set_value(query).run()
    at.text_area[1].set_value("{}").run()
    at.button[0].click().run()
    assert not at.exception and not at.main.dataframe
    assert "Refused" in at.error[0].value and reason in unescaped(at.error[0].value)
    at.text_area[0].set_value("MATCH (c:CCG) RETURN count(c) AS n").run()
    at.button[0].click().run()
    assert list(at.main.dataframe[0].value["n"]) == ["4"]


def test_large_neighbourhoods_are_aggregated_and_capped():
    graph = build_graph(generate(1.0, seed=2).dataset)
    ccg = next(c for c, a in graph.nodes(data=True) if a["kind"] == "CCG")
    hood = neighbourhood(graph, ccg, hops=3)
    assert hood.graph.number_of_nodes() <= 400 + len(hood.aggregated)
    assert any(k.endswith("::Practice") for k in hood.aggregated)
    assert len(network_data(hood.graph, centre=ccg)["nodes"]) == hood.graph.number_of_nodes()


@pytest.fixture
def chromium() -> str:
    """Debian's chromium (scripts/test.sh installs it; never a browser download)."""
    path = shutil.which("chromium")
    if path is None:
        if IN_CI:
            pytest.fail("CI=true and Debian chromium is not installed (scripts/test.sh installs it)")
        pytest.skip("chromium not installed")
    return path


@pytest.mark.browser
def test_in_a_real_browser_a_date_typed_in_the_sidebar_applies_on_enter(real_history, chromium, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    data = os.pathsep.join(map(str, real_history))
    with explorer_server(tmp_path, CCGRAPH_DATA=data) as port, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(f"http://127.0.0.1:{port}/?page=Timeline", timeout=90_000)
        field = page.get_by_label("Date", exact=True)
        expect(field).to_have_value("2013-04-01", timeout=90_000)
        field.fill("2019-04-01")
        field.press("Enter")
        page.wait_for_url("**date=2019-04-01**", timeout=30_000)
        expect(page.get_by_text("bodies open on 2019-04-01")).to_be_visible(timeout=30_000)
        browser.close()


GOVERNING_BODY_WITHOUT_A_NURSE = """ccg_code,person,roles,appointed,left,gp_register,specialist_register,nmc_register,consultant_post,specialist_until,accountancy_qualified,employer,source
09W,Dr Ann Chair,chair;gp_member,2013-04-01,,yes,no,no,,,no,gp_practice,
09W,Ben Deputy,deputy_chair;lay_member_area_knowledge,2013-04-01,,no,no,no,,,no,none,
09W,Cal Officer,accountable_officer,2013-04-01,,no,no,no,,,no,ccg,
09W,Dee Finance,chief_finance_officer,2013-04-01,,no,no,no,,,yes,ccg,
09W,Dr Eve Doctor,secondary_care_specialist,2013-04-01,,no,yes,no,yes,,no,none,
09W,Fay Lay,lay_member_finance_audit,2013-04-01,,no,no,no,,,no,none,
"""


@pytest.mark.browser
def test_in_a_real_browser_registers_uploaded_in_the_sidebar_are_judged_for_that_session_only(
    real_data, chromium, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    good, bad = tmp_path / "medway.csv", tmp_path / "broken.csv"
    good.write_text(GOVERNING_BODY_WITHOUT_A_NURSE, encoding="utf-8")
    bad.write_text(GOVERNING_BODY_WITHOUT_A_NURSE.replace("chair;gp_member", "vice_chair"), encoding="utf-8")
    with explorer_server(tmp_path, CCGRAPH_DATA=str(real_data)) as port, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(f"http://127.0.0.1:{port}/?page=Compliance&org=09W", timeout=90_000)
        upload = page.locator("[data-testid='stFileUploaderDropzoneInput']")
        upload.wait_for(state="attached", timeout=90_000)
        upload.set_input_files(str(bad))
        expect(page.get_by_text("broken.csv:2: field 'roles': 'vice_chair' is not one of")).to_be_visible(
            timeout=60_000
        )
        page.reload()  # a new session: nothing uploaded
        upload.wait_for(state="attached", timeout=90_000)
        upload.set_input_files(str(good))
        expect(page.get_by_text("With your registers: medway.csv")).to_be_visible(timeout=60_000)
        breach = ".vega-embed g.mark-rect path[aria-label*='check: governing_body_roles'][aria-label*='breach: error']"
        expect(page.locator(breach)).to_have_attribute("aria-label", re.compile(r"^findings: 1;"), timeout=30_000)
        other = browser.new_page(viewport={"width": 1400, "height": 1400})  # another visitor
        other.goto(f"http://127.0.0.1:{port}/?page=Compliance", timeout=90_000)
        other.locator("[data-testid='stFileUploaderDropzoneInput']").wait_for(state="attached", timeout=90_000)
        expect(other.get_by_text("With your registers")).to_have_count(0)
        page.screenshot(path=str(Path(os.environ.get("CCGRAPH_SCREENSHOT_DIR", tmp_path)) / "registers.png"))
        browser.close()


@pytest.mark.browser
def test_in_a_real_browser_the_warmed_up_explorer_draws_offline_and_opens_a_double_clicked_node(
    tmp_path, chromium
):
    from playwright.sync_api import sync_playwright

    log = tmp_path / "server.log"
    with explorer_server(tmp_path, **EXAMPLE) as port:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1700})
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(f"http://127.0.0.1:{port}/", timeout=60_000)
            box = page.get_by_label("Search organisations by code or name")
            box.wait_for(timeout=60_000)
            assert page.get_by_role("button", name="Deploy").count() == 0
            box.fill("ILC-B")
            box.press("Enter")
            network = page.locator('.ccgraph-network[data-centre="ILC-B"][data-drawn-at]')
            network.wait_for(state="attached", timeout=60_000)
            page.get_by_text("Member practices").first.wait_for(timeout=60_000)  # the page below it
            shot = Path(os.environ.get("CCGRAPH_SCREENSHOT_DIR", tmp_path)) / "network.png"
            page.screenshot(path=str(shot), full_page=True)
            x, y = network.evaluate("""box => {
                    const at = box.network.canvasToDOM(box.network.getPosition("ILP-B1"));
                    const frame = box.getBoundingClientRect();
                    return [frame.left + at.x, frame.top + at.y];
                }""")
            page.mouse.dblclick(x, y)
            page.locator('.ccgraph-network[data-centre="ILP-B1"]').wait_for(state="attached", timeout=60_000)
            opened = page.get_by_role("heading").all_inner_texts()
            for name in ("Compliance", "Map", "Cypher console", "Explore"):  # one click each
                page.locator("[data-testid='stSidebar'] label").filter(has_text=name).click()
                page.locator("h1").filter(has_text=name).wait_for(timeout=10_000)
            browser.close()
        assert shot.stat().st_size > 20_000
        assert any("[ILP-B1]" in heading for heading in opened)
        example = build_graph(load_inputs(scenario=EXAMPLE_SCENARIO).dataset)
        assert f"{READY}: {example.number_of_nodes()} organisations and people" in log.read_text()
        assert requested and all(
            url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "blob:", "data:")) for url in requested
        )


HOSTILE_NAME = '<img src=x onerror="window.pwned=1">Evil <b>CCG</b> & <a href="#">link</a>'


@pytest.mark.browser
def test_in_a_real_browser_a_hostile_name_in_the_downloaded_network_stays_text(tmp_path, chromium):
    from playwright.sync_api import sync_playwright

    graph = nx.MultiDiGraph()
    graph.add_node("EVIL", name=HOSTILE_NAME, kind="CCG")
    graph.add_node("P1", name="</script><script>window.pwned=2</script>", kind="Practice")
    graph.add_edge("P1", "EVIL", "m", rel="MEMBER_OF")
    page_file = tmp_path / "network.html"
    page_file.write_text(network_html(graph, centre="EVIL"), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(page_file.as_uri())
        page.wait_for_function("typeof network !== 'undefined' && network.body.data.nodes.length === 2")
        page.evaluate("network.body.emitter.emit('showPopup', 'EVIL')")  # pyvis's own hover popup
        popup = page.evaluate("document.querySelector('div.popup').innerText")
        assert popup == f"{HOSTILE_NAME} [EVIL] (CCG)"  # the name, as text
        assert page.evaluate("document.querySelectorAll('div.popup *').length") == 0
        assert page.evaluate("window.pwned") is None
        browser.close()
    assert all(url.startswith("file://") for url in requested)


# --- dates: every page shows the structure on the sidebar's date ----------------------------------


def history_app(real_history, **query: str) -> AppTest:
    for key in INPUTS:
        os.environ.pop(key, None)
    os.environ["CCGRAPH_DATA"] = os.pathsep.join(map(str, real_history))
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_the_date_starts_on_1_april_2013_and_search_shows_only_bodies_open_that_day(real_history):
    at = history_app(real_history)
    assert at.sidebar.text_input(key="date_text").value == "2013-04-01"
    at.main.text_input[0].set_value("Tees Valley").run()
    assert not at.main.selectbox and any("Not open on 2013-04-01" in unescaped(c.value) for c in at.caption)
    at.sidebar.text_input(key="date_text").set_value("2020-04-01").run()  # typed, then Enter
    assert at.query_params["date"] == "2020-04-01"
    assert "NHS Tees Valley CCG [16C] — CCG" in at.main.selectbox[0].value
    assert any("[NHS Darlington](?page=Explore&org=00C)" in unescaped(m.value) for m in at.main.markdown)


def test_a_link_with_a_date_opens_the_explorer_on_that_day(real_history):
    at = history_app(real_history, date="2021-04-01", page="Compliance")
    assert at.sidebar.text_input(key="date_text").value == "2021-04-01"
    outcomes = at.get("vega_lite_chart")
    assert not at.exception and outcomes
    summary = at.main.dataframe[0].value.set_index("check")
    from ccgraph.core import System

    expected = System.open(real_history).check(as_at="2021-04-01")
    kinds = {k: sum(f.kind == k for f in expected.findings) for k in ("breach", "gap", "recommendation")}
    assert summary[["breaches", "gaps", "recommendations"]].sum().to_dict() == {
        "breaches": kinds["breach"],
        "gaps": kinds["gap"],
        "recommendations": kinds["recommendation"],
    }
    # no governing body is recorded: every CCG a gap in its own column, none a breach
    assert summary.loc["governing_body_roles", "breaches"] == 0
    assert summary.loc["governing_body_roles", "gaps"] == 106


def test_a_date_outside_the_data_in_a_link_falls_back_to_the_first_day(real_history):
    at = history_app(real_history, date="2030-01-01")
    assert at.sidebar.text_input(key="date_text").value == "2013-04-01" and not at.exception


@pytest.mark.parametrize("typed", ["2030-01-01", "1 April 2020", "<b>x</b>"])
def test_a_typed_date_that_is_not_one_the_data_covers_is_said_and_not_applied(real_history, typed):
    at = history_app(real_history, date="2016-04-01")
    at.sidebar.text_input(key="date_text").set_value(typed).run()
    assert not at.exception and at.query_params["date"] == "2016-04-01"
    assert "still showing 2016-04-01" in at.sidebar.error[0].value
    assert at.sidebar.text_input(key="date_text").value == "2016-04-01"


def test_the_timeline_counts_ccgs_stps_and_boundary_crossings_per_year(real_history):
    at = history_app(real_history, page="Timeline")
    assert not at.exception
    table = at.main.dataframe[0].value.set_index("date")
    assert table.loc["2013-04-01", "ccgs"] == 211 and table.loc["2020-04-01", "ccgs"] == 135
    assert table.loc["2022-04-01", "ccgs"] == 106 and table.loc["2018-04-01", "stps"] > 0
    assert table.loc["2020-04-01", "boundary_crossing_ccgs"] > table.loc["2013-04-01", "boundary_crossing_ccgs"]
    assert len(at.get("vega_lite_chart")) == 3  # the counts per year, the merger lineage, by region


def test_the_timeline_page_counts_practices_and_patients_per_region_on_the_date(real_history):
    """`ccgraph summary` on the page: the four regions of 1 April 2013, adding up to England."""
    at = history_app(real_history, page="Timeline", date="2013-04-01")
    assert not at.exception
    by_region = at.main.dataframe[1].value.set_index("name")
    regions = ["North of England", "Midlands and East of England", "London", "South of England"]
    assert list(by_region.index) == [*regions, "England"]
    assert by_region.loc[regions, "practices"].sum() == by_region.loc["England", "practices"] == 8096
    assert by_region.loc[regions, "patients"].sum() == by_region.loc["England", "patients"] > 55_000_000
    at.selectbox(key="summary_by").set_value("area-team").run()
    assert len(at.main.dataframe[1].value) == 27 + 1


def test_on_the_map_at_a_later_date_the_2013_areas_a_ccg_held_are_one_shape(real_history):
    at = history_app(real_history, page="Map", date="2020-04-01")
    assert not at.exception
    assert any("drawn as the 135 CCGs that held them on 2020-04-01" in c.value for c in at.caption)
    [chart] = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    features = {f["properties"]["code"]: f["properties"] for f in spec["data"]["values"]}
    assert len(features) == 135 and "00C" not in features
    assert features["16C"]["name"] == "NHS Tees Valley CCG [16C]; in 2013: 00C, 00K, 00M"


@pytest.mark.browser
def test_in_a_real_browser_a_click_on_a_year_of_the_timeline_sets_the_date(real_history, chromium, tmp_path):
    from playwright.sync_api import sync_playwright

    data = os.pathsep.join(map(str, real_history))
    with explorer_server(tmp_path, CCGRAPH_DATA=data) as port, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(f"http://127.0.0.1:{port}/?page=Timeline", timeout=90_000)
        points = page.locator(".vega-embed g.mark-symbol path")
        points.first.wait_for(timeout=90_000)
        # three measures on ten dates (and the lineage's dots); the charts draw one after another
        page.wait_for_function(
            "() => document.querySelectorAll('.vega-embed g.mark-symbol path').length >= 30", timeout=30_000
        )
        assert points.count() >= 3 * 10
        page.locator('.vega-embed g.mark-symbol path[aria-label*="2020-04-01"]').first.click()
        page.wait_for_url(re.compile(r"date=2020-04-01"), timeout=30_000)
        page.get_by_text("Counting", exact=False).wait_for(state="detached", timeout=30_000)
        page.screenshot(path=str(Path(os.environ.get("CCGRAPH_SCREENSHOT_DIR", tmp_path)) / "timeline.png"))
        browser.close()


# Each page of the explorer on the real data, 2013-2026: its link, what shows it has content,
# and its screenshot, which this test writes to a temporary folder, or to docs/screenshots when
# CCGRAPH_UPDATE_SCREENSHOTS=1 asks for them to be regenerated (a test run leaves the tree clean).
PAGES_ON_REAL_DATA = [
    ("page=Explore&org=09W", '.ccgraph-network[data-centre="09W"][data-drawn-at]', "explore.png", 2000),
    ("page=Compliance&date=2020-04-01", ".vega-embed g.mark-rect path", "compliance.png", 1300),
    ("page=Map&date=2020-04-01", ".vega-embed g.mark-shape path", "map.png", 1300),
    ("page=Map&date=2023-04-01", ".vega-embed g.mark-shape path", "map-icbs.png", 1300),  # shaded by board
    ("page=Explore&org=QHM&date=2023-04-01", '.ccgraph-network[data-centre="QHM"][data-drawn-at]', "explore-icb.png", 2000),
    ("page=Timeline&date=2020-04-01", ".vega-embed g.mark-symbol path", "timeline.png", 1600),
    ("page=Timeline&date=2013-04-01", ".vega-embed g.mark-rect path", "summary.png", 1100),  # by region, scrolled to
    ("page=Cypher%20console", "textarea, [data-testid='stAlert']", "cypher-console.png", 1000),  # no Neo4j: how to start one
]


@pytest.mark.browser
def test_in_a_real_browser_every_page_on_the_real_data_draws_and_leaves_no_placeholder(chromium, tmp_path):
    from playwright.sync_api import sync_playwright

    shots = REPO / "docs" / "screenshots" if os.environ.get("CCGRAPH_UPDATE_SCREENSHOTS") == "1" else tmp_path
    with explorer_server(tmp_path) as port, sync_playwright() as p:  # no inputs: the England it ships
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        for link, content, shot, height in PAGES_ON_REAL_DATA:  # the page's own scroll: a tall window
            page.set_viewport_size({"width": 1400, "height": height})
            page.goto(f"http://127.0.0.1:{port}/?{link}", timeout=120_000)
            page.locator(content).first.wait_for(timeout=120_000)
            page.wait_for_function(  # the run is over: no element is left stale or a skeleton
                "() => !document.querySelector('[data-stale=\"true\"], [data-testid=\"stSkeleton\"]')"
                " && !document.querySelector('[data-testid=\"stStatusWidget\"] [data-testid=\"stStatusWidgetRunningIcon\"]')",
                timeout=60_000,
            )
            assert page.locator("[data-testid='stException']").count() == 0, link
            if shot == "summary.png":  # the counts by region, below the timeline and the lineage
                page.get_by_text("On 2013-04-01, by").scroll_into_view_if_needed()
            page.screenshot(path=str(shots / shot))
        browser.close()
    for _, _, shot, _ in PAGES_ON_REAL_DATA:
        assert (shots / shot).stat().st_size > 30_000, shot


def test_asked_for_each_finding_says_since_when_and_until_when():
    at = app()  # the real England shipped with ccgraph
    at.main.text_input[0].set_value("00K").run()  # Hartlepool and Stockton-on-Tees, 1 April 2013
    assert not any("since" in d.value.columns for d in at.main.dataframe)  # only when asked
    at.sidebar.toggle(key="spans").set_value(True).run()
    assert not at.exception
    [table] = [d.value for d in at.main.dataframe if "since" in d.value.columns]
    crossing = table[table["check"] == "boundary_crossing_ccgs"].iloc[0]
    assert (crossing["since"], crossing["until"]) == ("2013-04-01", "2020-03-31")

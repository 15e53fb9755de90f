"""In a real browser, names from data are plain text: no link, icon or emoji from a name."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import IN_CI, REPO, explorer_server

HOSTILE = "NHS https://evil.example www.evil.example :material/lock: :smile: a@evil.example Beta"


@pytest.mark.browser
def test_a_name_with_addresses_and_icon_codes_shows_as_the_text_it_is(tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        if IN_CI:
            pytest.fail("CI=true and Debian chromium is not installed")
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(
        (REPO / "loaders" / "example_scenario.yaml")
        .read_text()
        .replace("Illustrative Beta Health Centre", f"'{HOSTILE}'")
    )
    with explorer_server(tmp_path, CCGRAPH_SCENARIO=str(scenario)) as port:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1400})
            page.goto(f"http://127.0.0.1:{port}/?org=ILP-B1&page=Explore", timeout=60_000)
            heading = page.locator("h3").filter(has_text="evil")
            heading.wait_for(timeout=60_000)
            page.get_by_text("Member of").first.wait_for(timeout=60_000)
            page.locator('.ccgraph-network[data-centre="ILP-B1"][data-drawn-at]').wait_for(
                state="attached", timeout=60_000
            )
            page.screenshot(path=str(Path(os.environ.get("CCGRAPH_SCREENSHOT_DIR", tmp_path)) / "plain.png"))
            main = page.locator("[data-testid='stMain']")
            shown = heading.inner_text().replace("\u200b", "")
            hrefs = main.locator("a").evaluate_all("links => links.map(a => a.href)")
            icons = heading.locator("[data-testid='stIconMaterial'], img").count()
            browser.close()
    assert HOSTILE in shown  # every character as written, nothing turned into markup
    assert not [h for h in hrefs if not h.startswith(f"http://127.0.0.1:{port}/")]  # only the page's own
    assert icons == 0 and "😄" not in shown

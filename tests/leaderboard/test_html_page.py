"""The static HTML leaderboard: escaped user strings, and sorting, checked in a real headless Chromium."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from lb_helpers import adr_metrics, make_run

from adrbench.leaderboard import build_grids
from adrbench.leaderboard.html_page import html_page

HOSTILE = "<img src=x onerror=alert(1)>"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def _page(tmp_path: Path, lb_dir: Path) -> Path:
    runs = tmp_path / "runs"
    make_run(runs / "evil", HOSTILE, "adr-synth", adr_metrics(0.95, 0.01))
    make_run(runs / "good", "kept", "adr-synth", adr_metrics(0.30, 0.05))
    make_run(runs / "script", "</td><script>alert(2)</script>", "adr-synth", adr_metrics(0.60, 0.03))
    page = tmp_path / "leaderboard.html"
    page.write_text(html_page(build_grids("both", lb_dir, [runs]), title="board & <test>"), encoding="utf-8")
    return page


def test_user_strings_are_escaped_in_the_markup(tmp_path: Path, lb_dir: Path) -> None:
    text = _page(tmp_path, lb_dir).read_text(encoding="utf-8")
    assert HOSTILE not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<script>alert(2)" not in text
    assert text.count("<script>") == 1 and "board &amp; &lt;test&gt;" in text
    assert "Content-Security-Policy" in text and "http" not in text.replace("http-equiv", "")


@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (apt-get install "
    "chromium chromium-driver); the CI installs it",
)
def test_page_in_headless_chromium(tmp_path: Path, lb_dir: Path) -> None:
    if importlib.util.find_spec("selenium") is None or not CHROMEDRIVER.exists():
        pytest.fail(
            "chromium is installed but selenium or /usr/bin/chromedriver is missing (pip install selenium)"
        )
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    page = _page(tmp_path, lb_dir)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.get(page.as_uri())
        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.text  # noqa: B018 - reading it is the check that no alert opened
        assert driver.find_elements(By.CSS_SELECTOR, "table img") == []
        assert len(driver.find_elements(By.TAG_NAME, "script")) == 1
        table = driver.find_element(By.ID, "table2")
        labels = [td.text for td in table.find_elements(By.CSS_SELECTOR, "tbody tr td:first-child")]
        assert f"{HOSTILE} (seed 0)" in labels
        assert "</td><script>alert(2)</script> (seed 0)" in labels

        def column(index: int) -> list[float]:
            cells = table.find_elements(By.CSS_SELECTOR, f"tbody tr td:nth-child({index})")
            return [float(c.get_attribute("data-sort")) for c in cells]

        rho = table.find_elements(By.CSS_SELECTOR, "thead th")[2]
        assert column(3) != sorted(column(3))
        rho.click()
        assert column(3) == sorted(column(3)) and rho.get_attribute("aria-sort") == "ascending"
        rho.click()
        assert column(3) == sorted(column(3), reverse=True)
        assert (
            table.find_elements(By.CSS_SELECTOR, "tbody tr td:first-child")[0].text == f"{HOSTILE} (seed 0)"
        )
        assert (
            driver.execute_script("return window.__xss === undefined && document.title") == "board & <test>"
        )
    finally:
        driver.quit()
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)

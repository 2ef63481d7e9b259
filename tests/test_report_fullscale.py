"""The progress report on the full sample region: a plan's trajectory, the example observed
values and budget, a monitoring record; the PDF's pages rendered (pypdfium2) and the HTML opened
in headless Chromium with every outside request refused. KPIs recomputed by hand for one commune."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from minettgeo.cli import main
from minettgeo.kpi.compute import current_kpis
from minettgeo.kpi.registry import load_registry
from minettgeo.report.progress.i18n import LABELS
from minettgeo.results.reader import open_results

pytestmark = pytest.mark.fullscale
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
SECTIONS = (
    "inventory",
    "trajectory",
    "kpis",
    "observed",
    "communes",
    "budget",
    "test_districts",
    "provenance",
)


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def trajectory(
    sample_dir: Path, results_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("plan") / "plan_minett_2030"
    _cli(
        "trajectory", str(ROOT / "examples" / "scenarios" / "plan_minett_2030.yaml"),
        "--layers", str(sample_dir), "--results", str(results_root), "--out", str(out),
        "--draws", "100",
    )  # fmt: skip
    return out


def _monitoring(folder: Path, districts: list[str]) -> Path:
    """A record in the format of ``minettgeo monitor`` (docs/monitoring.md), values modelled."""
    folder.mkdir()
    pilot, controls = districts[0], districts[1:4]
    record = {
        "method": {"name": "rank-mahalanobis-optimal-without-replacement"},
        "pilots": [
            {"pilot_id": pilot, "name": "pilot", "controls": [{"district_id": c} for c in controls]}
        ],
    }
    (folder / "controls.json").write_text(json.dumps(record), "utf-8")
    ids = ";".join(controls)
    (folder / "balance.csv").write_text(
        "pilot_id,control_ids,variable,pilot_value,control_mean,standardised_difference\n"
        f"{pilot},{ids},ghg_per_capita_tco2e_a,5.1,5.3,-0.12\n",
        "utf-8",
    )
    (folder / "effects.csv").write_text(
        "pilot_id,kpi_id,estimate,low,high,method,n_pre,n_post,conclusive,note_fr,note_en\n"
        f"{pilot},heat_pump_share,2.5,0.4,4.6,did,3,2,True,effet net,clear effect\n",
        "utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def report(results_root: Path, trajectory: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("report")
    run = open_results(results_root)
    monitoring = _monitoring(base / "monitoring", list(run.districts))
    out = base / "reports"
    _cli(
        "report", "--results", str(results_root), "--trajectory", str(trajectory),
        "--observed", str(ROOT / "examples" / "observed_values.csv"),
        "--budget", str(ROOT / "examples" / "budget.csv"),
        "--monitoring", str(monitoring), "--lang", "both", "--out", str(out),
    )  # fmt: skip
    return out


def test_kpis_of_one_commune_by_hand(results_root: Path) -> None:
    run = open_results(results_root)
    table = current_kpis(run, load_registry()).set_index(["kpi_id", "level", "area_id"])["value"]
    d = run.layer("districts", commune="0204", columns=["ghg_tco2e_a", "population"])
    b = run.layer(
        "buildings", commune="0204", columns=["heated_area_m2", "heating_carrier", "pv_kwp"]
    )
    # Esch: sum of its districts' emissions over the sum of their residents
    assert table.loc[("ghg_per_resident", "commune", "0204")] == pytest.approx(
        d["ghg_tco2e_a"].sum() / d["population"].sum(), rel=1e-9
    )
    fossil = b.loc[b["heating_carrier"].isin(["natural_gas", "heating_oil"]), "heated_area_m2"]
    assert table.loc[("fossil_heated_share", "commune", "0204")] == pytest.approx(
        100 * fossil.sum() / b["heated_area_m2"].sum(), rel=1e-9
    )
    assert table.loc[("pv_potential", "commune", "0204")] == pytest.approx(b["pv_kwp"].sum())


def test_region_kpis_are_the_communes_sums(results_root: Path) -> None:
    """Every KPI's region numerator and denominator are the sums over the 11 communes and over
    the districts (so the region's ratio is the communes' denominator-weighted mean)."""
    table = current_kpis(open_results(results_root), load_registry())
    for kpi_id, part in table.groupby("kpi_id"):
        region = part[part["level"] == "region"].iloc[0]
        for level in ("commune", "district"):
            rows = part[part["level"] == level]
            assert rows["numerator"].sum() == pytest.approx(region["numerator"], rel=1e-9), kpi_id
            if rows["denominator"].notna().any():
                assert rows["denominator"].sum() == pytest.approx(region["denominator"], rel=1e-9)
        communes = part[part["level"] == "commune"]
        assert len(communes) == 11
        if communes["denominator"].notna().all() and (communes["denominator"] > 0).all():
            weighted = (communes["value"] * communes["denominator"]).sum() / communes[
                "denominator"
            ].sum()
            assert region["value"] == pytest.approx(weighted, rel=1e-9), kpi_id


def test_resources_by_year_add_up_to_the_measures(trajectory: Path) -> None:
    res = pd.read_csv(trajectory / "resources.csv", dtype={"lau2": str})
    mac = pd.DataFrame(json.loads((trajectory / "trajectory.json").read_text("utf-8"))["mac"])
    # plan measures and options are numbered apart: measures[0] and options[0] both exist
    totals = res.groupby(["in_plan", "measure"])[["cost_eur", "person_days", "area_ha"]].sum()
    for _, m in mac.iterrows():
        key = (bool(m["in_plan"]), int(m["measure"]))
        for col in ("cost_eur", "person_days", "area_ha"):
            assert totals.loc[key, col] == pytest.approx(m[col], rel=1e-4, abs=1e-6)
        mine = res[(res["in_plan"] == key[0]) & (res["measure"] == key[1]) & (res["year"] > 2024)]
        assert mine["abatement_tco2e_a"].sum() == pytest.approx(
            m["cumulative_abatement_tco2e"], rel=1e-4
        )


def test_report_tables(report: Path) -> None:
    inventory = pd.read_csv(report / "inventory_2005_now.csv", dtype={"lau2": str})
    region = inventory[inventory["lau2"] == "region"].iloc[0]
    communes = inventory[inventory["lau2"] != "region"]
    # the region is the sum of the communes, now and in 2005
    for col in ("gross_now_tco2e_a", "gross_2005_tco2e_a", "V_now_tco2e_a"):
        assert region[col] == pytest.approx(communes[col].sum(), rel=1e-9)
    measures = pd.read_csv(report / "budget_by_measure.csv", dtype={"lau2": str})
    esch = measures[measures["lau2"] == "0204"].iloc[0]
    # examples/budget.csv: 2,000,000 + 30,000,000 allocated, 0 + 21,500,000 spent for Esch
    assert esch["allocated_eur"] == 32_000_000 and esch["spent_eur"] == 21_500_000
    assert esch["eur_per_tco2e"] > 0
    side = pd.read_csv(report / "communes_side_by_side.csv")
    assert len([c for c in side.columns if c.isdigit() or c.startswith("0")]) == 11
    pilots = pd.read_csv(report / "test_districts_kpis.csv", dtype={"pilot_id": str})
    assert len(pilots) and pilots["controls"].notna().all()
    row = pilots[pilots["kpi_id"] == "ghg_total"].iloc[0]
    assert row["difference"] == pytest.approx(row["pilot"] - row["controls"])
    observed = pd.read_csv(report / "observed_vs_modelled.csv", dtype={"area_id": str})
    total = observed[observed["kpi_id"] == "ghg_total"].iloc[0]
    assert pd.notna(total["p05"]) and total["p05"] <= total["trajectory"] <= total["p95"]


def _pdf_pages(path: Path) -> tuple[int, str, list[float]]:
    import numpy as np
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    texts, ink = [], []
    for i in range(len(doc)):
        page = doc[i]
        texts.append(page.get_textpage().get_text_range())
        pixels = np.asarray(page.render(scale=0.5).to_pil().convert("L"))
        ink.append(float((pixels < 200).mean()))
    return len(doc), "\n".join(texts), ink


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pdf_has_the_expected_pages(report: Path, lang: str) -> None:
    n, text, ink = _pdf_pages(report / f"report_{lang}.pdf")
    assert n >= len(SECTIONS)  # every section starts a page
    for key in SECTIONS:
        assert f"{SECTIONS.index(key) + 1}. {LABELS[key][lang]}" in text, key
    assert all(share > 0.001 for share in ink), ink  # no blank page
    assert LABELS["no_pilots"][lang] not in text  # the record is shown


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    assert Path(CHROMIUM).exists(), "install Debian's chromium (python3 tasks.py test does)"
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-report")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield context
        context.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_html_renders_in_chromium_without_network(report: Path, browser: Any, lang: str) -> None:
    page = browser.new_page()
    outside: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((report / f"report_{lang}.html").as_uri(), wait_until="load")
    assert outside == [] and errors == []
    assert page.locator("h2").count() == len(SECTIONS)
    assert page.locator("svg").count() >= 4  # inventory, trajectory, observed KPI, budget
    box = page.locator("svg").first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    assert LABELS["title"][lang] in page.title()
    duplicates = page.evaluate(
        "() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);"
        " return ids.length - new Set(ids).size; }"
    )
    assert duplicates == 0
    page.close()

"""``minettgeo report`` on the toy run: the HTML pages (French and English, self-contained), the
CSV tables with their datapackage.json, bad inputs (nothing written), and the API routes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from api.app import create_app
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api_support import toy_results
from minettgeo.cli import main
from minettgeo.report.progress.i18n import LABELS

ROOT = Path(__file__).resolve().parents[1]
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


@pytest.fixture(scope="module")
def toy_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return toy_results(tmp_path_factory.mktemp("report-toy"))


def _observed(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "observed.csv"
    path.write_text(
        "kpi_id,level,area_id,year,value,unit,source,note\n" + "\n".join(lines) + "\n", "utf-8"
    )
    return path


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_toy_report_html_and_tables(toy_run: Path, tmp_path: Path) -> None:
    observed = _observed(
        tmp_path,
        "heat_pump_share,commune,9001,2024,10,%,survey,",
        "pv_installed,region,region,2024,5,kWp,register,",
        "pv_installed,district,0000-Q09,2024,5,kWp,register,",
    )
    out = tmp_path / "reports"
    code, text = invoke(
        "report", "--results", str(toy_run), "--observed", str(observed), "--no-pdf",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, text
    assert "0000-Q09" in text  # the unknown district is a warning, not silently dropped
    for lang in ("fr", "en"):
        page = (out / f"report_{lang}.html").read_text("utf-8")
        assert f'<html lang="{lang}">' in page
        for key in SECTIONS:
            assert LABELS[key][lang] in page, (lang, key)
        # self-contained: no script, nothing loaded from anywhere
        assert "<script" not in page
        assert not re.search(r"""(src|href)\s*=\s*["'](?!#)""", page)
        # the commune with the observed heat-pump share, and the 'none chosen yet' statement
        assert LABELS["no_pilots"][lang] in page
        assert LABELS["no_trajectory"][lang] in page
    kpis = (out / "kpis.csv").read_text("utf-8").splitlines()
    assert kpis[0].startswith("kpi_id,level,area_id,numerator,denominator,value,unit")
    observed_csv = (out / "observed_vs_modelled.csv").read_text("utf-8")
    # observed 10 % against the modelled 0 % (toy buildings are gas-heated): gap +10
    line = next(x for x in observed_csv.splitlines() if x.startswith("heat_pump_share"))
    assert ",10,%,0,10," in line
    package = json.loads((out / "datapackage.json").read_text("utf-8"))
    names = {r["path"] for r in package["resources"]}
    assert {"kpis.csv", "report_fr.html", "report_en.html", "provenance.csv"} <= names
    assert package["minettgeo"]["run_id"] in (out / "report_en.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("no_such_kpi,region,region,2024,1,kWp,s,", "column kpi_id"),
        ("pv_installed,region,region,2024,1,MWp,s,", "column unit"),
        ("pv_installed,region,region,2024,nan,kWp,s,", "column value"),
        ("pv_installed,region,region,2099,1,kWp,s,", "in the future"),
    ],
)
def test_bad_observed_file_writes_nothing(
    toy_run: Path, tmp_path: Path, line: str, words: str
) -> None:
    out = tmp_path / "reports"
    code, text = invoke(
        "report", "--results", str(toy_run), "--observed", str(_observed(tmp_path, line)),
        "--no-pdf", "--out", str(out),
    )  # fmt: skip
    assert code == 1
    assert words in text and "line 2" in text and "Traceback" not in text
    assert not out.exists()
    assert not list(tmp_path.glob(".reports*"))


def test_future_observed_allowed_for_worked_examples(toy_run: Path, tmp_path: Path) -> None:
    observed = _observed(tmp_path, "pv_installed,region,region,2099,1,kWp,modelled,")
    code, text = invoke(
        "report", "--results", str(toy_run), "--observed", str(observed), "--no-pdf",
        "--allow-future-observed", "--lang", "en", "--out", str(tmp_path / "r"),
    )  # fmt: skip
    assert code == 0, text
    assert not (tmp_path / "r" / "report_fr.html").exists()


def test_bad_budget_file_writes_nothing(toy_run: Path, tmp_path: Path) -> None:
    budget = tmp_path / "budget.csv"
    budget.write_text("commune,measure,year,allocated_eur,spent_eur\n9001,0,2025,-3,0\n", "utf-8")
    out = tmp_path / "reports"
    code, text = invoke(
        "report", "--results", str(toy_run), "--budget", str(budget), "--no-pdf",
        "--out", str(out),
    )  # fmt: skip
    assert code == 1 and "line 2, column allocated_eur" in text and "negative" in text
    assert not out.exists()


def test_kpis_command_lists_and_computes(toy_run: Path, tmp_path: Path) -> None:
    code, text = invoke("kpis")
    assert code == 0 and "fossil_heated_share" in text
    out = tmp_path / "k.csv"
    code, text = invoke("kpis", "--results", str(toy_run), "--level", "region", "--out", str(out))
    assert code == 0, text
    rows = out.read_text("utf-8").splitlines()
    assert all(",region,region," in r for r in rows[1:])


def test_api_report_and_kpis(toy_run: Path) -> None:
    client = TestClient(create_app(toy_run), raise_server_exceptions=False)
    for lang in ("fr", "en"):
        r = client.get("/api/report", params={"lang": lang})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert LABELS["title"][lang] in r.text
    assert client.get("/api/report", params={"lang": "de"}).status_code in (400, 422)
    r = client.get("/api/kpis", params={"level": "region"})
    assert r.status_code == 200
    body = r.json()
    assert {row["level"] for row in body["rows"]} == {"region"}
    share = next(x for x in body["rows"] if x["kpi_id"] == "fossil_heated_share")
    assert share["value"] == pytest.approx(100.0)
    pdf = client.get("/api/report.pdf", params={"lang": "en"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_test_districts_section_reads_the_monitoring_record(toy_run: Path, tmp_path: Path) -> None:
    mon = tmp_path / "monitoring"
    mon.mkdir()
    record = {
        "method": {"name": "rank-mahalanobis-optimal-without-replacement"},
        "pilots": [
            {
                "pilot_id": "9001-Q01",
                "controls": [{"district_id": "9002-Q01"}, {"district_id": "9003-Q01"}],
            }
        ],
    }
    (mon / "controls.json").write_text(json.dumps(record), "utf-8")
    (mon / "effects.csv").write_text(
        "pilot_id,kpi_id,estimate,low,high,method,n_pre,n_post,conclusive,note_fr,note_en\n"
        "9001-Q01,heat_pump_share,1.5,-0.5,3.5,did,1,1,False,trop peu,too few data\n",
        "utf-8",
    )
    out = tmp_path / "reports"
    code, text = invoke(
        "report", "--results", str(toy_run), "--monitoring", str(mon), "--no-pdf",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, text
    page = (out / "report_en.html").read_text("utf-8")
    assert LABELS["no_pilots"]["en"] not in page and "too few data" in page
    kpis = pd.read_csv(out / "test_districts_kpis.csv").set_index(["pilot_id", "kpi_id"])
    row = kpis.loc[("9001-Q01", "renovated_share")]
    # pilot A: its 100 m2 partially renovated -> 100 %; controls B (1,000 m2, none) and
    # C (1,600 m2, partial) pooled: 1,600 / 2,600 = 61.54 %
    assert row["pilot"] == pytest.approx(100.0)
    assert row["controls"] == pytest.approx(100 * 1600 / 2600)
    assert row["difference"] == pytest.approx(100 - 100 * 1600 / 2600)


def test_chart_ids_are_unique_in_the_page(toy_run: Path, tmp_path: Path) -> None:
    from minettgeo.report.progress.charts import unique_ids

    svg = '<svg><g id="a_1"><use xlink:href="#a_1"/><path clip-path="url(#a_12)"/></g><g id="a_12"/></svg>'
    assert unique_ids(svg, "c1") == (
        '<svg><g id="c1-a_1"><use xlink:href="#c1-a_1"/><path clip-path="url(#c1-a_12)"/></g>'
        '<g id="c1-a_12"/></svg>'
    )


def test_two_reports_in_one_process_are_the_same_page(toy_run: Path, tmp_path: Path) -> None:
    """Chart ids are numbered per page (c1, c2 ... in page order), not by a process-wide counter:
    the same inputs give the same HTML however many charts were rendered before."""
    from minettgeo.report.progress.html import render
    from minettgeo.report.progress.report import build_report
    from minettgeo.report.progress.sources import read_inputs
    from minettgeo.results.reader import open_results

    observed = _observed(
        tmp_path,
        "heat_pump_share,commune,9001,2023,8,%,survey,",
        "heat_pump_share,commune,9001,2024,10,%,survey,",
    )
    inputs = read_inputs(open_results(toy_run), observed=observed)  # its date: now, read once
    first = render(build_report(inputs), "fr")
    render(build_report(inputs), "en")  # charts rendered in between
    second = render(build_report(inputs), "fr")
    assert first == second
    charts = re.findall(r"<svg\b.*?</svg>", first, flags=re.DOTALL)
    assert len(charts) >= 2
    for n, chart in enumerate(charts, start=1):
        ids = re.findall(r'\bid="([^"]+)"', chart)
        assert ids and all(i.startswith(f"c{n}-") for i in ids), n
    every = re.findall(r'<svg\b[^>]*>|\bid="(c[0-9]+-[^"]+)"', first)
    named = [i for i in every if i]
    assert len(named) == len(set(named))  # no id twice in the page


def test_kpis_along_a_trajectory_file(toy_run: Path, tmp_path: Path) -> None:
    traj = tmp_path / "trajectory.csv"
    traj.write_text(
        "level,name,column,year,baseline_tco2e,scenario_tco2e,p05,p50,p95\n"
        "region,Minett,gross,2030,1200,900,600,900,1500\n",
        "utf-8",
    )
    out = tmp_path / "along.csv"
    code, text = invoke(
        "kpis", "--results", str(toy_run), "--trajectory", str(traj), "--level", "region",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, text
    row = pd.read_csv(out).set_index("kpi_id").loc["ghg_per_resident"]
    # 900 t over the toy's 600 residents = 1.5; band 600 / 600 to 1,500 / 600
    assert (row["value"], row["p05"], row["p95"]) == pytest.approx((1.5, 1.0, 2.5))

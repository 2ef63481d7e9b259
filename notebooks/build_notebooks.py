"""Writes the worked-example notebooks from the cell sources below (kept as code so that
reviews see plain diffs). Run: .venv/bin/python notebooks/build_notebooks.py"""

from __future__ import annotations

from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent

SINKS = [
    (
        "md",
        """# Carbon sinks of the Minett: stocks, removals and potential

A worked example for the **sinks working group** (working group IV of the declaration). It reads
the results of `minettgeo run` on the sample region and answers three questions:

1. How much carbon does the region's land hold, and where?
2. How much does it remove or emit each year (IPCC Tier 1, land-use change since 2012), and how
   sure are we?
3. Which land could remove more by 2030 and 2050, by which measure, in addition to what the land
   does anyway, and which of it depends on new policy?

Run `python3 tasks.py run` first (it builds `layers/` and `results/`). The numbers come from the
modelled sample region; with the real cadastre and land cover the same steps apply unchanged.""",
    ),
    (
        "code",
        """%matplotlib inline
import os
from pathlib import Path

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from minettgeo.land.tables import load_carbon_tables
from minettgeo.report.gpc import read_inventory

RESULTS = Path(os.environ.get("MINETTGEO_RESULTS", "../results/current"))
RUN = RESULTS if (RESULTS / "minettgeo.gpkg").exists() else RESULTS / "current"
gpkg = RUN / "minettgeo.gpkg"
communes = gpd.read_file(gpkg, layer="communes")
districts = gpd.read_file(gpkg, layer="districts")
parcels = gpd.read_file(gpkg, layer="parcels")
pd.set_option("display.float_format", "{:,.1f}".format)
print(f"{len(parcels):,} parcels in {len(districts)} districts of {len(communes)} communes")""",
    ),
    (
        "md",
        """## 1. Carbon stocks

Each parcel's stock is the exact area of every land-cover class inside it (exact pixel coverage
fractions, not pixel centres) times the carbon per hectare of the class in four pools
(above-ground, below-ground, soil, dead matter), from the carbon table in InVEST's format.""",
    ),
    (
        "code",
        """pools = ["carbon_above_tc", "carbon_below_tc", "carbon_soil_tc", "carbon_dead_tc"]
stocks = communes.set_index("name")[[*pools, "carbon_stock_tc", "carbon_stock_tc_ha"]]
stocks = stocks.sort_values("carbon_stock_tc", ascending=False)
stocks.loc["Region"] = stocks.sum(numeric_only=True)
stocks.loc["Region", "carbon_stock_tc_ha"] = communes["carbon_stock_tc"].sum() / communes["land_area_ha"].sum()
print(f"region stock: {stocks.loc['Region', 'carbon_stock_tc'] / 1e6:.3f} Mt C")
stocks""",
    ),
    (
        "code",
        """ax = (stocks.drop("Region")[pools] / 1e3).rename(columns=lambda c: c.split("_")[1]).plot.bar(
    stacked=True, figsize=(9, 4), color=["#2e7d32", "#8d6e63", "#5d4037", "#bcaaa4"]
)
ax.set_ylabel("kt C")
ax.set_title("Carbon stock by commune and pool")
plt.tight_layout()
plt.show()""",
    ),
    (
        "code",
        """table = load_carbon_tables().pools
table["total_tc_ha"] = table.sum(axis=1)
table.loc[[311, 324, 321, 333, 211, 231, 112, 111, 121, 132]]""",
    ),
    (
        "md",
        """## 2. Annual fluxes, the IPCC way, with their uncertainty

- **Land remaining in its class** (`growth_removal`): IPCC Tier 1 rates by stand age. Mature
  forest follows the third national forest inventory (IFL3: Luxembourg's forests were a net
  source over 2010-2023), so it is negative here; its range reaches the sink of the EU LULUCF
  2000-2009 reference. Settlements are Tier 1 (no net change).
- **Land converted between the 2012 and 2024 maps** (`luc_removal`, `luc_emission`): the
  previous biomass is lost at conversion, newly wooded land grows at the rate of its own stand
  age (`forest_age.tif`), soil moves to the new class's stock over the IPCC 20 years, and new
  settlement is never a removal.
- **90 % interval**: Monte Carlo over the ranges of every stock and rate (same seed and draws
  as the emissions Monte Carlo).

The net flux enters the GPC inventory as AFOLU (V.2, BASIC+ only), apart from gross emissions.""",
    ),
    (
        "code",
        """flux_cols = ["growth_removal_tco2_a", "luc_removal_tco2_a", "luc_emission_tco2_a", "land_net_flux_tco2_a",
             "land_net_flux_p05_tco2_a", "land_net_flux_p95_tco2_a", "land_changed_ha", "forest_remaining_ha"]
flux = communes.set_index("name")[flux_cols].sort_values("land_net_flux_tco2_a")
_, totals = read_inventory(RUN)
region = totals.set_index("lau2").loc["region"]
flux.loc["Region"] = flux.sum()
for col in ("land_net_flux_p05_tco2_a", "land_net_flux_p95_tco2_a"):
    flux.loc["Region", col] = region[col]  # percentiles of the region's sum, not sums of percentiles
print(
    f"region net land flux: {flux.loc['Region', 'land_net_flux_tco2_a'] / 1e3:.2f} kt CO2/a "
    f"(90 % interval {region['land_net_flux_p05_tco2_a'] / 1e3:.2f} to {region['land_net_flux_p95_tco2_a'] / 1e3:.2f})"
)
print(f"growth per ha of forest: {flux.loc['Region', 'growth_removal_tco2_a'] / flux.loc['Region', 'forest_remaining_ha']:.2f} t CO2/(ha a)")
print(f"land-use-change removals per ha of changed land: {flux.loc['Region', 'luc_removal_tco2_a'] / flux.loc['Region', 'land_changed_ha']:.2f} t CO2/(ha a)")
flux""",
    ),
    (
        "code",
        """by = flux.drop("Region")
fig, ax = plt.subplots(figsize=(9, 4))
x = np.arange(len(by))
ax.bar(x - 0.3, -by["growth_removal_tco2_a"] / 1e3, 0.2, label="forest and land remaining (net)", color="#2e7d32")
ax.bar(x - 0.1, -by["luc_removal_tco2_a"] / 1e3, 0.2, label="land-use change: removals", color="#66bb6a")
ax.bar(x + 0.1, by["luc_emission_tco2_a"] / 1e3, 0.2, label="land-use change: emissions", color="#e53935")
ax.errorbar(
    x + 0.3, by["land_net_flux_tco2_a"] / 1e3,
    yerr=[(by["land_net_flux_tco2_a"] - by["land_net_flux_p05_tco2_a"]).clip(lower=0) / 1e3,
          (by["land_net_flux_p95_tco2_a"] - by["land_net_flux_tco2_a"]).clip(lower=0) / 1e3],
    fmt="o", color="black", label="net flux, 90 % interval",
)
ax.axhline(0, color="grey", lw=0.5)
ax.set_xticks(x, by.index, rotation=45, ha="right")
ax.set_ylabel("kt CO2/a (emissions > 0)")
ax.set_title("Land fluxes by commune")
ax.legend(fontsize=7)
plt.tight_layout()
plt.show()""",
    ),
    (
        "code",
        """totals.set_index("name")[["basic_tco2e", "basic_p05_tco2e", "basic_p95_tco2e", "afolu_removals_tco2e",
                           "basic_plus_net_tco2e", "land_net_flux_p05_tco2_a", "land_net_flux_p95_tco2_a"]].loc[["Region"]]""",
    ),
    (
        "md",
        """The region's land is close to neutral: young woodland on former mining land removes carbon,
mature forest under drought and dieback (IFL3) emits, and new settlement costs a little. Sinks
cannot replace cutting emissions.

## 3. Sink potential to 2030 and 2050: a scenario

Rules say which land may change into what: mining land and brownfields into forest (outside the
nature reserves, whose open dry grassland is protected) or grassland (inside them), sealed yards
into urban green, field edges into hedgerows, arable land into agroforestry, streets into tree
rows. The working group's table (`sink_assumptions.csv`, or `--sink-assumptions FILE`) sets the
uptake of each measure in the central and upper-bound scenarios and whether it is land
management or depends on new policy. Each potential is **additional**: the removal the same land
shows anyway (e.g. bare rock in the reserves turning into woodland) is subtracted, and the areas
of all measures on one parcel never exceed it.""",
    ),
    (
        "code",
        """measures = pd.read_csv(RUN / "sink_measures.csv")
cols = ["area_ha", "baseline_tco2_a", "potential_2030_tco2_a", "potential_2050_tco2_a", "potential_2050_upper_tco2_a",
        "cumulative_2050_tco2", "cumulative_2050_upper_tco2"]
by_measure = measures.groupby(["category", "measure"])[cols].sum().sort_values("cumulative_2050_tco2", ascending=False)
split = measures.groupby("category")["cumulative_2050_tco2"].sum()
print(f"policy-dependent share of the cumulative potential: {split.get('policy_dependent', 0) / split.sum():.0%}")
print(
    f"region sink potential 2050: {region['sink_potential_2050_p50_tco2_a'] / 1e3:.2f} kt CO2/a "
    f"(90 % interval {region['sink_potential_2050_p05_tco2_a'] / 1e3:.2f} to {region['sink_potential_2050_p95_tco2_a'] / 1e3:.2f})"
)
by_measure""",
    ),
    (
        "code",
        """top_districts = districts.set_index("name")[
    ["sink_area_ha", "sink_potential_2030_tco2_a", "sink_potential_2050_tco2_a", "sink_potential_2050_upper_tco2_a",
     "sink_policy_2050_tco2_a", "sink_cumulative_2050_tco2", "sink_potential_2050_tco2_ha_a"]
].sort_values("sink_cumulative_2050_tco2", ascending=False)
top_districts.head(10)""",
    ),
    (
        "code",
        """fig, axes = plt.subplots(1, 2, figsize=(12, 6))
districts.assign(kt=districts["sink_cumulative_2050_tco2"] / 1e3).plot(
    column="kt", cmap="Greens", legend=True, ax=axes[0], edgecolor="white", linewidth=0.2,
    legend_kwds={"label": "kt CO2, cumulative 2026-2050 (central)", "shrink": 0.6},
)
communes.boundary.plot(ax=axes[0], color="black", linewidth=0.6)
axes[0].set_title("Sink potential per district")
best = parcels[parcels["sink_rank"].between(1, 2000)]
communes.boundary.plot(ax=axes[1], color="black", linewidth=0.6)
best.plot(column="sink_potential_2050_tco2_ha_a", cmap="viridis", legend=True, ax=axes[1],
          legend_kwds={"label": "t CO2/(ha a) in 2050", "shrink": 0.6})
axes[1].set_title("The 2,000 parcels with the highest potential per hectare")
for ax in axes:
    ax.set_axis_off()
plt.tight_layout()
plt.show()""",
    ),
    (
        "md",
        """The same district figures on an interactive map (offline: Leaflet is copied into the
page from the installed package, the basemap is drawn from the run's own communes and roads).
Hover a district for its values; the layer control switches between carbon stock and sink
potential. `minettgeo serve` shows this map with the 10 m rasters as tiles at `/maps/carbon`.""",
    ),
    (
        "code",
        """from IPython.display import HTML

from minettgeo.maps import build

roads = gpd.read_file(gpkg, layer="roads", columns=["road_class"])
basemap = build.prepare_basemap(communes, roads)
options = build.MapOptions(lang="en", tiles_url=None, run_id=RUN.name)
carbon_page = build.render(
    build.carbon_map(districts, basemap, options), lang="en", title="Carbon stock and sink potential", inline=True
)
print(f"interactive map: {len(districts)} districts, {len(carbon_page) / 1e6:.1f} MB page")
HTML(build.notebook_html(carbon_page))""",
    ),
    (
        "code",
        """share = districts.assign(
    policy=districts["sink_policy_2050_tco2_a"], management=districts["sink_land_management_2050_tco2_a"]
).nlargest(12, "sink_potential_2050_tco2_a").set_index("name")[["management", "policy"]] / 1e3
ax = share.plot.barh(stacked=True, figsize=(9, 4.5), color=["#66bb6a", "#1565c0"])
ax.invert_yaxis()
ax.set_xlabel("kt CO2/a in 2050 (central)")
ax.set_title("The 12 districts with the largest sink potential: land management or new policy")
ax.legend(["land management", "depends on new policy"], fontsize=8)
plt.tight_layout()
plt.show()""",
    ),
    (
        "md",
        """Parcels are ranked by their 2050 potential per hectare of parcel: the first places to look.""",
    ),
    (
        "code",
        """ranked = parcels[parcels["sink_rank"] > 0].sort_values("sink_rank")
ranked[["sink_rank", "parcel_id", "lau2", "zoning", "urban_form", "area_m2", "sink_measures", "sink_potential_2050_tco2_ha_a", "sink_cumulative_2050_tco2"]].head(15)""",
    ),
    (
        "md",
        """## 4. What if the measures start later?

The potential depends on when planting starts: every year of delay loses the fast early growth.
The same growth curves and baselines as `minettgeo run`, on the amounts of `sink_measures.csv`,
with a later start year.""",
    ),
    (
        "code",
        """from minettgeo.land.growth import additional_curve, growth_curve
from minettgeo.land.potential import HORIZON
from minettgeo.land.tables import CO2_PER_C

tables = load_carbon_tables()
planted = measures[measures["amount"] > 0]
groups = planted.assign(per_unit=planted["area_ha"] / planted["amount"]).groupby(
    ["measure", "unit", "baseline_tc_ha_a"], as_index=False
).agg(amount=("amount", "sum"), per_unit=("per_unit", "first"))
rows = []
for start in (2026, 2030, 2035):
    t = np.arange(start, HORIZON + 1) - start
    total = 0.0
    for g in groups.itertuples():
        curve = growth_curve(tables.measures[g.measure], t, g.unit == "km")
        added = additional_curve(curve, np.array([g.per_unit * g.baseline_tc_ha_a]), np.ones(len(t)))
        total += g.amount * added.sum() * CO2_PER_C
    rows.append({"start": start, "cumulative_2050_kt_co2": total / 1e3})
pd.DataFrame(rows).set_index("start")""",
    ),
    (
        "md",
        """Rasters for maps: `results/current/carbon_stock.tif` (t C/ha) and `results/current/sink_potential.tif`
(t CO2/ha a in 2050) are Cloud-Optimised GeoTIFFs on the 10 m land-cover grid; the `parcels`,
`districts` and `communes` layers of `results/current/minettgeo.gpkg` carry every column shown here.""",
    ),
]


TEST_DISTRICTS = [
    (
        "md",
        """# Test districts for 2028: which candidates, why, and how sure

*Quartiers test pour 2028 : quels candidats, pourquoi, avec quelle certitude.*

The communes committed to start one or more test districts by 2028. This notebook ranks the
candidate districts of the sample region with `minettgeo.rank`: the criteria (each with its unit,
direction and meaning), the named weight presets of the working groups, three MCDA methods, the
robustness of each rank to the weights and to the model's own uncertainty, the explanation of each
rank in French and English, and a portfolio of complementary districts.

Run `python3 tasks.py run` first; `minettgeo rank --preset heating` writes the same table to
`results/current/ranking.csv` and a `candidates` layer into `results/current/minettgeo.gpkg`.""",
    ),
    (
        "code",
        """%matplotlib inline
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from minettgeo.rank.options import RankOptions
from minettgeo.rank.runio import load_run
from minettgeo.rank.service import rank_run
from minettgeo.rank.tables import criteria_table, preset_rationale, preset_table

RESULTS = Path(os.environ.get("MINETTGEO_RESULTS", "../results/current"))
run = load_run(RESULTS)
print(f"run {run.run_dir.name}: {len(run.districts)} districts, "
      f"{run.buildings['residents'].sum():,.0f} residents in buildings "
      f"(STATEC: {run.communes['population'].sum():,.0f})")""",
    ),
    (
        "md",
        """## 1. Criteria and presets / Critères et pondérations

Every criterion is computed for every candidate from the run; *benefit* means higher is better
for a pilot, *cost* lower is better. Per-resident criteria are undefined (and count as the least
favourable value) where a candidate has fewer than 50 residents.""",
    ),
    (
        "code",
        """criteria_table()[["unit", "direction", "meaning_en", "meaning_fr"]]""",
    ),
    (
        "code",
        """weights = preset_table().pivot(index="criterion", columns="preset", values="value").fillna(0)
display(preset_rationale()[["rationale_en"]])
weights""",
    ),
    (
        "md",
        """## 2. Comparing presets / Comparer les pondérations

Each preset ranked with TOPSIS, 1,000 draws of the weights (Dirichlet around the preset) combined
with 1,000 draws of the emission model's factors.""",
    ),
    (
        "code",
        """rankings = {p: rank_run(run, RankOptions(preset=p, draws=1000, seed=2028, top=3))
            for p in ("heating", "sinks", "mobility", "balanced")}
top = pd.DataFrame({p: r.table[r.table["eligible"]].head(5)["name"].to_numpy()
                    for p, r in rankings.items()}, index=range(1, 6))
for p, r in rankings.items():
    best = r.table.iloc[0]
    print(f"{p}: first {best.name} ({best['name']}), P(top 3) {best['p_top']:.0%}, "
          f"90 % rank interval {best['rank_p05']:.0f}-{best['rank_p95']:.0f}")
top""",
    ),
    (
        "md",
        """## 3. Map of the ranked candidates / Carte des candidats classés""",
    ),
    (
        "code",
        """fig, axes = plt.subplots(1, 2, figsize=(13, 6))
for ax, p in zip(axes, ("heating", "balanced"), strict=True):
    t = rankings[p].table
    t.plot(column="rank", cmap="viridis_r", legend=True, ax=ax, edgecolor="white", linewidth=0.3,
           legend_kwds={"label": "rank / rang", "shrink": 0.6})
    t[t["portfolio"]].boundary.plot(ax=ax, color="red", linewidth=2)
    ax.set_title(f"{p}: rank (portfolio in red) / rang (portefeuille en rouge)")
    ax.set_axis_off()
plt.tight_layout()""",
    ),
    (
        "md",
        """## 4. How sure is each rank? / Quelle certitude pour chaque rang ?

The bars are the 90 % rank intervals over the draws, the dots the median rank: a candidate
whose bar reaches far down is first only under some weights or factor values.""",
    ),
    (
        "code",
        """r = rankings["heating"]
t = r.table[r.table["eligible"]].head(20)
fig, ax = plt.subplots(figsize=(9, 6))
y = np.arange(len(t))
ax.hlines(y, t["rank_p05"], t["rank_p95"], color="steelblue", linewidth=4)
ax.plot(t["median_rank"], y, "o", color="black", label="median rank / rang médian")
ax.plot(t["rank"], y, "|", color="red", markersize=14, label="rank at the preset / rang")
ax.set_yticks(y, [f"{i} {n}" for i, n in zip(t.index, t["name"], strict=True)])
ax.invert_yaxis()
ax.set_xlabel("rank (90 % interval over 1,000 draws) / rang (intervalle à 90 %)")
ax.legend(loc="lower right")
plt.tight_layout()
t[["name", "rank", "p_top", "median_rank", "rank_p05", "rank_p95"]].head(10)""",
    ),
    (
        "md",
        """## 5. Why? Explanations for a council note / Pourquoi ? Explications pour le conseil""",
    ),
    (
        "code",
        """for _cid, row in rankings["heating"].table.head(3).iterrows():
    print(row["explanation_en"])
    print(row["explanation_fr"])
    print()
print("agreement between methods / accord entre méthodes:")
pd.DataFrame(rankings["heating"].agreement)""",
    ),
    (
        "md",
        """## 6. A portfolio of complementary districts / Un portefeuille complémentaire

Three districts chosen together by a mixed-integer programme: the best total score that also holds
the strongest available lead for heating, sinks and mobility, at most one per commune.""",
    ),
    (
        "code",
        """p = rank_run(run, RankOptions(preset="balanced", draws=200, top=3, max_per_commune=1))
chosen = p.table[p.table["portfolio"]]
print("portfolio:", ", ".join(f"{c} {n} ({lead})" for c, n, lead in
                              zip(chosen.index, chosen["name"], chosen["portfolio_lead"], strict=True)))
chosen[["name", "lau2", "rank", "residents", "fossil_pre1980_share", "sink_potential_tco2_ha_a",
        "transport_per_resident_tco2e_a"]]""",
    ),
]


MONITORING = [
    (
        "md",
        """# Test districts and their controls: will we see the effect?

*Quartiers test et leurs témoins : verra-t-on l'effet ?*

A pilot teaches something only if its effect can be told apart from what happened anyway. This
notebook walks through `minettgeo monitor` on the sample region:

1. choose the pilots from the ranking (`minettgeo rank`);
2. match controls to them on their pre-pilot KPIs and structure, and fix them in a record
   (`minettgeo monitor choose`);
3. check the balance of pilots and controls;
4. generate **modelled observations** 2022-2031 in the observed-values format, with a known effect
   of the pilots from 2028;
5. estimate the effect with its interval (`minettgeo monitor estimate`, difference-in-differences
   from the `diff-diff` library) and see when the data are too few to conclude.

The observations here are modelled, not measured: they show that the method recovers an effect it
was given. Method: `docs/monitoring.md`.""",
    ),
    (
        "code",
        """%matplotlib inline
import json
import os
import shutil
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from minettgeo.monitor.service import choose, estimate
from minettgeo.monitor.tables import matching_variables, rules
from minettgeo.rank.options import RankOptions
from minettgeo.rank.runio import load_run
from minettgeo.rank.service import rank_run

RESULTS = Path(os.environ.get("MINETTGEO_RESULTS", "../results/current"))
WORK = Path(tempfile.mkdtemp(prefix="monitoring-"))
run = load_run(RESULTS)
print(f"run {run.run_dir.name}: {len(run.districts)} districts")""",
    ),
    (
        "md",
        """## 1. Pilots from the ranking / Les pilotes d'après le classement

Two districts chosen together for heating (old gas and oil stock in dense heat demand), at most one
per commune.""",
    ),
    (
        "code",
        """ranking = rank_run(run, RankOptions(preset="heating", draws=200, top=2, max_per_commune=1))
chosen = ranking.table[ranking.table["portfolio"]]
pilots = list(chosen.index)
print("pilots:", ", ".join(f"{c} ({n})" for c, n in zip(chosen.index, chosen["name"], strict=True)))
chosen[["name", "lau2", "rank", "residents", "fossil_pre1980_share", "heat_density_mwh_ha_a"]]""",
    ),
    (
        "md",
        """## 2. Controls, fixed now / Les témoins, fixés maintenant

Rank-based Mahalanobis distance on the pre-pilot variables below; three controls per pilot, none
shared, the least total distance; the pilots' neighbouring districts (possible spillover) and
districts of fewer than 500 residents are left out. The record `controls.json` is written once:
a second `choose` into the same folder is refused.""",
    ),
    (
        "code",
        """matching_variables()[["unit", "default", "label_en", "label_fr"]]""",
    ),
    (
        "code",
        """monitoring = WORK / "monitoring"
done = choose(RESULTS, ",".join(pilots), monitoring)
record = json.loads((monitoring / "controls.json").read_text())
for p in record["pilots"]:
    print(f"{p['pilot_id']} {p['name']}: controls", ", ".join(
        f"{c['district_id']} {c['name']} (distance {c['distance']:.2f})" for c in p["controls"]))
print("method:", record["method"]["name"], "| run", record["results"]["run_id"], "|", record["code"])
try:
    choose(RESULTS, ",".join(pilots), monitoring)
except Exception as exc:
    print("second choose refused:", type(exc).__name__)""",
    ),
    (
        "md",
        """## 3. Balance / Équilibre

Standardised difference = (pilot - mean of its controls) / standard deviation over the districts.
Within ±0.25 (dashed) a variable is balanced; a pilot unlike any other district shows it here,
before any effect is estimated.""",
    ),
    (
        "code",
        """balance = pd.read_csv(monitoring / "balance.csv")
limit = rules()["max_standardised_difference"]
fig, ax = plt.subplots(figsize=(8, 4))
variables = list(dict.fromkeys(balance["variable"]))
y = np.arange(len(variables))
for k, (pilot, rows) in enumerate(balance.groupby("pilot_id", sort=False)):
    rows = rows.set_index("variable").loc[variables]
    ax.plot(rows["standardised_difference"], y + 0.15 * k, "o", label=pilot)
ax.axvline(0, color="black", linewidth=0.8)
for x in (-limit, limit):
    ax.axvline(x, color="grey", linestyle="--", linewidth=0.8)
ax.set_yticks(y, variables)
ax.set_xlabel("standardised difference, pilot vs controls / différence standardisée")
ax.set_title("Balance of pilots and their controls / Équilibre pilotes-témoins")
ax.legend()
plt.tight_layout()
balance.assign(balanced=balance["standardised_difference"].abs() <= limit)""",
    ),
    (
        "md",
        """## 4. Modelled observations with a known effect / Observations modélisées, effet connu

Emissions per resident of every pilot and control, 2022-2031, start from the run's value, fall by
0.08 t a year, share yearly shocks (a cold winter, prices: sd 0.10 t) and have their own noise
(sd 0.05 t). From 2028 the pilots' emissions are **0.40 t CO2e per resident lower**: the effect
to recover. The modelled trend is the same in tonnes for pilot and controls (parallel trends, the
assumption of difference-in-differences); a pilot far from its controls (see the balance table)
is where that assumption is least safe in real data. A second KPI, the heat-pump share, is
observed only in 2027-2029, too few years to conclude.""",
    ),
    (
        "code",
        """TRUE_EFFECT = -0.40
KPI = "ghg_per_resident"  # ids and units of the KPI registry
rng = np.random.default_rng(2028)
years = np.arange(2022, 2032)
shocks = rng.normal(0.0, 0.10, len(years))
start = run.districts.set_index("district_id")["ghg_per_capita_tco2e_a"]
areas = {p["pilot_id"]: [c["district_id"] for c in p["controls"]] for p in record["pilots"]}
rows = []
for pilot, controls in areas.items():
    for area in [pilot, *controls]:
        path = start[area] - 0.08 * (years - 2022) + shocks + rng.normal(0.0, 0.05, len(years))
        if area == pilot:
            path = path + np.where(years >= 2028, TRUE_EFFECT, 0.0)
        level = "test_district" if area == pilot else "district"
        rows += [
            {"kpi_id": KPI, "level": level, "area_id": area, "year": int(y), "value": round(float(v), 4),
             "unit": "t CO2e/resident/a", "source": "modelled for notebooks/monitoring.ipynb", "note": ""}
            for y, v in zip(years, path, strict=True)
        ]
        rows += [
            {"kpi_id": "heat_pump_share", "level": level, "area_id": area, "year": y,
             "value": round(5.0 + 2.0 * (y - 2027) + (5.0 if area == pilot and y >= 2028 else 0.0)
                            + rng.normal(0.0, 1.0), 2),
             "unit": "%", "source": "modelled for notebooks/monitoring.ipynb", "note": ""}
            for y in (2027, 2028, 2029)
        ]
observed = pd.DataFrame(rows)
observed.to_csv(WORK / "observed.csv", index=False)
observed.head()""",
    ),
    (
        "md",
        """## 5. The effect and its interval / L'effet et son intervalle

Difference-in-differences with district and year fixed effects, 90 % interval; an effect is read
only with at least 3 years before the pilot, 1 from it and 2 controls observed every year.""",
    ),
    (
        "code",
        """result = estimate(monitoring, WORK / "observed.csv", 2028)
effects = result.effects
for row in effects.itertuples():
    if row.kpi_id == KPI:
        print(f"{row.pilot_id}: true effect {TRUE_EFFECT:.3f}, estimate {row.estimate:.3f} "
              f"(90 % interval {row.low:.3f} to {row.high:.3f}), conclusive {row.conclusive}")
for row in effects.itertuples():
    print(row.note_en)
    print(row.note_fr)
effects[["pilot_id", "kpi_id", "estimate", "low", "high", "n_pre", "n_post", "conclusive"]]""",
    ),
    (
        "code",
        """fig, axes = plt.subplots(1, len(areas), figsize=(6 * len(areas), 4), squeeze=False)
series = observed[observed["kpi_id"] == KPI].pivot(index="year", columns="area_id", values="value")
for ax, (pilot, controls) in zip(axes[0], areas.items(), strict=True):
    pre = series.index < 2028
    ctrl = series[controls].mean(axis=1)
    # what the pilot would have done without the pilot: its pre-level plus the controls' change
    counterfactual = series.loc[pre, pilot].mean() + ctrl - ctrl[pre].mean()
    ax.plot(series.index, series[pilot], "o-", color="tab:red", label=f"pilot {pilot}")
    ax.plot(series.index, ctrl, "s-", color="tab:blue", label="mean of controls / moyenne des témoins")
    ax.plot(series.index, counterfactual, "--", color="tab:red", alpha=0.5,
            label="pilot without the pilot / sans le pilote")
    row = effects[(effects["pilot_id"] == pilot) & (effects["kpi_id"] == KPI)].iloc[0]
    ax.axvline(2027.5, color="grey", linewidth=0.8)
    ax.set_title(f"{pilot}: effect {row['estimate']:.2f} ({row['low']:.2f} to {row['high']:.2f})")
    ax.set_ylabel("t CO2e per resident / par habitant")
    ax.legend(fontsize=8)
plt.tight_layout()""",
    ),
    (
        "md",
        """The heat-pump rows have one year before 2028: the estimate is printed, but `conclusive` is
false and the note says why (at least 3 years before the pilot are needed). `effects.csv` and
`effects.json` (provenance: the record, the observed file's SHA-256, the rule) are in the
monitoring folder beside `controls.json` and `balance.csv`.""",
    ),
    (
        "code",
        """print(sorted(p.name for p in monitoring.iterdir()))
shutil.rmtree(WORK)  # the example's files were temporary""",
    ),
]


def build(cells: list[tuple[str, str]], path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
        for kind, src in cells
    ]
    nbformat.write(nb, path)


if __name__ == "__main__":
    build(SINKS, HERE / "sinks.ipynb")
    build(TEST_DISTRICTS, HERE / "test_districts.ipynb")
    build(MONITORING, HERE / "monitoring.ipynb")

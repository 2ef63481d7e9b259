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
2. How much does it remove each year, and what did land-use change since 2012 cost or gain?
3. Which land could remove more by 2030 and 2050, by which measure, and which parcels first?

Run `python3 tasks.py run` first (it builds `layers/` and `results/`). The numbers come from the
modelled sample region; with the real cadastre and land cover the same steps apply unchanged.""",
    ),
    (
        "code",
        """import json
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from minettgeo.land.tables import load_carbon_tables

RESULTS = Path(os.environ.get("MINETTGEO_RESULTS", "../results/current"))
LAYERS = Path(os.environ.get("MINETTGEO_LAYERS", "../layers"))
gpkg = RESULTS / "minettgeo.gpkg"
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
stocks""",
    ),
    (
        "code",
        """table = load_carbon_tables().pools
table["total_tc_ha"] = table.sum(axis=1)
table.loc[[311, 324, 321, 333, 211, 231, 112, 111, 121, 132]]""",
    ),
    (
        "md",
        """## 2. Annual removals and land-use change

Unlike InVEST, where an unchanged pixel removes nothing, a standing forest keeps growing: each
class removes carbon at its IPCC Tier 1 rate for its stand age (young stands faster). Land whose
class changed between the 2012 and 2024 maps is accounted by its stock difference instead
(losses are emissions, gains removals). The net flux enters the GPC inventory as AFOLU (V.2),
negative when the land is a sink, and always apart from gross emissions.""",
    ),
    (
        "code",
        """flux = communes.set_index("name")[
    ["growth_removal_tco2_a", "luc_removal_tco2_a", "luc_emission_tco2_a", "land_net_flux_tco2_a", "land_changed_ha"]
].sort_values("land_net_flux_tco2_a")
flux.loc["Region"] = flux.sum()
flux""",
    ),
    (
        "code",
        """inventory = json.loads((RESULTS / "gpc_inventory.json").read_text())
totals = pd.DataFrame(inventory["totals"]).set_index("name")
totals[["basic_tco2e", "basic_plus_tco2e", "afolu_removals_tco2e", "basic_plus_net_tco2e"]].loc[["Region"]]""",
    ),
    (
        "md",
        """The region's land removes a few percent of its gross emissions: sinks matter for neutrality
in 2050, but they cannot replace cutting emissions.

## 3. Sink potential to 2030 and 2050

Rules say which land may change into what: mining land and brownfields into forest (outside the
nature reserves, whose open dry grassland is protected) or grassland (inside them), sealed yards
into urban green, field edges into hedgerows, arable land into agroforestry, streets into tree
rows. Growth curves turn each change into removals per year.""",
    ),
    (
        "code",
        """measures = pd.read_csv(RESULTS / "sink_measures.csv")
by_measure = measures.groupby("measure")[["area_ha", "potential_2030_tco2_a", "potential_2050_tco2_a", "cumulative_2050_tco2"]].sum()
by_measure.sort_values("cumulative_2050_tco2", ascending=False)""",
    ),
    (
        "code",
        """top_districts = districts.set_index("name")[
    ["sink_area_ha", "sink_potential_2030_tco2_a", "sink_potential_2050_tco2_a", "sink_cumulative_2050_tco2", "sink_potential_2050_tco2_ha_a"]
].sort_values("sink_cumulative_2050_tco2", ascending=False)
top_districts.head(10)""",
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
The same functions as `minettgeo run`, on the parcels' class areas, with a later start year.""",
    ),
    (
        "code",
        """from minettgeo.land.carbon import LandInputs, class_area_table, joint_areas
from minettgeo.land.potential import sink_potential
from minettgeo.land.tables import sealed_shares

region_parcels = gpd.read_file(LAYERS / "region.gpkg", layer="parcels")
protected = gpd.read_file(LAYERS / "region.gpkg", layer="protected_areas")
buildings = gpd.read_file(LAYERS / "region.gpkg", layer="buildings")
footprint_ha = buildings.geometry.area.groupby(buildings["parcel_id"]).sum() / 1e4
classes = class_area_table(joint_areas(LandInputs(LAYERS / "landcover.tif"), region_parcels, "parcel_id"))
tables = load_carbon_tables()
rows = []
for start in (2026, 2030, 2035):
    result = sink_potential(region_parcels, classes, footprint_ha, protected, tables, sealed_shares(), start_year=start)
    rows.append({"start": start, "cumulative_2050_kt_co2": result.parcels["sink_cumulative_2050_tco2"].sum() / 1e3})
pd.DataFrame(rows).set_index("start")""",
    ),
    (
        "md",
        """Rasters for maps: `results/current/carbon_stock.tif` (t C/ha) and `results/current/sink_potential.tif`
(t CO2/ha a in 2050) are Cloud-Optimised GeoTIFFs on the 10 m land-cover grid; the `parcels`,
`districts` and `communes` layers of `results/current/minettgeo.gpkg` carry every column shown here.""",
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

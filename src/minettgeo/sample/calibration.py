"""The realised figures of a built sample region a user checks it against (population per
commune, heating and period shares, parcel sizes, land cover); also written to the manifest."""

from __future__ import annotations

import json

import numpy as np

from minettgeo.layers.codes import CLC_LEVEL3, LANDCOVER_NODATA, RESIDENTIAL_USES
from minettgeo.sample.sample_region import SampleRegion


def calibration_summary(sample: SampleRegion) -> dict[str, object]:
    """The realised figures a user checks the sample against (also written to the manifest)."""
    b, c, p = sample.buildings, sample.communes, sample.parcels
    res = b[b["use"].isin(list(RESIDENTIAL_USES))]
    dwellings = res.groupby(res["parcel_id"].str[:4])["dwellings"].sum()
    per_commune = c.set_index("lau2")[
        ["name", "population", "household_size", "vacancy_rate"]
    ].copy()
    per_commune["dwellings"] = dwellings.reindex(per_commune.index).fillna(0).astype(int)
    per_commune["modelled_population"] = (
        per_commune["dwellings"] * (1 - per_commune["vacancy_rate"]) * per_commune["household_size"]
    ).round(1)
    per_commune["population_error_pct"] = (
        100 * (per_commune["modelled_population"] / per_commune["population"] - 1)
    ).round(3)
    by_dwelling = res.groupby("heating_carrier")["dwellings"].sum()
    period = res.groupby("construction_period")["dwellings"].sum()
    values, counts = np.unique(
        sample.landcover[sample.landcover != LANDCOVER_NODATA], return_counts=True
    )
    land = {
        f"{v} {CLC_LEVEL3.get(int(v), '?')}": round(100 * n / counts.sum(), 2)
        for v, n in zip(values, counts, strict=True)
    }
    return {
        "counts": {k: len(v) for k, v in sample.vectors.items()},
        "residential_buildings": len(res),
        "dwellings": int(res["dwellings"].sum()),
        "mean_dwelling_area_m2": round(
            float(res["heated_area_m2"].sum() / res["dwellings"].sum()), 1
        ),
        "population_check": json.loads(per_commune.reset_index().to_json(orient="records")),
        "heating_share_of_dwellings_pct": (100 * by_dwelling / by_dwelling.sum())
        .round(1)
        .to_dict(),
        "period_share_of_dwellings_pct": (100 * period / period.sum()).round(1).to_dict(),
        "parcel_area_median_m2_by_form": p.groupby("urban_form")["area_m2"]
        .median()
        .round(0)
        .to_dict(),
        "landcover_share_pct": land,
        "parcel_area_vs_commune_area": round(float(p["area_m2"].sum() / c.geometry.area.sum()), 9),
    }

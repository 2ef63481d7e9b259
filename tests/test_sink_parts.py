"""The sink potential's parts by hand: growth curves, upper-bound rates, protected shares,
observed baselines, the eligible amount of every kind of rule, the per-parcel totals and
ranks, the start year; and the Monte Carlo of the land with certain parameters (every draw is
the central value, so the draws can be checked by hand)."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from minettgeo import CRS
from minettgeo.errors import ParameterError
from minettgeo.land.carbon import central_parameters
from minettgeo.land.potential import (
    DETAIL_COLUMNS,
    _codes,
    _names,
    additional_curve,
    baseline_rates,
    growth_curve,
    measure_lists,
    parcel_totals,
    protected_share,
    rule_claims,
    sink_potential,
    upper_parameters,
)
from minettgeo.land.tables import CarbonTables, load_carbon_tables
from minettgeo.land.uncertainty import (
    drawn_parameters,
    factor_draws,
    percentiles,
    potential_draws,
)

C = 44 / 12


def test_growth_curve_per_hectare() -> None:
    """young 2 + dead 0.5 before maturity (5 years), mature 1 after; soil 0.3 for 3 years;
    nothing before the start: t = -1 0, 0-2 2.8, 3-4 2.5, 5- 1."""
    params = {
        "biomass_rate_young": 2.0,
        "biomass_rate_mature": 1.0,
        "dead_rate_young": 0.5,
        "soil_rate": 0.3,
        "maturity_age": 5.0,
        "soil_years": 3.0,
    }
    curve = growth_curve(params, np.array([-1, 0, 2, 3, 4, 5, 6]))
    np.testing.assert_allclose(curve, [0.0, 2.8, 2.8, 2.5, 2.5, 1.0, 1.0])


def test_growth_curve_per_km_has_no_dead_wood() -> None:
    """per km: young 4, mature 3 (maturity 2 years), soil 1 for 1 year; dead wood not counted:
    t = 0 5, 1 4, 2 3."""
    params = {
        "biomass_rate_per_km": 4.0,
        "biomass_rate_mature_per_km": 3.0,
        "soil_rate_per_km": 1.0,
        "biomass_rate_young": 100.0,
        "biomass_rate_mature": 100.0,
        "soil_rate": 100.0,
        "dead_rate_young": 9.0,
        "maturity_age": 2.0,
        "soil_years": 1.0,
    }
    np.testing.assert_allclose(growth_curve(params, np.array([0, 1, 2]), per_km=True), [5, 4, 3])


def test_growth_curve_defaults() -> None:
    """Maturity and soil transition default to 20 years, missing rates to 0."""
    np.testing.assert_allclose(growth_curve({}, np.array([0, 30])), [0.0, 0.0])
    young_mature = {"biomass_rate_young": 1.0, "biomass_rate_mature": 2.0}
    np.testing.assert_allclose(growth_curve(young_mature, np.array([19, 20])), [1.0, 2.0])
    np.testing.assert_allclose(growth_curve({"soil_rate": 1.0}, np.array([19, 20])), [1.0, 0.0])
    np.testing.assert_allclose(
        growth_curve({"soil_rate_per_km": 1.0}, np.array([19, 20]), per_km=True), [1.0, 0.0]
    )


def test_upper_parameters_take_the_high_rates_only() -> None:
    """afforestation (rates_upper high): young 4.0, mature 2.745, dead 0.77, soil 1.22; the
    maturity age stays 20 (its high, 30, is not a rate). With 'value' nothing changes."""
    tables = load_carbon_tables()
    up = upper_parameters(tables, "afforestation_broadleaf")
    assert up["biomass_rate_young"] == 4.0 and up["biomass_rate_mature"] == 2.745
    assert up["dead_rate_young"] == 0.77 and up["soil_rate"] == 1.22
    assert up["maturity_age"] == 20.0
    assert tables.measures["afforestation_broadleaf"]["biomass_rate_young"] == 2.745  # unchanged
    hedge = upper_parameters(tables, "hedgerow")
    assert hedge["biomass_rate_per_km"] == 2.61 and hedge["soil_rate_per_km"] == 0.87
    assert hedge["biomass_rate_mature_per_km"] == 1.044 and hedge["hedge_width_m"] == 4.0
    value = tables.assumptions.assign(rates_upper="value")
    assert upper_parameters(replace(tables, assumptions=value), "hedgerow") == dict(
        tables.measures["hedgerow"]
    )


def test_protected_share_of_parcels() -> None:
    """A: half inside a reserve (0.5); B: wholly inside two overlapping reserves (1, not 2);
    C: away from them (0); D: touching a reserve along an edge (0); E: a 0.5 m2 parcel inside
    one (1)."""
    parcels = gpd.GeoDataFrame(
        geometry=[
            shapely.box(0, 0, 100, 100),
            shapely.box(200, 0, 300, 100),
            shapely.box(500, 0, 600, 100),
            shapely.box(0, 200, 100, 300),
            shapely.box(0, 400, 0.5, 401),
        ],
        crs=CRS,
    )
    reserves = gpd.GeoDataFrame(
        geometry=[
            shapely.box(50, -10, 150, 110),
            shapely.box(190, -10, 310, 110),
            shapely.box(160, -10, 400, 110),
            shapely.box(100, 200, 200, 300),
            shapely.box(-10, 390, 10, 410),
        ],
        crs=CRS,
    )
    np.testing.assert_allclose(protected_share(parcels, reserves), [0.5, 1.0, 0.0, 0.0, 1.0])
    np.testing.assert_array_equal(protected_share(parcels, reserves.iloc[:0]), [0] * 5)
    np.testing.assert_array_equal(protected_share(parcels, None), [0] * 5)  # type: ignore[arg-type]


def test_baseline_rates_by_class_and_protection() -> None:
    """Z1 (share 0.5: protected) 211: 1 t C/a on 2 ha -> 0.5. Unprotected 211: Z2 (no share
    known: 0) -3 on 1 ha and Z3 (0.49) 8 on 4 ha -> 5 / 5 = 1.0. 333 on 0 ha -> 0; 231 net
    source -2 on 1 ha -> 0 (never below 0); 333 in Z1 0.25 on 0.5 ha -> 0.5."""
    fluxes = pd.DataFrame(
        {
            "zone": ["Z1", "Z2", "Z3", "Z3", "Z3", "Z1"],
            "before": [211, 211, 211, 333, 231, 333],
            "area_ha": [2.0, 1.0, 4.0, 0.0, 1.0, 0.5],
            "net_removal_tc_a": [1.0, -3.0, 8.0, 0.0, -2.0, 0.25],
        }
    )
    rates = baseline_rates(fluxes, pd.Series({"Z1": 0.5, "Z3": 0.49}))["rate"]
    assert rates.to_dict() == {
        (211, False): 1.0,
        (211, True): 0.5,
        (231, False): 0.0,
        (333, False): 0.0,
        (333, True): 0.5,
    }
    empty = baseline_rates(fluxes.iloc[:0], pd.Series(dtype=float))
    assert list(empty.columns) == ["rate"] and empty.empty and empty["rate"].dtype == float


def test_codes_and_names_of_a_rule() -> None:
    assert _codes("131; 132;") == [131, 132] and _codes(" * ") is None and _codes("") is None
    assert _names("green; forest ;") == ["green", "forest"] and _names("*") is None
    assert _names(" ") is None


# ------------------------------------------------------------------ eligible amounts

PARCELS = gpd.GeoDataFrame(
    {
        "zoning": ["green", "agricultural", "public"],
        "urban_form": ["slag_heap", "farmland", "street"],
    },
    geometry=[
        shapely.box(0, 0, 100, 100),  # 1 ha, perimeter 0.4 km
        shapely.box(0, 0, 200, 50),  # 1 ha, perimeter 0.5 km
        shapely.box(0, 0, 50, 40),  # 0.2 ha
    ],
    crs=CRS,
)
AREAS = pd.DataFrame(
    {132: [0.8, 0.0, 0.0], 211: [0.2, 0.7, 0.0], 511: [0.0, 0.3, 0.0], 122: [0.0, 0.0, 0.2]}
)
FOOTPRINT = np.array([0.0, 0.1, 0.05])
PSHARE = np.array([0.6, 0.0, 0.5])  # protected: p0 and p2 (0.5 counts)
BASELINE = pd.DataFrame(
    {"rate": [1.0, 0.4, 0.5, 2.0]},
    index=pd.MultiIndex.from_tuples(
        [(132, True), (132, False), (211, False), (211, True)], names=["before", "protected"]
    ),
)
RULES = pd.DataFrame(
    [
        ("afforestation_broadleaf", "132;211", "*", "any", 0.5, 0.5, "area"),
        ("grassland_restoration", "*", "green", "only", 0.1, 1.0, "area"),
        ("unsealing_green", "122;211", "*", "any", 0.0, 0.2, "sealed_area"),
        ("hedgerow", "*", "*", "any", 1.0, 0.25, "perimeter"),
        ("hedgerow", "511", "agricultural", "any", 0.0, 1.0, "stream_bank"),
        ("street_trees", "*", "public", "any", 0.0, 0.3, "street_area"),
        ("agroforestry", "211", "*", "exclude", 0.0, 0.1, "area"),
    ],
    columns=["measure", "from_codes", "zoning", "protected", "min_patch_ha", "share", "basis"],
)


def _claims(tables: CarbonTables, parcels: gpd.GeoDataFrame = PARCELS) -> list:
    return rule_claims(
        parcels, AREAS, FOOTPRINT, PSHARE, replace(tables, rules=RULES), {122: 0.8}, BASELINE, 10.0
    )


def test_eligible_amount_of_every_kind_of_rule() -> None:
    """Per parcel p0, p1, p2 (eligible x share):
    - afforestation, codes 132 + 211: 1.0, 0.7, 0 (below the 0.5 ha patch) x 0.5; baseline
      p0 (protected) (0.8 x 1.0 + 0.2 x 2.0) / 1.0 = 1.2, p1 (0.7 x 0.5) / 0.7 = 0.5;
    - grassland, every code, zoned green, protected only: p0 1.0 (p2 is protected but not
      green); baselines 1.2, p1 (0.7 x 0.5 + 0.3 x 0) / 1.0 = 0.35, p2 0 (no rate for 122);
    - unsealing of 122 (sealed 0.8) and 211 (no sealed share: 0): p2 0.2 x 0.8 - 0.05
      buildings = 0.11 x 0.2 = 0.022; p1 0 - 0.1 -> 0;
    - hedges on the edges of parcels of 1 ha or more: p0 0.4 km, p1 0.5 km x 0.25 (p2 is
      0.2 ha), 0.4 ha per km (4 m wide);
    - riparian hedges: 2 banks x 0.3 ha / 10 m = 0.6 km;
    - street trees on the street parcel p2: 0.2 ha x 0.3;
    - agroforestry, 211 outside reserves: p1 0.7 x 0.1."""
    tables = load_carbon_tables()
    claims = _claims(tables)
    assert [c.measure for c in claims] == RULES["measure"].tolist()
    eligible = [
        [0.5, 0.35, 0.0],
        [1.0, 0.0, 0.0],
        [0.0, 0.0, 0.022],
        [0.1, 0.125, 0.0],
        [0.0, 0.6, 0.0],
        [0.0, 0.0, 0.06],
        [0.0, 0.07, 0.0],
    ]
    for claim, expected in zip(claims, eligible, strict=True):
        np.testing.assert_allclose(claim.eligible, expected, atol=1e-12, err_msg=claim.measure)
    np.testing.assert_allclose(claims[0].baseline, [1.2, 0.5, 0.0])
    np.testing.assert_allclose(claims[1].baseline, [1.2, 0.35, 0.0])
    np.testing.assert_allclose(claims[4].baseline, [0.0, 0.0, 0.0])
    assert [c.per_km for c in claims] == [False, False, False, True, True, False, False]
    assert [c.ha_per_unit for c in claims] == [1.0, 1.0, 1.0, 0.4, 0.4, 1.0, 1.0]
    assert [c.priority for c in claims] == [1, 2, 5, 4, 4, 6, 3]


def test_street_area_without_urban_forms_is_every_parcel() -> None:
    """Without an urban_form column every parcel counts as street: street trees on p2 only
    because of its zoning (public), 0.2 ha x 0.3."""
    claims = _claims(load_carbon_tables(), PARCELS.drop(columns=["urban_form"]))
    np.testing.assert_allclose(claims[5].eligible, [0.0, 0.0, 0.06])
    public = PARCELS.drop(columns=["urban_form"]).assign(zoning="public")
    np.testing.assert_allclose(_claims(load_carbon_tables(), public)[5].eligible, [0.3, 0.3, 0.06])
    # with urban forms only the street parcel p2 counts, whatever the zoning
    forms = PARCELS.assign(zoning="public")
    np.testing.assert_allclose(_claims(load_carbon_tables(), forms)[5].eligible, [0.0, 0.0, 0.06])


def test_minimum_patch_of_sealed_and_street_areas() -> None:
    """Unsealing needs 0.2 ha: p2's 0.11 ha is not enough; street trees need 0.2 ha: p2's
    0.2 ha street is (at the bound)."""
    rules = RULES.copy()
    rules.loc[rules["basis"].isin(["sealed_area", "street_area"]), "min_patch_ha"] = 0.2
    tables = replace(load_carbon_tables(), rules=rules)
    claims = rule_claims(PARCELS, AREAS, FOOTPRINT, PSHARE, tables, {122: 0.8}, BASELINE, 10.0)
    np.testing.assert_allclose(claims[2].eligible, [0.0, 0.0, 0.0])
    np.testing.assert_allclose(claims[5].eligible, [0.0, 0.0, 0.06])


def test_hedge_width_sets_the_hectares_per_km() -> None:
    """5 m wide: 1 km x 5 m = 0.5 ha; no width given: 4 m, 0.4 ha."""
    tables = load_carbon_tables()
    wide = {**tables.measures, "hedgerow": {**tables.measures["hedgerow"], "hedge_width_m": 5.0}}
    claims = _claims(replace(tables, measures=wide))
    assert [claims[3].ha_per_unit, claims[4].ha_per_unit] == [0.5, 0.5]
    bare = dict(tables.measures["hedgerow"])
    del bare["hedge_width_m"]
    claims = _claims(replace(tables, measures={**tables.measures, "hedgerow": bare}))
    assert [claims[3].ha_per_unit, claims[4].ha_per_unit] == [0.4, 0.4]


def test_an_unknown_basis_is_refused() -> None:
    tables = load_carbon_tables()
    rules = RULES.assign(basis=["area"] * 6 + ["roofs"])
    with pytest.raises(ParameterError, match=r"sink rule for agroforestry: unknown basis 'roofs'"):
        rule_claims(
            PARCELS, AREAS, FOOTPRINT, PSHARE, replace(tables, rules=rules), {}, BASELINE, 10.0
        )


def test_additional_curve() -> None:
    """max(0, curve - baseline) after the start: curve 1, 2, 3 (started in years 2 and 3)."""
    got = additional_curve(np.array([1.0, 2.0, 3.0]), np.array([0.5, 2.5]), np.array([0, 1, 1.0]))
    np.testing.assert_allclose(got, [[0.0, 1.5, 2.5], [0.0, 0.0, 0.5]])


# ------------------------------------------------------------------ totals, ranks, start year


def test_measure_lists() -> None:
    got = measure_lists(pd.Series(["a", "a", "b", "a"]), pd.Series(["y", "x", "y", "y"]))
    assert got.to_dict() == {"a": "x;y", "b": "y"}
    assert measure_lists(pd.Series([], dtype=object), pd.Series([], dtype=object)).empty


def test_parcel_totals_policy_part_and_rank() -> None:
    """P1 (2 ha): land management 4 + policy 2 = 6 t CO2/a in 2050 -> 3 per ha; P2 (4 ha) 16
    -> 4 per ha; P4 (0.25 ha) 0.75 -> 3 per ha, ranked after P1 (same value, first come first);
    P5 (10 ha) 20 -> 2 per ha; P3 has no measure (0, rank 0)."""
    rows = [
        ("P1", "m_a", "land_management", 1.0, 2.0, 3.0, 4.0, 50.0, 6.0, 8.0, 100.0),
        ("P1", "m_b", "policy_dependent", 0.5, 1.0, 1.0, 2.0, 10.0, 2.0, 3.0, 20.0),
        ("P2", "m_a", "land_management", 2.0, 2.0, 0.0, 16.0, 1.0, 0.0, 16.0, 1.0),
        ("P4", "m_a", "land_management", 0.25, 0.25, 0.0, 0.75, 1.0, 0.0, 0.75, 1.0),
        ("P5", "m_b", "policy_dependent", 1.0, 1.0, 0.0, 20.0, 5.0, 0.0, 20.0, 5.0),
    ]
    detail = pd.DataFrame(
        rows,
        columns=[
            "parcel_id",
            "measure",
            "category",
            "area_ha",
            "area_upper_ha",
            "potential_2030_tco2_a",
            "potential_2050_tco2_a",
            "cumulative_2050_tco2",
            "potential_2030_upper_tco2_a",
            "potential_2050_upper_tco2_a",
            "cumulative_2050_upper_tco2",
        ],
    )
    pid = np.array(["P1", "P2", "P3", "P4", "P5"], dtype=object)
    out = parcel_totals(detail, pid, np.array([2.0, 4.0, 1.0, 0.25, 10.0]))
    assert list(out.index) == list(pid) and out.index.name == "parcel_id"
    p1 = out.loc["P1"]
    assert (p1["sink_area_ha"], p1["sink_area_upper_ha"]) == (1.5, 3.0)
    assert (p1["sink_potential_2030_tco2_a"], p1["sink_potential_2050_tco2_a"]) == (4.0, 6.0)
    assert p1["sink_cumulative_2050_tco2"] == 60.0
    assert p1["sink_potential_2030_upper_tco2_a"] == 8.0
    assert p1["sink_potential_2050_upper_tco2_a"] == 11.0
    assert p1["sink_cumulative_2050_upper_tco2"] == 120.0
    assert (p1["sink_policy_2050_tco2_a"], p1["sink_policy_cumulative_2050_tco2"]) == (2.0, 10.0)
    assert p1["sink_land_management_2050_tco2_a"] == 4.0
    assert p1["sink_measures"] == "m_a;m_b"
    np.testing.assert_allclose(out["sink_potential_2050_tco2_ha_a"], [3.0, 4.0, 0.0, 3.0, 2.0])
    assert out["sink_rank"].tolist() == [2, 1, 0, 3, 4] and out["sink_rank"].dtype == np.int64
    assert out.loc["P3", "sink_measures"] == "" and out.loc["P3", "sink_area_ha"] == 0.0
    assert out.loc["P5", "sink_land_management_2050_tco2_a"] == 0.0


def _heap() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"parcel_id": ["S"], "zoning": ["green"], "urban_form": ["slag_heap"]},
        geometry=[shapely.box(0, 0, 100, 100)],
        crs=CRS,
    )


NO_RESERVE = gpd.GeoDataFrame({"area_id": []}, geometry=[], crs=CRS)


@pytest.mark.parametrize(
    ("start", "p2030", "p2050", "cumulative", "up2030", "up2050"),
    [
        # t = 4 in 2030 (young 2.745 + dead 0.5 + soil 0.7 = 3.945), t = 24 in 2050 (1.54)
        (2026, 3.945, 1.54, 20 * 3.945 + 5 * 1.54, 5.99, 2.745),
        # t = 30 and 50: mature, soil done; 51 years: 20 young + 31 mature
        (2000, 1.54, 1.54, 20 * 3.945 + 31 * 1.54, 2.745, 2.745),
        # t = 0 in 2030: started; t = 20 in 2050: mature
        (2030, 3.945, 1.54, 20 * 3.945 + 1.54, 5.99, 2.745),
        # started after 2030: nothing in 2030; 2035-2050 young (16 years)
        (2035, 0.0, 3.945, 16 * 3.945, 0.0, 5.99),
        (2050, 0.0, 3.945, 3.945, 0.0, 5.99),
    ],
)
def test_the_start_year(
    start: int, p2030: float, p2050: float, cumulative: float, up2030: float, up2050: float
) -> None:
    """1 ha slag heap zoned green, afforestation (uptake 1), t C/a x 44/12; upper bound at the
    high rates (young 4.0 + dead 0.77 + soil 1.22 = 5.99, mature 2.745), maturity still 20."""
    result = sink_potential(
        _heap(),
        pd.DataFrame({132: [1.0]}, index=["S"]),
        pd.Series(dtype=float),
        NO_RESERVE,
        load_carbon_tables(),
        {},
        start_year=start,
    )
    detail = result.measures
    assert list(detail.columns) == DETAIL_COLUMNS
    row = detail.set_index("measure").loc["afforestation_broadleaf"]
    assert row["potential_2030_tco2_a"] == pytest.approx(p2030 * C)
    assert row["potential_2050_tco2_a"] == pytest.approx(p2050 * C)
    assert row["cumulative_2050_tco2"] == pytest.approx(cumulative * C)
    assert row["potential_2030_upper_tco2_a"] == pytest.approx(up2030 * C)
    assert row["potential_2050_upper_tco2_a"] == pytest.approx(up2050 * C)
    assert row["unit"] == "ha" and row["category"] == "land_management"


def test_two_parcels_and_an_upper_only_measure() -> None:
    """Heaps S (1 ha of 132) and T (0.6 ha): afforestation, cumulative 2026-2050 per parcel
    86.6 and 0.6 x 86.6 t C (upper (20 x 5.99 + 5 x 2.745) = 133.525 and 0.6 x that). With
    uptake_central 0 the measure is still listed (central 0, upper 1 ha)."""
    heaps = gpd.GeoDataFrame(
        {"parcel_id": ["S", "T"], "zoning": ["green"] * 2, "urban_form": ["slag_heap"] * 2},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(200, 0, 300, 100)],
        crs=CRS,
    )
    classes = pd.DataFrame({132: [1.0, 0.6]}, index=["S", "T"])
    tables = load_carbon_tables()
    result = sink_potential(heaps, classes, pd.Series(dtype=float), NO_RESERVE, tables, {})
    detail = result.measures
    assert detail["parcel_id"].tolist() == ["S", "T"] and list(detail.index) == [0, 1]
    np.testing.assert_allclose(detail["cumulative_2050_tco2"], [86.6 * C, 0.6 * 86.6 * C])
    np.testing.assert_allclose(
        detail["cumulative_2050_upper_tco2"], [133.525 * C, 0.6 * 133.525 * C]
    )
    none = tables.assumptions.copy()
    none.loc["afforestation_broadleaf", "uptake_central"] = 0.0
    upper_only = sink_potential(
        heaps, classes, pd.Series(dtype=float), NO_RESERVE, replace(tables, assumptions=none), {}
    )
    row = upper_only.measures.set_index("parcel_id").loc["S"]
    assert (row["amount"], row["amount_upper"]) == (0.0, 1.0)
    assert row["potential_2030_tco2_a"] == 0 and row["area_upper_ha"] == 1.0
    assert row["potential_2030_upper_tco2_a"] == pytest.approx(5.99 * C)


def test_hedges_in_km_and_their_hectares() -> None:
    """1 ha farm parcel (200 m x 50 m, perimeter 0.5 km) crossed by 0.3 ha of stream: field
    edges 0.5 x 0.25 = 0.125 km (upper), 0.0625 km central; banks 2 x 0.3 ha / 10 m = 0.6 km,
    0.3 km central; 0.4 ha per km. Upper 2030 per km at the high rates 2.61 + 0.87 = 3.48."""
    farm = gpd.GeoDataFrame(
        {"parcel_id": ["F"], "zoning": ["agricultural"], "urban_form": ["farmland"]},
        geometry=[shapely.box(0, 0, 200, 50)],
        crs=CRS,
    )
    result = sink_potential(
        farm,
        pd.DataFrame({231: [0.7], 511: [0.3]}, index=["F"]),
        pd.Series(dtype=float),
        NO_RESERVE,
        load_carbon_tables(),
        {},
    )
    hedges = result.measures[result.measures["measure"] == "hedgerow"].sort_values("amount")
    assert hedges["unit"].tolist() == ["km", "km"]
    np.testing.assert_allclose(hedges["amount"], [0.0625, 0.3])
    np.testing.assert_allclose(hedges["amount_upper"], [0.125, 0.6])
    np.testing.assert_allclose(hedges["area_ha"], [0.025, 0.12])
    np.testing.assert_allclose(hedges["area_upper_ha"], [0.05, 0.24])
    np.testing.assert_allclose(
        hedges["potential_2030_upper_tco2_a"], [0.125 * 3.48 * C, 0.6 * 3.48 * C]
    )


@pytest.mark.parametrize("start", [1999, 2051])
def test_a_start_year_outside_2000_2050_is_refused(start: int) -> None:
    with pytest.raises(ParameterError, match=rf"--sink-start .* 2000 and 2050, got {start}"):
        sink_potential(
            _heap(), pd.DataFrame({132: [1.0]}, index=["S"]), pd.Series(dtype=float),
            NO_RESERVE, load_carbon_tables(), {}, start_year=start,
        )  # fmt: skip


def test_given_protected_shares_and_missing_class_rows() -> None:
    """protected_by_parcel = 1 puts the heap in a reserve without a reserve layer: grassland
    (0.155 + 0.7 = 0.855 t C/(ha a) in 2030); a parcel without a class row gets nothing."""
    parcels = pd.concat([_heap(), _heap().assign(parcel_id="T")], ignore_index=True)
    result = sink_potential(
        gpd.GeoDataFrame(parcels, crs=CRS),
        pd.DataFrame({132: [1.0]}, index=["S"]),
        pd.Series(dtype=float),
        NO_RESERVE,
        load_carbon_tables(),
        {},
        protected_by_parcel=np.array([1.0, 1.0]),
    )
    assert result.parcels.loc["S", "sink_measures"] == "grassland_restoration"
    assert result.parcels.loc["S", "sink_potential_2030_tco2_a"] == pytest.approx(0.855 * C)
    assert result.parcels.loc["T", "sink_potential_2030_tco2_a"] == 0.0
    assert result.measures["parcel_id"].tolist() == ["S"]


# ------------------------------------------------------------------ Monte Carlo, certain inputs


def _certain(tables: CarbonTables) -> CarbonTables:
    """Every range collapsed on its value: each draw is the central value."""
    removal = tables.removal.assign(low=tables.removal["value"], high=tables.removal["value"])
    ranges = tables.measure_ranges.assign(
        low=tables.measure_ranges["value"], high=tables.measure_ranges["value"]
    )
    pools = tables.pool_ranges.assign(
        low=tables.pool_ranges["value"], high=tables.pool_ranges["value"]
    )
    return replace(tables, removal=removal, measure_ranges=ranges, pool_ranges=pools)


def test_drawn_parameters_of_certain_tables_are_the_central_ones() -> None:
    """Stocks (biomass = above + below + dead, soil apart) and rates, 3 identical draws; a range
    row of a code without a pool row is left out."""
    tables = _certain(load_carbon_tables())
    extra = pd.DataFrame({"lucode": [9999], "pool": ["above"], "value": [5.0]}).assign(
        low=5.0, high=5.0
    )
    tables = replace(tables, pool_ranges=pd.concat([tables.pool_ranges, extra], ignore_index=True))
    drawn = drawn_parameters(tables, 3, np.random.default_rng(0))
    central = central_parameters(tables)
    np.testing.assert_array_equal(drawn.codes, central.codes)
    for name in ("biomass", "soil", "rate"):
        got = getattr(drawn, name)
        assert got.shape == (len(getattr(central, name)), 3), name
        np.testing.assert_allclose(got, np.repeat(getattr(central, name)[:, None], 3, axis=1))
    row = list(central.codes).index(311)
    assert drawn.biomass[row, 0] == pytest.approx(100 + 24 + 15.4)
    assert drawn.soil[row, 0] == pytest.approx(81.0)


def _detail() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "parcel_id": ["A", "A2", "B", "C", "A", "B2"],
            "measure": ["afforestation_broadleaf"] * 2
            + ["hedgerow"] * 2
            + ["agroforestry", "afforestation_broadleaf"],
            "unit": ["ha", "ha", "km", "km", "ha", "ha"],
            "amount": [1.0, 2.0, 0.5, 1.0, 0.0, 1.0],
            "area_ha": [1.0, 2.0, 0.2, 0.4, 0.0, 1.0],
            "baseline_tc_ha_a": [1.0, 1.0, 0.5, 0.0, 0.0, 5.0],
        }
    )


@pytest.mark.parametrize(
    ("year", "start", "commune_1", "commune_2"),
    [
        # 2030, t = 4: afforestation 3 ha x (3.945 - 1.0) = 8.835; hedge 0.5 km x (1.16 +
        # 0.34 - 0.4 ha/km x 0.5) = 0.65
        (2030, 2026, 3 * (3.945 - 1.0), 0.5 * (1.16 + 0.34 - 0.2)),
        # 2050, t = 24: 3 x (1.54 - 1.0) = 1.62; hedge mature 0.2 - 0.2 = 0
        (2050, 2026, 3 * (1.54 - 1.0), 0.0),
        (2030, 2030, 3 * (3.945 - 1.0), 0.5 * (1.16 + 0.34 - 0.2)),  # t = 0: started
        (2030, 2040, 0.0, 0.0),  # not started yet
    ],
)
def test_potential_draws_of_certain_rates(
    year: int, start: int, commune_1: float, commune_2: float
) -> None:
    """A and A2 in commune 1, B and B2 in 2; C's commune is not reported; a zero amount is left
    out; B2's baseline (5 t C/(ha a)) is above the afforestation curve: it adds nothing. Every
    draw is the central value (t C/a x 44/12)."""
    tables = _certain(load_carbon_tables())
    commune_of = pd.Series({"A": "1", "A2": "1", "B": "2", "C": "9"})
    got = potential_draws(
        _detail(), commune_of, tables, ["1", "2"], year, start, 4, np.random.default_rng(0)
    )
    assert got.shape == (2, 4)
    np.testing.assert_allclose(got, [[commune_1 * C] * 4, [commune_2 * C] * 4], atol=1e-12)
    none = potential_draws(
        _detail().iloc[:0], commune_of, tables, ["1"], 2030, 2026, 3, np.random.default_rng(0)
    )
    np.testing.assert_array_equal(none, np.zeros((1, 3)))


def test_factor_draws_are_independent_per_parameter() -> None:
    """Two parameters with the same range get different draws (one uniform each), all inside
    [low, high]."""
    x = factor_draws([0.0, 0.0], [1.0, 1.0], [2.0, 2.0], 50, np.random.default_rng(3))
    assert x.shape == (2, 50) and not np.array_equal(x[0], x[1])
    assert x.min() >= 0.0 and x.max() <= 2.0


def test_percentile_columns() -> None:
    """Draws 1..5 of one commune: p05 1.2, p50 3, p95 4.8 (linear interpolation)."""
    table = percentiles(np.array([[1.0, 2.0, 3.0, 4.0, 5.0]]), ["a"], "y")
    assert list(table.columns) == ["lau2", "y_p05_tco2_a", "y_p50_tco2_a", "y_p95_tco2_a"]
    assert table["lau2"].tolist() == ["a", "region"]
    np.testing.assert_allclose(table.iloc[0, 1:].to_numpy(dtype=float), [1.2, 3.0, 4.8])

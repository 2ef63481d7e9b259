"""Derive the Luxembourg residential heat-need typology from neighbouring TABULA typologies.

Luxembourg has no TABULA/EPISCOPE building typology. This module derives one, per minettgeo
building type and construction period, from the national typologies of Germany, Belgium and
France (the countries bordering the Minett), and writes ``data/residential_typology.csv``.

Method (also in ``docs/factors.md``):

1. Keep the national *generic* example buildings in their *existing state* only: building code
   ``<CC>.N.<TYPE>.<NN>.Gen``, variant code ``<building type code>.ReEx.<NNN>.001``: real example
   building, building variant ``001`` = existing state (``002``/``003`` would be the usual/advanced
   refurbishment; the file holds none).
   Regional (``DE.East``), district, synthetic-average, social-housing and size-subtype rows
   (``Small``, ``Semi``, ``HR``, ``LightFrame``) are left out. The file's ``refurb_variant``
   column is *not* the refurbishment variant: it repeats the dataset number of the building code.
2. Map TABULA types to minettgeo uses: SFH -> single_family, TH -> terraced, MFH -> multi_family,
   AB -> apartment_block.
3. For each minettgeo period, weight each TABULA construction-year class of a country by its
   years of overlap with the period (open class bounds 0 and 9999 are read as 1800 and 2030).
   If a country has no class of the type overlapping the period, fall back to the neighbouring
   size class of the same country (AB <-> MFH, TH <-> SFH) and say so in the note.
4. ``value`` = mean of the per-country values (each country counts once); ``low``/``high`` =
   smallest/largest per-country value.

Run ``python -m minettgeo.factors.typology_derivation`` to rebuild the CSV.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: countries used: Luxembourg's neighbours with a TABULA typology (NL and AT are left out)
COUNTRIES: tuple[str, ...] = ("DE", "BE", "FR")

#: TABULA building-size class -> minettgeo building use
TYPE_MAP: dict[str, str] = {
    "SFH": "single_family",
    "TH": "terraced",
    "MFH": "multi_family",
    "AB": "apartment_block",
}

#: TABULA size class used when a country has no class of the wanted type for a period
FALLBACK: dict[str, str] = {"AB": "MFH", "MFH": "AB", "TH": "SFH", "SFH": "TH"}

#: minettgeo construction periods (code, first year, last year), as in ``layers.codes``
PERIODS: tuple[tuple[str, int, int], ...] = (
    ("before_1919", 1800, 1918),
    ("1919_1945", 1919, 1945),
    ("1946_1960", 1946, 1960),
    ("1961_1970", 1961, 1970),
    ("1971_1980", 1971, 1980),
    ("1981_1990", 1981, 1990),
    ("1991_2000", 1991, 2000),
    ("2001_2010", 2001, 2010),
    ("2011_2016", 2011, 2016),
    ("2017_2030", 2017, 2030),
)

#: TABULA column -> minettgeo quantity (both kWh per m2 reference floor area and year)
QUANTITIES: dict[str, str] = {"q_h_nd": "space_heating", "q_w_nd": "hot_water"}

UNIT = "kWh/(m2 a)"
SOURCE = (
    "TABULA/EPISCOPE residential building typologies DE, BE, FR (IWU and partners), existing "
    "state, via the tsib package episcope.csv; derived by minettgeo.factors.typology_derivation"
)
SOURCE_YEAR = 2016
FIRST_YEAR, LAST_YEAR = 1800, 2030

OUTPUT_COLUMNS = [
    "building_type",
    "construction_period",
    "quantity",
    "unit",
    "value",
    "low",
    "high",
    "source",
    "year",
    "note",
]

_GENERIC_CODE = r"^(?P<country>[A-Z]{2})\.N\.(?P<size>SFH|TH|MFH|AB)\.(?P<cls>\d{2})\.Gen$"


def select_generic_existing(tabula: pd.DataFrame) -> pd.DataFrame:
    """Rows of the national generic example buildings, existing state, for ``COUNTRIES``.

    Returns columns ``country, size, cls, year1, year2, q_h_nd, q_w_nd, q_ht_tr, q_ht_ve`` (kWh
    per m2 and year) with open class bounds clipped to ``FIRST_YEAR``/``LAST_YEAR``.
    """
    parts = tabula["Code_BuildingType"].astype(str).str.extract(_GENERIC_CODE)
    code = tabula["Code_BuildingVariant"].astype(str)
    # the variant code must extend the national type code (district examples reuse type codes)
    prefix = tabula["Code_BuildingType"].astype(str) + ".ReEx."
    is_real_example = pd.Series(
        [c.startswith(p) for c, p in zip(code, prefix, strict=True)], index=tabula.index
    )
    is_existing_state = code.str.split(".").str[-1] == "001"
    keep = (
        parts["country"].isin(COUNTRIES)
        & (parts["country"] == tabula["Code_Country"])
        & is_real_example
        & is_existing_state
    )
    rows = pd.DataFrame(
        {
            "country": parts.loc[keep, "country"],
            "size": parts.loc[keep, "size"],
            "cls": parts.loc[keep, "cls"],
            "year1": tabula.loc[keep, "Year1_Building"].clip(lower=FIRST_YEAR).astype(int),
            "year2": tabula.loc[keep, "Year2_Building"].clip(upper=LAST_YEAR).astype(int),
            "q_h_nd": tabula.loc[keep, "q_h_nd"].astype(float),
            "q_w_nd": tabula.loc[keep, "q_w_nd"].astype(float),
            "q_ht_tr": tabula.loc[keep, "q_ht_tr"].astype(float),
            "q_ht_ve": tabula.loc[keep, "q_ht_ve"].astype(float),
        }
    )
    if rows.duplicated(["country", "size", "cls"]).any():
        raise ValueError("TABULA input has more than one generic existing-state row per class")
    return rows.reset_index(drop=True)


def _overlap_years(rows: pd.DataFrame, first: int, last: int) -> pd.Series:
    """Years of each class inside [first, last], inclusive on both ends (0 if disjoint)."""
    lo = rows["year1"].clip(lower=first)
    hi = rows["year2"].clip(upper=last)
    return (hi - lo + 1).clip(lower=0)


def _country_value(
    rows: pd.DataFrame, country: str, size: str, first: int, last: int, column: str
) -> tuple[float, str]:
    """Overlap-weighted mean of one country for one size class; falls back to FALLBACK[size]."""
    for candidate in (size, FALLBACK[size]):
        sub = rows[(rows["country"] == country) & (rows["size"] == candidate)]
        weights = _overlap_years(sub, first, last)
        if weights.sum() > 0:
            value = float((sub[column] * weights).sum() / weights.sum())
            used = sub.loc[weights > 0]
            classes = "+".join(used["cls"])
            label = f"{country} {value:.1f} ({candidate} {classes})"
            if candidate != size:
                label += f" [no {size} class, fallback {candidate}]"
            return value, label
    raise ValueError(f"no TABULA class covers {country} {size} {first}-{last}")


def derive_typology(tabula: pd.DataFrame) -> pd.DataFrame:
    """Derive the minettgeo residential typology table from the TABULA heat-need table.

    ``tabula`` has the columns of ``sources/tabula_heat_need_DE_BE_FR_NL_AT.csv``. Returns one row
    per building type x construction period x quantity (4 x 10 x 2 = 80 rows) with the columns
    ``OUTPUT_COLUMNS``; ``value`` is the mean over ``COUNTRIES`` of each country's
    overlap-weighted class mean in kWh/(m2 a) of reference floor area, ``low``/``high`` the
    country minimum/maximum. Pure: no I/O.
    """
    rows = select_generic_existing(tabula)
    records = []
    for size, building_type in TYPE_MAP.items():
        for period, first, last in PERIODS:
            for column, quantity in QUANTITIES.items():
                values, labels = [], []
                for country in COUNTRIES:
                    value, label = _country_value(rows, country, size, first, last, column)
                    values.append(value)
                    labels.append(label)
                mean = sum(values) / len(values)
                records.append(
                    {
                        "building_type": building_type,
                        "construction_period": period,
                        "quantity": quantity,
                        "unit": UNIT,
                        "value": round(mean, 1),
                        "low": round(min(values), 1),
                        "high": round(max(values), 1),
                        "source": SOURCE,
                        "year": SOURCE_YEAR,
                        "note": (
                            f"TABULA {column}, mean of {len(values)} countries, classes weighted "
                            f"by years of overlap with {first}-{last}: " + "; ".join(labels)
                        ),
                    }
                )
    return pd.DataFrame.from_records(records, columns=OUTPUT_COLUMNS)


def refurbishment_anchors(
    tabula: pd.DataFrame, *, partial_cut: float = 0.26, deep_cut: float = 0.75
) -> pd.DataFrame:
    """Anchors for ``renovation_savings.csv`` from the heat balance of pre-1979 buildings.

    The TABULA file holds no refurbishment variants, so the saving of a renovation is estimated
    from the existing-state heat balance (``q_h_nd = q_ht_tr + q_ht_ve - gains``) of the generic
    DE/BE/FR buildings whose class ends before 1979: cutting transmission losses by a fraction
    ``cut`` while ventilation and gains stay saves ``cut * q_ht_tr / q_h_nd`` of the need.
    ``partial_cut`` 0.26 = windows and roof (about 40 % of transmission) losing about 65 % of
    their losses; ``deep_cut`` 0.75 = all elements insulated to U about 0.2-0.3 W/(m2 K). A
    third anchor compares each type's post-2010 need with its pre-1979 need in the derived
    typology. Returns one row per anchor with ``median``, ``min`` and ``max`` (fractions).
    """
    rows = select_generic_existing(tabula)
    old = rows[rows["year2"] <= 1978]
    ratio = old["q_ht_tr"] / old["q_h_nd"]
    typology = derive_typology(tabula)
    sh = typology[typology["quantity"] == "space_heating"]
    pre = sh[sh["construction_period"].isin([p for p, _, last in PERIODS if last <= 1980])]
    new = sh[sh["construction_period"].isin(["2011_2016", "2017_2030"])]
    new_vs_old = 1 - (
        new.groupby("building_type")["value"].mean() / pre.groupby("building_type")["value"].mean()
    )
    anchors = {
        "transmission_share_of_losses": old["q_ht_tr"] / (old["q_ht_tr"] + old["q_ht_ve"]),
        "partial_transmission_cut": partial_cut * ratio,
        "deep_transmission_cut": deep_cut * ratio,
        "new_build_vs_pre1979": new_vs_old,
    }
    return pd.DataFrame(
        [
            {"anchor": k, "median": v.median(), "min": v.min(), "max": v.max()}
            for k, v in anchors.items()
        ]
    )


def main() -> None:
    """Read the shipped TABULA source file and write ``data/residential_typology.csv``."""
    here = Path(__file__).parent
    tabula = pd.read_csv(
        here / "sources" / "tabula_heat_need_DE_BE_FR_NL_AT.csv",
        dtype={"refurb_variant": str},
    )
    out = derive_typology(tabula)
    out.to_csv(here / "data" / "residential_typology.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()

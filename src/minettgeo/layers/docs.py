"""Render the layer contracts as Markdown (``docs/layers.md``), so the doc cannot drift."""

from __future__ import annotations

from minettgeo import CRS
from minettgeo.layers.codes import CLC_LEVEL3, CONSTRUCTION_PERIODS
from minettgeo.layers.contracts import LANDCOVER, VECTOR_CONTRACTS, Column


def _allowed(col: Column) -> str:
    if col.allowed is not None:
        return ", ".join(f"`{k}`" for k in col.allowed)
    bounds = []
    if col.minimum is not None:
        bounds.append(f">= {col.minimum:g}")
    if col.maximum is not None:
        bounds.append(f"<= {col.maximum:g}")
    return " and ".join(bounds)


def _presence(col: Column) -> str:
    if col.derive is not None:
        return "derived when absent"
    if col.required:
        return "required" + (", may be empty" if col.nullable else "")
    return "optional"


def render_contracts() -> str:
    """Markdown for every layer contract and the land-cover raster."""
    out = [
        "# Layer contracts",
        "",
        "Generated from `src/minettgeo/layers/contracts.py` by `minettgeo contracts`; do not edit by hand.",
        "",
        f"Every layer is stored and computed in LUREF, **{CRS}** (metres); a layer in another CRS is",
        "reprojected on load (and the repair reported). `minettgeo validate PATH` checks a file against",
        "these contracts and lists every problem at once.",
        "",
    ]
    for contract in VECTOR_CONTRACTS.values():
        out += [
            f"## `{contract.name}`: {contract.title}",
            "",
            contract.description,
            "",
            f"Geometry: {' or '.join(contract.geometry_types)}. Identifier: `{contract.id_column}` (unique).",
            "",
            "| column | type | unit | presence | allowed values | meaning |",
            "|---|---|---|---|---|---|",
        ]
        for col in contract.columns:
            out.append(
                f"| `{col.name}` | {col.kind} | {col.unit} | {_presence(col)} | {_allowed(col)} | {col.description} |"
            )
        if contract.references:
            refs = ", ".join(
                f"`{c}` -> `{layer}.{idc}`" for c, (layer, idc) in contract.references.items()
            )
            out += ["", f"References: {refs}."]
        out.append("")
    out += [
        f"## `{LANDCOVER.name}`: {LANDCOVER.title}",
        "",
        LANDCOVER.description,
        "",
        f"Nodata: `{LANDCOVER.nodata}`. Codes (CORINE Land Cover level 3):",
        "",
        "| code | class |",
        "|---|---|",
        *[f"| {code} | {name} |" for code, name in CLC_LEVEL3.items()],
        "",
        "## Construction periods",
        "",
        "| code | first year | last year |",
        "|---|---|---|",
        *[f"| `{p.code}` | {p.first_year} | {p.last_year} |" for p in CONSTRUCTION_PERIODS],
        "",
    ]
    return "\n".join(out)

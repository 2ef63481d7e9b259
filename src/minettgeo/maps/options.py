"""What a map page needs besides the data (:class:`MapOptions`: language, URLs of the app's
routes, run id) and the display parameters of ``maps/data/map_parameters.csv``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from minettgeo.factors.table_files import read_table_csv
from minettgeo.maps import assets
from minettgeo.maps.i18n import Lang

PARAMETERS = resources.files("minettgeo.maps") / "data" / "map_parameters.csv"


def parameters() -> dict[str, float]:
    """The display parameters of ``maps/data/map_parameters.csv`` (value, unit, source)."""
    with resources.as_file(PARAMETERS) as path:
        table = read_table_csv(path, f"minettgeo ({path.name})")
    return dict(zip(table["parameter"], table["value"].astype(float), strict=True))


@dataclass(frozen=True)
class MapOptions:
    """What a page needs besides the data: language, URLs of the app's routes, the run id."""

    lang: Lang = "fr"
    static_prefix: str = assets.STATIC_PREFIX
    #: URL template of raster tiles with ``{raster}``; None draws no raster layer
    tiles_url: str | None = "/tiles/{raster}/{z}/{x}/{y}.png"
    ogc_items_url: str = "/ogc/collections/{collection}/items"
    run_id: str = ""
    links: Sequence[tuple[str, str]] = ()

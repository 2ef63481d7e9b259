"""What each layer of the sample region is: modelled or real, its source and licence, the
data-quality grades of its modelled attributes; written with every layer."""

from __future__ import annotations

from datetime import UTC, datetime

from minettgeo import CRS, __version__
from minettgeo.layers.codes import LANDCOVER_NODATA, RASTER_GRADE_TAG
from minettgeo.sample import landcover as lc
from minettgeo.sample.sample_region import SampleRegion

GENERATOR = f"minettgeo.sample {__version__}"
#: grades of the modelled layers (docs/data-quality.md): zoning from the modelled urban form and
#: owners drawn from shares are estimated, as are the modelled traffic of the OSM primaries and
#: the local network (class median x random spread) and the traction of the OSM lines (the
#: source has no flag: all taken as electric); the motorways' published AADT split by tabulated
#: class shares and the speeds from the table by class are documented defaults
SAMPLE_GRADES = {"zoning": "estimated", "owner_type": "estimated", "traction": "estimated"}


def layer_metadata(sample: SampleRegion) -> dict[str, dict[str, str]]:
    """Metadata written with every layer: modelled or real, source, licence, seed, generator."""
    common = {"generator": GENERATOR, "seed": str(sample.seed), "crs": CRS, "built_at": _now()}
    modelled = {
        **common,
        "modelled": "true",
        "note": "modelled sample layer: replace with the real product when available (see layers/README.md)",
    }
    return {
        "communes": {
            **common,
            "modelled": "false",
            "source": "boundaries: ACT, Limites administratives du Grand-Duché de Luxembourg (data.public.lu); "
            "population: STATEC 1.1.2024 (LUSTAT DF_X020)",
            "licence": "boundaries CC0; population STATEC open data (cite STATEC)",
            "modelled_columns": "household_size, vacancy_rate (layers/model/households.csv)",
        },
        "districts": {**modelled, "source": "minettgeo.sample.districts"},
        "parcels": {**modelled, "source": "minettgeo.sample.parcels"},
        "buildings": {
            **modelled,
            "source": "minettgeo.sample.buildings, calibrated in layers/model/*.csv",
        },
        "point_sources": {
            **modelled,
            "source": "minettgeo.sample.point_sources: layers/model/point_sources.csv "
            "(stated production x IPCC default intensities; not reported EU ETS figures)",
        },
        "roads": {
            **common,
            "modelled": "partly",
            "source": "rows with source='osm': OpenStreetMap highway=primary (2013), © OpenStreetMap contributors; "
            "rows with source='modelled': minettgeo.sample.roads",
            "licence": "OSM rows ODbL 1.0; modelled rows as minettgeo",
        },
        "landcover": {
            **modelled,
            RASTER_GRADE_TAG: "estimated",
            "source": "minettgeo.sample.landcover (CORINE Land Cover level-3 codes)",
            "nodata": str(LANDCOVER_NODATA),
            "year": str(lc.LANDCOVER_YEAR),
        },
        "landcover_before": {
            **modelled,
            RASTER_GRADE_TAG: "estimated",
            "source": "minettgeo.sample.landcover.previous_codes (CORINE Land Cover level-3 codes, earlier year)",
            "nodata": str(LANDCOVER_NODATA),
            "year": str(lc.PREVIOUS_YEAR),
        },
        "forest_age": {
            **modelled,
            "source": "minettgeo.sample.landcover.forest_age",
            "unit": "years",
            "nodata": str(lc.AGE_NODATA),
            "year": str(lc.LANDCOVER_YEAR),
        },
        "protected_areas": {
            **modelled,
            "source": "minettgeo.sample.landcover.protected_areas: reserve areas from ENV-MINIERES placed by the builder",
        },
        "rail": {
            **common,
            "modelled": "partly",
            "source": "OpenStreetMap railway lines (2013, gentringer/Geomatics LUX_rails.gml), © OpenStreetMap "
            "contributors, clipped to the communes; traction 'electric' is a stated assumption (the source has no flag)",
            "licence": "ODbL 1.0",
        },
    }


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()

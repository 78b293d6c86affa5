"""OZFS (Open Zoning Feed Specification): read, check, store and export zoning rules as data."""

from plans.ozfs.buildings import Building, read_building
from plans.ozfs.check import OZFS_REGISTRY, OzfsCheck, PreparedZoning, check_parcel, plot_of
from plans.ozfs.check_all import Town, check_all, load_town, result_rows, write_rows
from plans.ozfs.expressions import compile_expression
from plans.ozfs.fit import Placement, fit_rectangle
from plans.ozfs.reading import read_parcels, read_zoning

__all__ = [
    "OZFS_REGISTRY",
    "Building",
    "OzfsCheck",
    "Placement",
    "PreparedZoning",
    "Town",
    "check_all",
    "check_parcel",
    "compile_expression",
    "fit_rectangle",
    "load_town",
    "plot_of",
    "read_building",
    "read_parcels",
    "read_zoning",
    "result_rows",
    "write_rows",
]

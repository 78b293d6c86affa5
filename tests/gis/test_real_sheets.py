"""The real 1958 pattern sheets of issue 9, scored against their hand-traced truth."""

import dataclasses

import pytest

from gis.legend import Legend, PixelBox
from tests.gis.real_sheets import (
    letters_named_right,
    load_sheet,
    overruling_letters_kept,
    run_sheet,
)

# Measured 2026-12 (area accuracy, mean IoU, polygons / truth) with local spectra, key-seeded
# self-training and small regions merged by texture evidence: West Hartford 0.741, 0.396,
# 1.3x; Bloomfield 0.940, 0.832, 0.63x (before: 0.572, 0.270, 8.9x and 0.705, 0.532, 10.1x;
# stock tools 0.24, 0.10 and 0.53, 0.38). Bloomfield meets the targets (0.90, 0.80, 1.5x);
# West Hartford meets the polygon target only. The floors guard what is reached. With the
# last self-training fit trimmed (chi-square 0.99 of the previous model): West Hartford 0.740,
# 0.405, 1.3x; Bloomfield 0.939, 0.835, 0.70x. With streets inside a district training its
# class and classes without map support kept near their samples: West Hartford 0.795, 0.402,
# 0.9x; Bloomfield 0.939, 0.835, 0.6x. With the solid entry's districts found per pixel
# (Business 2 IoU 0 -> 0.48: its strips now exist, so there are more polygons, as in the
# truth): West Hartford 0.803, 0.455, 1.22x; Bloomfield 0.940, 0.841, 0.7x. With the blank
# entry seeded on ink and power only, the extent's edge cells classified, and edges flooded
# by scikit-image's watershed (scipy's let classes cross boundary lines): West Hartford
# 0.831, 0.463, 1.31x; Bloomfield 0.953, 0.849, 0.67x. With a map cell seeded only when it is
# nearer its sample than the nearest other sample is, and solid ink matched on ink and power:
# West Hartford 0.820, 0.462, 1.34x; Bloomfield 0.951, 0.846, 1.0x (seven more plain-paper
# pieces around the town centre's schools; the target is 1.5x, so the guard goes to 1.1x).
# With the zone letters read in their rings and giving their code to the cells of their
# region within a window (29 letters read on West Hartford, 27 inside a traced district of
# their code; Bloomfield prints none): West Hartford 0.824, 0.474, 1.34x (G 0 -> 0.14);
# Bloomfield unchanged. With a reading of "AA" no longer refused as a tie with "A" (its
# doubled letters collapsed): 31 letters, 29 right; 0.825, 0.475, 1.34x. The polygon guard
# goes to 1.4x (the target is 1.5x). With the streets (white corridors between two casings,
# no third line beyond) filled with the ink around them before the texture is read: West
# Hartford 0.873, 0.505, 1.26x (AA 0.42 -> 0.69, B 0.62 -> 0.71; G 0.14 -> 0.07); Bloomfield
# 0.952, 0.845, 0.97x. With a letter that touches its ring kept in the crop (an "AA" had
# been read as "A"): 31 letters, 30 right; the same scores. With plain-paper regions that
# mostly carry a neighbour's hatch lines given to it (gis.pattern_lined): West Hartford
# 0.883, 0.515, 1.15x (AAA 0.87 -> 0.91, AA 0.69 -> 0.72); Bloomfield 0.953, 0.845, 0.90x.
# With solid pieces down to a square a quarter window wide (were a quarter window's area) and
# streets between solid strips closed over: West Hartford 0.886, 0.538, 1.35x (Business 2
# 0.55 -> 0.77: its strips north of Park Road are blocks cut small by the cross streets);
# Bloomfield 0.955, 0.870, 0.97x (Business 2 0.59 -> 0.77). With a street carried on along
# its middle line where a hatch line runs close beside it: West Hartford 0.892, 0.547, 1.30x
# (AA 0.72 -> 0.75, B 0.70 -> 0.74); Bloomfield 0.955, 0.872, 0.97x. With the casings of
# streets a window long left out of the edge flood's ridges: West Hartford 0.895, 0.550,
# 1.30x; Bloomfield unchanged. With bold hatching found per pixel (gis.pattern_bold): West
# Hartford 0.898, 0.585, 1.43x (Business 1 0.22 -> 0.59: its districts are a block or two,
# each a polygon of the truth's own, so the polygon guard goes to the target, 1.5x);
# Bloomfield has no bold entry. With dotted boundaries joined into ridges for the edge flood
# (gis.pattern_dots): West Hartford 0.905, 0.594, 1.42x (B 0.75 -> 0.79, C 0.74 -> 0.76);
# Bloomfield 0.955, 0.871, 0.97x. With the lined test per orientation and band of spacing,
# and lined patches a window wide that touch their class given to it even where the paper
# region is mostly unlined: West Hartford 0.918, 0.602, 1.43x (AA 0.77 -> 0.81, AAA 0.91 ->
# 0.96); Bloomfield 0.952, 0.869, 0.97x (R-40 0.98 -> 0.97). With the zone letters given
# before the lined paper: West Hartford 0.919, 0.602, 1.43x. With cells whose window lies a
# fifth or more over a solid fill not confident (a hatching beside Business 2's strips read
# as Industrial's ladder): West Hartford 0.920, 0.613, 1.20x (Industrial 0.83 -> 0.91);
# Bloomfield 0.953, 0.871, 0.97x. With seeds only within half the distance from their sample
# to the nearest other entry's (Section 15's dot screen no longer teaches G), runs of cells no
# learned entry fits given to the unlearned entries in the last round, and the pattern beside
# a solid fill flooded without crossing the fill: West Hartford 0.926, 0.670, 1.07x (G 0.11 ->
# 0.40, Section 15 0 -> 0.39; the first two need each other: 0.610 or 0.619 without either;
# the third gives Business 2 0.70 -> 0.79 back, which the first had cost); Bloomfield 0.954,
# 0.870, 0.97x. With small stipples found dot by dot (gis.pattern_stipple): West Hartford
# 0.926, 0.716, 1.09x (Parking 0 -> 0.54: 690 of its 1,180 px, in both districts); Bloomfield
# has no stipple. With a street told from a hatch's gap by a line beyond that runs along it
# (the district's hatch meets the casings at an angle, and had hidden most streets across B
# and C), casings that run along the corridor (not the dots of a screen) and street pieces
# from a third of a window long: West Hartford 0.938, 0.730, 1.03x (AA 0.83 -> 0.86, B 0.77 ->
# 0.83, D 0.72 -> 0.75); Bloomfield 0.954, 0.870, 0.97x. With the cells a zone letter names
# kept as sure in the edge flood (three of West Hartford's ten overruling letters had lost
# their code to the flood around their small patch; one still does): 0.937, 0.731, 1.05x (G
# 0.45). With the far
# casing of a corridor whose middle lies off-centre no longer taken for a line beyond it:
# 0.939, 0.739, 1.01x without the letters' sure cells (G 0.51), 0.939, 0.734 with them all (G 0.44:
# a B letter's painting ran into a G district and held), and with them only within half a
# window of their letter: 0.940, 0.740, 1.03x (AA 0.87, B 0.85, C 0.80, D 0.77, G 0.51; ten
# of eleven overruling letters keep their code); Bloomfield 0.954, 0.870, 0.97x. With plain
# paper that carries the small marks of the unlearned entry whose samples stand out by them
# given to it (gis.pattern_marks: Section 15's scallop field, 25.8k px, read as paper and
# given to A by its arcs): West Hartford 0.942, 0.763, 1.04x (Section 15 0.39 -> 0.65, A 0.91
# -> 0.92); Bloomfield unchanged (its unlearned Business 1 carries no such marks). With those
# cells kept even on an edge (the G strip by Fern Street is two cells wide, so all its cells
# were on an edge and the flood gave it to B): West Hartford 0.943, 0.770, 1.05x (G 0.51 ->
# 0.59; eleven of eleven overruling letters keep their code); Bloomfield unchanged. With the
# edge band read per pixel by its lines' directions before the flood (gis.pattern_band):
# West Hartford 0.952, 0.783, 1.11x (AA 0.87 -> 0.90, B 0.85 -> 0.87, G 0.59 -> 0.63); Bloomfield
# 0.967, 0.887, 1.03x (R-15 0.83 -> 0.87, R-20 0.89 -> 0.93). Without the opening of its marks
# (half a period) they trace lines: West Hartford 0.954, 0.789 but 1.14x, Bloomfield 1.23x.
FLOORS = {
    "west-hartford-1958": (0.945, 0.775, 1.2),
    "bloomfield-1958": (0.955, 0.875, 1.1),
}
LETTERS = {"west-hartford-1958": 28, "bloomfield-1958": 0}  # zone letters read at least
# Entries whose key swatch matched no district's texture, named in the report's warnings.
UNMATCHED = {
    "west-hartford-1958": ["Section 15 Business", "Parking"],
    "bloomfield-1958": ["Business 1"],  # in the key, not on the map (nor in the truth)
}
# ... and found all the same, as the texture no learned entry fits, the paper carrying its
# small marks, or a stipple (IoU at least).
FOUND_UNMATCHED = {"west-hartford-1958": {"Section 15 Business": 0.6, "Parking": 0.45}}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_real_pattern_sheet_scores(shared_data, name):
    sheet = load_sheet(shared_data, name)
    result, score = run_sheet(sheet)
    accuracy, mean_iou, polygons = FLOORS[name]
    assert score.accuracy >= accuracy
    assert score.mean_iou >= mean_iou
    assert score.polygon_ratio <= polygons
    assert result.report["coverage"]["valid"]
    assert result.report["textures"]["unmatched"] == UNMATCHED[name]
    unmatched = [w for w in result.report["warnings"] if w.startswith("key entries")]
    assert len(unmatched) == bool(UNMATCHED[name])
    assert all(code in unmatched[0] for code in UNMATCHED[name])
    for code, least in FOUND_UNMATCHED.get(name, {}).items():
        assert score.iou[code] >= least
    read, right = letters_named_right(result, sheet.truth)
    assert read >= LETTERS[name]
    assert right >= 0.9 * read  # a letter lies in a traced district of the code it was read as
    overruled = [z for z in result.report["zone_labels"] if z["texture"] not in (z["code"], None)]
    noted = [w for w in result.report["warnings"] if "zone letter(s) named another zone" in w]
    if overruled:  # West Hartford's G letters sit in a fine cross-hatch the texture reads as C
        assert len(noted) == 1 and noted[0].startswith(f"{len(overruled)} zone letter(s)")
    else:
        assert not noted
    overruling, kept = overruling_letters_kept(result)
    assert overruling == len(overruled) and kept == overruling  # every letter keeps its code


# Legend by example: a planner who sees that an entry's key swatch is unlike its districts
# adds a patch of one of them, on the map, to its samples. West Hartford's Section 15 key
# swatch shows scallops over dots and its districts a plain dot screen; G's fine cross-hatch
# is read as C. With one patch each (boxes picked on the scan inside a Section 15 and a G
# district), measured: 0.923, 0.663, 1.15x (Section 15 0 -> 0.41, G 0.11 -> 0.35); the
# key-only figures above stay the issue's. Parking's two districts are under a window: a
# box that fits one (38 x 32 px) holds its edges too, and that class became a catch-all
# (0.702 area accuracy), so a planner gets no help there yet. Since the key alone finds
# Section 15 (as the texture no learned entry fits) and G (0.926, 0.670, 1.07x): with the
# patches 0.927, 0.677, 1.05x, G 0.40 -> 0.51 but Section 15 0.39 -> 0.34 (its patch makes it
# a learned class, from the few cells within half its seeding ball, and the unfitted dot
# screen no longer falls to it whole); the guard follows: more for G, less for Section 15.
# With small stipples found dot by dot: 0.927, 0.722, 1.08x (Parking 0.54 here too). With the
# streets told from hatch gaps by lines along them and the letters' cells sure in the edge
# flood: 0.934, 0.724, 1.08x; G 0.45 with the patches or without (the key alone now finds
# what the G patch taught: its largest district by texture, another by its letter), Section
# 15 0.40 -> 0.34 as before. With the far casing fix and letters sure within half a window:
# 0.940, 0.734, 1.01x; G 0.46 (0.51 with the key alone), Section 15 0.35. Section 15's
# patch makes it a learned entry, so its scallop field is not given to it as marked paper
# (0.65 with the key alone): the guard stays as it was for Section 15.
MAP_PATCHES = {
    "Section 15 Business": PixelBox(1170, 2900, 1230, 2960),
    "G": PixelBox(1690, 1540, 1730, 1600),
}


def test_map_patches_teach_entries_whose_key_swatch_is_unlike_their_districts(shared_data):
    sheet = load_sheet(shared_data, "west-hartford-1958")
    entries = tuple(
        dataclasses.replace(entry, samples=(*entry.samples, MAP_PATCHES[entry.code]))
        if entry.code in MAP_PATCHES
        else entry
        for entry in sheet.legend.entries
    )
    _, score = run_sheet(dataclasses.replace(sheet, legend=Legend(entries)))
    assert score.iou["Section 15 Business"] >= 0.3 and score.iou["G"] >= 0.45
    assert score.accuracy >= 0.92 and score.mean_iou >= 0.71 and score.polygon_ratio <= 1.5

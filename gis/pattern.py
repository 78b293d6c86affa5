"""Classify a black-and-white pattern sheet by texture learned from the legend's samples."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from rasterio.features import sieve
from scipy import ndimage

from gis.errors import ClassifyError
from gis.legend import Legend
from gis.pattern_band import line_energy
from gis.pattern_edges import boundary_ridges, keep_solid_ink, refine_edges
from gis.pattern_ink import read_ink
from gis.pattern_labels import (
    ZoneLabel,
    classes_at,
    find_zone_labels,
    near_labels,
    paint_labels,
)
from gis.pattern_layers import (
    bold_layer,
    marked_paper_share,
    overlay,
    solid_layer,
    stipple_layer,
)
from gis.pattern_lined import (
    band_power,
    class_lines,
    unpaper_lined_cells,
    unpaper_lined_regions,
)
from gis.pattern_marks import give_marked_paper
from gis.pattern_model import TextureModel, seed_posteriors, self_train
from gis.pattern_regions import merge_small_regions, open_class
from gis.pattern_samples import blank_entry, fit_grids, sample_patches
from gis.pattern_solid import solid_class
from gis.pattern_streets import fill_streets, street_mask
from gis.raster import ArrayScan, Scan
from gis.strokes import stroke_half_width
from gis.texture import F32, InkLevels, TextureScale, reduce_blocks, upsample, window_share
from gis.texture_spectrum import SpectrumGrid, grid_spectra, patch_spectra
from gis.types import LabelArray, RGBImage

LABEL_REACH: Final = 1.0
"""How far a zone letter's evidence reaches around it, in analysis windows."""
LABEL_SURE: Final = 0.5
"""How far around it a zone letter's code is sure (not re-decided at the edges), in windows."""

_MARKER = 0.7  # smoothed posterior of the cells that seed the edge watershed
_MIN_REGION_WINDOWS: Final = 1.5  # a district covers at least this many analysis windows
_FILL_EDGE: Final = 0.2  # share of a window over solid fill past which it reads the fill's edge
_LINE_LEVEL = 0.25  # ridge height of a printed line (ink share) that stops an edge flood
_STREET_WINDOWS: Final = 3  # a street piece runs at least a window over this: names cut it


@dataclass(frozen=True, eq=False)
class PatternClassification:
    """Classified pixels of a pattern sheet (the counterpart of `gis.classify.Classification`).

    Attributes
    ----------
    labels
        (height, width) class values: 0 off the map, ``i + 1`` for ``codes[i]``.
    confidence
        (height, width) uint8 posterior of the chosen class (0..255), smoothed over the window.
    codes
        Zone code of each class value.
    model
        The texture model learned on the sheet.
    shares
        Fractions of the pixels ``outside``, ``refined`` (in the band where edges were snapped
        to printed lines) and ``sieved``.
    zone_labels
        The zone letters read inside districts (`gis.pattern_labels`).
    texture_at_labels
        For each letter, the code the texture gave its cell before the letters were used
        (None off the map): where it differs, the letter overruled the texture.
    """

    labels: LabelArray
    confidence: npt.NDArray[np.uint8]
    codes: tuple[str, ...]
    model: TextureModel
    shares: Mapping[str, float]
    zone_labels: tuple[ZoneLabel, ...] = ()
    texture_at_labels: tuple[str | None, ...] = ()


def classify_patterns(
    scan: Scan | RGBImage,
    legend: Legend,
    *,
    extent: npt.NDArray[np.bool_] | None = None,
    min_region_px: int = 64,
    rows: int = 1024,
    read_labels: bool = True,
) -> PatternClassification:
    """Classify every pixel of a black-and-white pattern sheet by the texture of its zone.

    1. Greyscale, paper tone and ink levels of the sheet; ink is measured against the local
       paper tone, so stains, yellowed paper and faint toner read alike. Streets (white
       corridors between two casing lines running along them, with no third such line
       beyond: a hatch meeting the casings at an angle is the district's), at least a
       third of a window long, are filled with the mean ink around them in the ink the
       texture is read from (`gis.pattern_streets`): their casings had made sparse
       hatching look cross-hatched or denser.
    2. Local power spectra of the ink on a grid of cells (`gis.texture_spectrum`): the
       share of the ink's variance in each orientation and band of spacing, the ink cover
       and its contrast; hatch direction and spacing, cross-hatch, dot screens, solid and
       blank each leave their own spectrum.
    3. Seeds: map cells seen through a window the size of the key's swatches are matched to
       the spectra of each sample box (a key swatch, or a patch of a district on the map
       that the planner added); only clear matches count, within half the distance from
       the sample to the nearest other entry's (`gis.pattern_model.seed_posteriors`).
    4. Self-training: a Gaussian model per entry is learned from the map cells it
       confidently holds (also where the posteriors averaged over three windows are
       confident, so the streets crossing a district widen its class), in a square window
       of about three pattern periods, and the map is classified again with it, posteriors
       averaged over a window of cells (streets, labels and parcel lines are small next to
       districts); three rounds. An entry that holds no map cells may only take the cells
       its samples clearly matched or lie near (`gis.pattern_model.self_train`), so that it
       does not become a catch-all; but in the last round, runs of cells a window and a half
       across that no learned entry fits may only take such entries: a texture the key did
       not show well (West Hartford's Section 15 districts, a dot screen without the key's
       scallops).
    5. Off the map: outside `extent`, or else plain paper connected to the sheet's edge.
    6. Regions: a run of cells of one class smaller than one and a half windows (a street,
       a label, a window straddling two districts) joins the neighbouring class with the
       most texture evidence over it (`gis.pattern_regions.merge_small_regions`); plain
       paper narrower than a window (windows over a boundary line) goes to the next
       likeliest class.
    7. Zone letters: the letters printed in rings inside districts are read by OCR,
       constrained to the legend's codes (`gis.pattern_labels`); a letter gives its code to
       the cells of its region within a window of it: a fine cross-hatch the texture model
       took for a coarser one gets its own code back where it is named. Within half a
       window of the letter its code stays, even on an edge at step 9 (else the band of
       uncertain cells around a small painted patch, or a strip narrower than the band,
       floods it from the neighbours); farther out, where the painting may have run past
       its district, the edges decide.
    8. Marked paper: where the entry whose samples carry far more small marks (dots,
       scallops: from 3 px to a pattern period long) than any other's holds no districts the
       model learned, runs of plain-paper cells a window and a half across carrying at least
       0.3 of its samples' share of such marks are its (`gis.pattern_marks`): West
       Hartford's Section 15 key prints scallops over a dot screen, one of its districts the
       scallops alone, which the windows read as paper. Lined paper: a plain-paper region
       most of whose cells carry the hatch lines of a neighbouring class (power in its
       orientation and band of spacing nearer its level than paper's) is that class's: a
       sparse hatching crowded by streets and names looks more like the broad paper class,
       learned on paper full of streets, than like its own open stretches. Where such a
       stretch is joined to true paper, the patches of lined cells a window wide that touch
       the class (or the cells its letters named) are its (`gis.pattern_lined`).
    9. Edges: in a band of half a window around every change of class, a watershed on the
       printed lines (a difference of Gaussians of the ink, less the casings of streets a
       window long or more: a district runs on across its streets) seeded by the confident
       cells moves the edge onto the boundary line or the pattern change
       (`gis.pattern_edges`); dotted boundaries are joined into lines for it
       (`gis.pattern_dots`). Cells whose window lies a fifth or more over a solid fill
       (step 11) are not confident: beside a fill the window sees bars, and took the
       hatching there for a ladder pattern. Before the flood, band pixels are read by
       their own lines (`gis.pattern_band`): the energy of the printed lines in eight
       directions and the ink, over about a pattern period, modelled per class on the
       confident pixels; a pixel whose model clearly leads every class marked within a
       window, typical of it and not near a bold stroke, seeds the flood with it. Where no
       line marks an edge the flood had stopped at the first street or hatch line.
    10. Bold hatching: where some key entries are printed in strokes clearly wider than all
        the others' (`gis.pattern_bold`), patches of such strokes (at least a third of a
        window long, closed over the gaps between them) are the bold entry whose samples'
        strokes run the same way, however small: such districts are often a block or two,
        under the smallest region a window can find.
    11. Solid fill: where one key entry is solid ink, ink areas wider than any stroke (or
        crossing of strokes) of the other entries' samples, and the white lines across and
        between them (up to the widest street), are that entry's, whatever the window
        said: a solid strip narrower than the window, crossed by streets, looks like a
        thick grid to it (`gis.pattern_solid`); and only those areas and the white they
        enclose are: what else the window gave the solid entry beside a fill is flooded
        from the neighbouring classes, without crossing the solid class
        (`gis.pattern_edges.keep_solid_ink`).
    12. Stipple: where a key entry is printed in fine dots apart, patches where such dots
        lie at least half as dense as in its samples (a map prints fainter than its
        key), with few larger marks among them, are that entry's when they are smaller than
        a window and a half (`gis.pattern_stipple`): a district that small is lost in its
        window, which sees mostly its neighbours (West Hartford's Parking, in a solid fill).
    13. Regions under `min_region_px` join their largest neighbour (GDAL sieve).

    Parameters
    ----------
    extent
        Optional (height, width) mask of the plan's extent (the municipal limit).
    read_labels
        Whether to read the zone letters inside districts (step 7; needs tesseract).

    Raises
    ------
    ClassifyError
        A legend entry without samples, a sample box off the sheet, a bad extent mask.
    OcrError
        `read_labels` and tesseract's models are not installed.

    Notes
    -----
    Holds the sheet's ink as float32 plus an 8-bit ridge raster, int16 markers, the labels
    and the edge band's line energies (about 14 bytes per pixel; finding the streets needs
    about 30 for a moment, for its distance transforms and their indices, the line energies
    about 20, read in strips, and the bold strokes, dotted lines and a stipple about 20);
    spectra are kept per cell only. About 13 to 20 s for an 8.7 Mpx sheet with a 48-pixel
    window on 2 shared cores, 27 s on a slower pair (one FFT per cell and window is most of
    it; finding the streets takes about 2 s, the bold hatching 3 s where the key has some, a
    stipple 1.5 s where the key has one, the zone letters 1 s, marked paper 0.13 s where the
    key has such an entry, reading the edge band per pixel about 2.5 s).

    Examples
    --------
    >>> from gis.synthetic import make_sheet
    >>> sheet = make_sheet("pattern", height=200, width=260, cells=4, codes=3)
    >>> result = classify_patterns(sheet.image, sheet.legend)
    >>> sorted(set(np.unique(result.labels).tolist()) - {0})
    [1, 2, 3]
    """
    source = scan if not isinstance(scan, np.ndarray) else ArrayScan(scan)
    grey, levels, ink = read_ink(source, rows)
    if extent is not None and extent.shape != grey.shape:
        raise ClassifyError(f"extent mask has shape {extent.shape}, the scan {grey.shape}")
    zone_labels = find_zone_labels(grey, ink, legend.codes) if read_labels else []
    del grey
    patches = sample_patches(ink, legend)
    solid_entry = solid_class(patches)
    grids = fit_grids(patches)
    streets = street_mask(ink, grids[0].window // _STREET_WINDOWS)
    texture_ink = fill_streets(ink, streets)
    model, cells, features = _learn(
        texture_ink, patches, grids, legend, levels, extent, solid_entry
    )
    power = band_power(features, grids[2].bands)
    textured = _textured(patches, solid_entry, model.blank)
    half_width = _stroke_half_width(patches, textured)
    ridge = boundary_ridges(ink, texture_ink, streets, grids[0].window, extent, half_width)
    energy = line_energy(texture_ink, half_width, model.scale)
    del texture_ink, streets, features
    coarse = np.argmax(cells, axis=-1).astype(np.uint8) + 1
    solid = None if solid_entry is None else solid_layer(ink, patches, solid_entry, model.scale)
    bold = bold_layer(ink, patches, textured, model.scale.window, solid)
    stipple = stipple_layer(ink, patches, model.scale.window, _district_px(model.scale))
    marks = marked_paper_share(ink, patches, model)
    del ink
    coarse[_outside_cells(coarse, extent, model, ridge)] = 0
    coarse = merge_small_regions(coarse, cells, _min_region_cells(model.scale))
    window_cells = round(model.scale.window / model.scale.step)
    if model.blank is not None:  # paper narrower than a window: windows over a boundary line
        coarse = open_class(coarse, cells, model.blank, window_cells | 1)
    read_as = classes_at(coarse, zone_labels, model.scale.step)
    reach = LABEL_REACH * model.scale.window
    painted = paint_labels(coarse, zone_labels, legend.codes, model.scale.step, reach)
    sure_reach = LABEL_SURE * model.scale.window
    named = (painted != coarse) & near_labels(
        coarse.shape, zone_labels, model.scale.step, sure_reach
    )  # the cells a zone letter surely gave its code
    coarse = painted
    if model.blank is not None:
        if marks is not None:
            coarse = give_marked_paper(coarse, *marks, model.blank, window_cells)
        lines = class_lines(power, cells, model.blank)
        coarse = unpaper_lined_regions(coarse, power, lines, model.blank)
        coarse = unpaper_lined_cells(coarse, power, lines, model.blank, window_cells)
    confidence = np.round(255 * cells.max(axis=-1)).astype(np.uint8)
    sure = cells.max(axis=-1) >= _MARKER
    if solid is not None:  # a window over a fill's edge sees bars: no texture of its own
        sure &= (window_share(solid[1], model.scale) <= _FILL_EDGE) | (coarse == solid[0])
    labels, refined = refine_edges(coarse, sure, ridge, model.scale, named, energy)
    labels = overlay(labels, bold)
    if solid is not None:
        labels = keep_solid_ink(labels, solid, ridge)
    labels = overlay(labels, stipple)
    sieved = sieve(labels, size=min_region_px, connectivity=4) if min_region_px > 1 else labels
    full_confidence = upsample(confidence, model.scale.step, ridge.shape).astype(np.uint8)
    total = float(labels.size)
    shares = {
        "outside": float(np.count_nonzero(labels == 0)) / total,
        "refined": refined / total,
        "sieved": float(np.count_nonzero(sieved != labels)) / total,
    }
    return PatternClassification(
        sieved.astype(np.uint8),
        full_confidence,
        legend.codes,
        model,
        shares,
        tuple(zone_labels),
        tuple(legend.codes[value - 1] if value else None for value in read_as),
    )


def _learn(
    ink: F32,
    patches: list[list[F32]],
    grids: tuple[TextureScale, SpectrumGrid, SpectrumGrid],
    legend: Legend,
    levels: InkLevels,
    extent: npt.NDArray[np.bool_] | None,
    solid: int | None,
) -> tuple[TextureModel, F32, F32]:
    """Seed the texture model from the samples, self-train it on the map.

    Returns the model, the cells' smoothed posteriors and their spectra.

    `grids` are the scale, seed grid and map grid fitted to the samples
    (`gis.pattern_samples.fit_grids`); `solid` is the index of the solid entry, if any: like
    plain paper, it has no texture.
    """
    scale, seed_grid, map_grid = grids
    inside = _inside_cells(extent, ink.shape, scale.step)
    blank = blank_entry(patches)
    untextured = (solid, None if blank is None else blank - 1)
    plain = [index for index in untextured if index is not None]
    seeds = seed_posteriors(
        grid_spectra(ink, seed_grid),
        [[patch_spectra(p, seed_grid) for p in boxes] for boxes in patches],
        inside,
        plain,
    )
    features = grid_spectra(ink, map_grid)
    fallback = np.stack(
        [np.concatenate([patch_spectra(p, map_grid) for p in boxes]).mean(0) for boxes in patches]
    ).astype(np.float64)
    count = len(legend.entries)
    base = TextureModel(
        legend.codes,
        fallback,
        np.broadcast_to(np.eye(map_grid.features), (count, map_grid.features, map_grid.features)),
        np.zeros(count),
        scale,
        levels,
        blank,
    )
    model, posteriors = self_train(features, seeds, inside, fallback, base)
    return model, posteriors, features


def _textured(patches: list[list[F32]], solid: int | None, blank: int | None) -> list[int]:
    """List the entries printed in strokes (indices): all but the solid and plain-paper ones."""
    plain = {solid, None if blank is None else blank - 1}
    return [index for index in range(len(patches)) if index not in plain]


def _stroke_half_width(patches: list[list[F32]], textured: list[int]) -> float:
    """Measure the textured entries' typical stroke half-width: the median (1 if none)."""
    widths = [stroke_half_width(patch) for index in textured for patch in patches[index]]
    return float(np.median(widths)) if widths else 1.0


def _district_px(scale: TextureScale) -> float:
    """Area (pixels) of the smallest district the windows find."""
    return _MIN_REGION_WINDOWS * scale.window**2


def _min_region_cells(scale: TextureScale) -> int:
    """Cells of the smallest district: smaller runs of a class are streets, labels, edges."""
    return max(1, round(_MIN_REGION_WINDOWS * (scale.window / scale.step) ** 2))


def _inside_cells(
    extent: npt.NDArray[np.bool_] | None, shape: tuple[int, int], step: int
) -> npt.NDArray[np.bool_]:
    """Cells whose centre lies inside the extent (every cell without one)."""
    cells = (-(-shape[0] // step), -(-shape[1] // step))
    if extent is None:
        return np.ones(cells, bool)
    inside = np.zeros(cells, bool)
    centres = extent[step // 2 :: step, step // 2 :: step]
    inside[: centres.shape[0], : centres.shape[1]] = centres
    return inside


def _outside_cells(
    coarse: LabelArray,
    extent: npt.NDArray[np.bool_] | None,
    model: TextureModel,
    ridge: npt.NDArray[np.uint8],
) -> npt.NDArray[np.bool_]:
    step = model.scale.step
    if extent is not None:
        result: npt.NDArray[np.bool_] = reduce_blocks(extent, step, np.max) == 0
        return result
    if model.blank is None:
        return np.zeros(coarse.shape, bool)
    lines = reduce_blocks(ridge, step, np.max) > _LINE_LEVEL * 255
    paper = (coarse == model.blank) & ~lines
    components, _ = ndimage.label(paper)
    edge = np.concatenate([components[0], components[-1], components[:, 0], components[:, -1]])
    touching = np.zeros(int(components.max()) + 1, bool)
    touching[edge] = True
    touching[0] = False
    grown: npt.NDArray[np.bool_] = ndimage.binary_dilation(
        touching[components], mask=coarse == model.blank
    )
    return grown

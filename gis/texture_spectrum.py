"""Local power spectra of a sheet's ink: hatch orientation and spacing, dot density, cover."""

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

F32 = npt.NDArray[np.float32]

ORIENTATIONS: Final = 4
"""Orientation bins of the wave vector (0, 45, 90 and 135 degrees, each 45 degrees wide)."""

_LOWEST: Final = 1.5  # lowest frequency kept, in cycles per window side
_POWER_FLOOR: Final = 1e-5  # AC power per pixel of plain paper, so its spectrum stays flat
_CHUNK: Final = 1 << 22  # window pixels transformed at once (16 MB of float32)


@dataclass(frozen=True)
class SpectrumGrid:
    """The cells spectra are kept on and the window each spectrum is taken over.

    Attributes
    ----------
    window
        (rows, cols) of the analysis window; it is centred on each cell.
    step
        Side of a cell, pixels: cell (i, j) covers rows ``i * step`` to ``(i + 1) * step``.
    bands
        Radial frequency bands, spaced by half octaves from `_LOWEST` cycles per window
        to the Nyquist frequency.
    """

    window: tuple[int, int]
    step: int
    bands: int

    @property
    def features(self) -> int:
        """Length of a feature vector: ink, log power, then orientation x band shares."""
        return 2 + ORIENTATIONS * self.bands


def make_grid(window: tuple[int, int], step: int) -> SpectrumGrid:
    """Build a grid for `window`, with as many half-octave bands as the window resolves.

    Examples
    --------
    >>> grid = make_grid((48, 48), 8)
    >>> grid.bands, grid.features
    (8, 34)
    """
    lowest = _LOWEST / max(window)
    bands = max(2, int(np.ceil(2 * np.log2(0.5 / lowest))))
    return SpectrumGrid((int(window[0]), int(window[1])), int(step), bands)


def band_matrix(grid: SpectrumGrid) -> F32:
    """(rfft2 bins, features - 2) one-hot matrix of each frequency's orientation and band.

    Frequencies under `_LOWEST` cycles per window (the paper tone's slope) belong to none.
    """
    rows, cols = grid.window
    fy = np.fft.fftfreq(rows)[:, None]
    fx = np.fft.rfftfreq(cols)[None, :]
    radius = np.hypot(fx, fy)
    angle = np.mod(np.degrees(np.arctan2(fy, fx)) + 22.5, 180.0)
    orientation = np.minimum((angle // 45).astype(int), ORIENTATIONS - 1)
    lowest = _LOWEST / max(rows, cols)
    band = np.floor(2 * np.log2(np.maximum(radius, 1e-9) / lowest)).astype(int)
    keep = (radius >= lowest) & (band < grid.bands)
    index = orientation * grid.bands + np.clip(band, 0, grid.bands - 1)
    matrix = np.zeros((radius.size, ORIENTATIONS * grid.bands), np.float32)
    flat = np.flatnonzero(keep.ravel())
    matrix[flat, index.ravel()[flat]] = 1.0
    return matrix


def window_spectra(windows: F32, grid: SpectrumGrid, matrix: F32) -> F32:
    """(n, features) spectral features of (n, rows, cols) ink windows.

    Features: the square root of the (Hann-weighted) mean ink; the log of the AC power per
    pixel; and the square root of each orientation x band share of the AC power. Shares
    make the spectrum independent of how dark the toner printed; the square root steadies
    their variance.
    """
    rows, cols = grid.window
    taper = np.outer(np.hanning(rows + 2)[1:-1], np.hanning(cols + 2)[1:-1]).astype(np.float32)
    taper /= taper.sum()
    mean = np.einsum("nij,ij->n", windows, taper)
    centred = (windows - mean[:, None, None]) * taper
    spectrum = np.fft.rfft2(centred)
    power = (spectrum.real**2 + spectrum.imag**2).reshape(len(windows), -1).astype(np.float32)
    shares = power @ matrix
    total = shares.sum(axis=1) + _POWER_FLOOR * float(np.square(taper).sum())
    features = np.empty((len(windows), grid.features), np.float32)
    features[:, 0] = np.sqrt(np.clip(mean, 0, None))
    features[:, 1] = np.log(total / float(np.square(taper).sum()))
    features[:, 2:] = np.sqrt(shares / total[:, None])
    return features


def grid_spectra(ink: F32, grid: SpectrumGrid) -> F32:
    """(cell rows, cell cols, features) spectra of the windows centred on every cell.

    The ink is mirrored at the edges so that border cells have full windows.

    Examples
    --------
    >>> ink = np.zeros((64, 64), np.float32)
    >>> ink[:, ::8] = 1.0  # vertical lines: the wave vector points along x (0 degrees)
    >>> grid = make_grid((32, 32), 16)
    >>> spectra = grid_spectra(ink, grid)
    >>> spectra.shape
    (4, 4, 30)
    >>> shares = spectra[..., 2:].reshape(4, 4, ORIENTATIONS, grid.bands) ** 2
    >>> int(shares.sum(axis=-1).mean(axis=(0, 1)).argmax())
    0

    Notes
    -----
    Transforms `_CHUNK` window pixels at a time; the cost is one FFT of the window per
    cell, about ``window rows * cols / step**2`` times the sheet's pixel count in flops
    per log factor.
    """
    height, width = ink.shape
    step, (rows, cols) = grid.step, grid.window
    cells = (-(-height // step), -(-width // step))
    top, left = (rows - step) // 2, (cols - step) // 2
    padded = np.pad(
        ink,
        ((top, cells[0] * step - height + rows), (left, cells[1] * step - width + cols)),
        mode="reflect",
    )
    views = sliding_window_view(padded, (rows, cols))[::step, ::step][: cells[0], : cells[1]]
    matrix = band_matrix(grid)
    per_chunk = max(1, _CHUNK // (rows * cols * cells[1]))
    parts = []
    for start in range(0, cells[0], per_chunk):
        block = np.ascontiguousarray(views[start : start + per_chunk], np.float32)
        parts.append(window_spectra(block.reshape(-1, rows, cols), grid, matrix))
    return np.concatenate(parts).reshape(cells[0], cells[1], grid.features)


def patch_spectra(patch: F32, grid: SpectrumGrid, *, stride: int = 2) -> F32:
    r"""(n, features) spectra of every window inside a sample patch, `stride` pixels apart.

    A patch smaller than the window is repeated to the window's size first (repeating keeps
    the direction of hatch lines, where mirroring would turn ``/`` into ``\``).

    Examples
    --------
    >>> solid = np.ones((20, 40), np.float32)
    >>> features = patch_spectra(solid, make_grid((16, 16), 8))
    >>> features.shape, float(features[0, 0])
    ((39, 22), 1.0)
    """
    rows, cols = grid.window
    short = (max(0, rows - patch.shape[0]), max(0, cols - patch.shape[1]))
    if any(short):
        patch = np.pad(patch, ((0, short[0]), (0, short[1])), mode="wrap")
    views = sliding_window_view(patch, (rows, cols))[::stride, ::stride]
    windows = np.ascontiguousarray(views, np.float32).reshape(-1, rows, cols)
    return window_spectra(windows, grid, band_matrix(grid))

import numpy as np

from gis.pattern_streets import fill_streets, street_mask


def _hatch(spacing: int, shape: tuple[int, int] = (120, 160)) -> np.ndarray:
    """Diagonal hatch lines, one pixel wide, `spacing` pixels apart along a row."""
    rows, cols = np.mgrid[: shape[0], : shape[1]]
    return ((rows + cols) % spacing == 0).astype(np.float32)


def _street(ink: np.ndarray, top: int, width: int = 6) -> np.ndarray:
    """A horizontal street: a white corridor `width` pixels wide between two casings."""
    ink = ink.copy()
    ink[top : top + width + 2, :] = 0.0
    ink[top, :] = ink[top + width + 1, :] = 1.0
    return ink


def test_a_street_across_sparse_hatch_is_found_and_filled_at_the_hatch_density():
    hatch = _hatch(16)
    ink = _street(hatch, 56)
    mask = street_mask(ink, 24)
    assert mask[56:64, 10:150].mean() > 0.9  # the corridor and its casings
    assert mask[:45].mean() < 0.01 and mask[75:].mean() < 0.01  # the hatch around it
    filled = fill_streets(ink, mask)
    assert abs(float(filled[58:62, 40:120].mean()) - float(hatch.mean())) < 0.03
    assert (filled[~mask] == ink[~mask]).all()


def test_the_gaps_of_a_dense_hatch_are_not_streets():
    for spacing in (6, 8, 10):  # gaps as wide as a street's corridor, but repeated
        assert not street_mask(_hatch(spacing), 24).any()


def test_short_pieces_are_dropped_and_blank_or_solid_ink_has_no_street():
    ink = _street(_hatch(16), 56)
    ink[:, 12:] = _hatch(16)[:, 12:]  # the street runs only 12 pixels
    assert not street_mask(ink, 24)[50:70, :].any()
    for flat in (np.zeros((50, 50), np.float32), np.ones((50, 50), np.float32)):
        assert not street_mask(flat, 24).any()
        assert (fill_streets(flat, np.zeros(flat.shape, bool)) == flat).all()


def test_a_street_carries_on_where_a_line_runs_close_beside_it():
    ink = _street(np.zeros((120, 160), np.float32), 56)
    ink[52, 80:] = 1.0  # a line 4 px above the casing along the street's right half
    mask = street_mask(ink, 24)
    assert mask[56:64, 90:150].mean() > 0.9  # carried on from the clear left half
    alone = np.zeros((120, 160), np.float32)
    alone[56, 80:] = alone[63, 80:] = alone[52, 80:] = 1.0  # the same corridor, never clear
    assert not street_mask(alone, 24)[50:70].any()

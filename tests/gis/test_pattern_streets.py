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


def test_a_street_across_a_dense_hatch_meeting_it_at_an_angle_is_found():
    # Hatch lines 8 px apart along a row (5.7 px apart across) meet the casings at 45
    # degrees: one lies within a corridor width beyond a casing nearly everywhere, but none
    # runs along the corridor, as the next line of a hatch's gap would.
    ink = _street(_hatch(8), 56)
    mask = street_mask(ink, 24)
    assert mask[56:64, 10:150].mean() > 0.9
    assert mask[:45].mean() < 0.01 and mask[75:].mean() < 0.01


def test_the_gaps_of_a_dot_screen_are_not_streets():
    # Dots 2 px wide every 7 px: the gaps are as wide as a corridor and the dots on either
    # side are dark, but they are no line along it, and the dots beyond are no line either.
    ink = np.zeros((120, 160), np.float32)
    for top in range(0, 120, 7):
        for left in range(0, 160, 7):
            ink[top : top + 2, left : left + 2] = 1.0
    assert not street_mask(ink, 16).any()


def test_a_narrow_street_with_two_pixel_casings_is_found():
    # The corridor is four pixels wide, so its middle ridge lies a pixel nearer one casing:
    # the other casing, two pixels wide, must not count as a line beyond it.
    ink = np.zeros((120, 160), np.float32)
    ink[54:56, :] = ink[60:62, :] = 0.55  # faint casings, corridor rows 56-59
    assert street_mask(ink, 24)[56:60, 10:150].mean() > 0.9

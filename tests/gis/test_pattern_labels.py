import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from gis.pattern_labels import ZoneLabel, find_zone_labels, paint_labels

CODES = ("A", "C", "G")


def _hatched_sheet(rings: list[tuple[int, int, str]]) -> np.ndarray:
    """A 300 x 400 px grey sheet hatched at 45 degrees, with letters in white rings."""
    image = Image.new("L", (400, 300), 235)
    draw = ImageDraw.Draw(image)
    for offset in range(-300, 400, 9):
        draw.line([(offset, 300), (offset + 300, 0)], fill=40, width=2)
    font = ImageFont.load_default(size=18)
    for x, y, text in rings:
        draw.ellipse((x - 16, y - 14, x + 16, y + 14), fill=235, outline=40, width=2)
        draw.text((x, y), text, fill=40, font=font, anchor="mm")
    return np.asarray(image)


def test_letters_in_rings_are_read_as_codes_where_they_are_printed():
    grey = _hatched_sheet([(80, 70, "G"), (300, 90, "C"), (120, 220, ""), (290, 220, "X")])
    ink = np.clip((235.0 - grey) / 195.0, 0, 1).astype(np.float32)
    labels = find_zone_labels(grey, ink, CODES)
    assert sorted(label.code for label in labels) == ["C", "G"]  # an empty ring, an X: nothing
    for label in labels:
        x, y = (80, 70) if label.code == "G" else (300, 90)
        assert abs(label.col - x) <= 3 and abs(label.row - y) <= 3
        assert 0.75 <= label.score <= 1


def test_a_word_turned_sideways_in_a_standing_ring_is_read():
    image = Image.fromarray(_hatched_sheet([]))
    draw = ImageDraw.Draw(image)
    draw.ellipse((180, 100, 214, 170), fill=235, outline=40, width=2)
    word = Image.new("L", (44, 24), 235)
    ImageDraw.Draw(word).text(
        (22, 12), "AA", fill=40, font=ImageFont.load_default(size=18), anchor="mm"
    )
    image.paste(word.rotate(90, expand=True), (185, 113))
    grey = np.asarray(image)
    ink = np.clip((235.0 - grey) / 195.0, 0, 1).astype(np.float32)
    labels = find_zone_labels(grey, ink, ("A", "AA", "AAA"))
    assert [label.code for label in labels] == ["AA"]
    assert abs(labels[0].col - 197) <= 3 and abs(labels[0].row - 135) <= 3


def test_a_letter_touching_its_ring_is_still_read():
    image = Image.fromarray(_hatched_sheet([]))
    draw = ImageDraw.Draw(image)
    draw.ellipse((160, 120, 220, 150), fill=235, outline=40, width=2)
    font = ImageFont.load_default(size=18)
    draw.text((163, 135), "AA", fill=40, font=font, anchor="lm")  # the first A meets the ring
    grey = np.asarray(image)
    ink = np.clip((235.0 - grey) / 195.0, 0, 1).astype(np.float32)
    labels = find_zone_labels(grey, ink, ("A", "AA", "AAA"))
    assert [label.code for label in labels] == ["AA"]


def test_a_letter_reaches_its_own_region_only_and_the_nearer_letter_wins():
    coarse = np.ones((8, 10), np.uint8)  # district A
    coarse[:, 7:] = 2  # district B to the right, within the G's reach
    labels = [ZoneLabel("G", 25.0, 55.0, 0.9), ZoneLabel("C", 25.0, 15.0, 0.9)]
    painted = paint_labels(coarse, labels, ("A", "B", "C", "G"), 10, 30.0)
    assert painted[2].tolist() == [3, 3, 3, 4, 4, 4, 4, 2, 2, 2]  # a tie stays with the first
    assert (painted[:, 7:] == 2).all()  # B was not reached: it is not the G's region
    assert painted[7].tolist() == coarse[7].tolist()  # beyond reach, the texture's class


@pytest.mark.parametrize("where", [(-5.0, 20.0), (20.0, 500.0), (15.0, 15.0)])
def test_letters_off_the_grid_or_off_the_map_change_nothing(where):
    coarse = np.ones((4, 4), np.uint8)
    coarse[:2, :2] = 0  # off the map
    painted = paint_labels(coarse, [ZoneLabel("G", *where, 0.9)], CODES, 10, 30.0)
    assert (painted == coarse).all()

"""The real 1958 pattern sheets of issue 9, scored against their hand-traced truth."""

import pytest

from tests.gis.real_sheets import load_sheet, run_sheet

# Measured 2026-11 (area accuracy, mean IoU, polygons / truth), stock tools in brackets
# (from the issue): West Hartford 0.572, 0.270, 8.9x (0.24, 0.10); Bloomfield 0.705, 0.532,
# 10.1x (0.53, 0.38). Targets 0.90, 0.80, 1.5x are not met; these floors guard what is reached.
FLOORS = {
    "west-hartford-1958": (0.52, 0.22, 12.0),
    "bloomfield-1958": (0.65, 0.47, 13.0),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_real_pattern_sheet_scores(shared_data, name):
    result, score = run_sheet(load_sheet(shared_data, name))
    accuracy, mean_iou, polygons = FLOORS[name]
    assert score.accuracy >= accuracy
    assert score.mean_iou >= mean_iou
    assert score.polygon_ratio <= polygons
    assert result.report["coverage"]["valid"]

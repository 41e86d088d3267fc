"""The angle measures (range, onset, tremor, wobble) recover what a known movement was made of."""

from __future__ import annotations

import numpy as np
import pytest

from adrbench.data.angle_measures import MEASURES, cell_measures, group_angles, window_measures
from adrbench.data.kinematics import joint_angles
from adrbench.data.skeletons import BODY


def bump(n: int, amplitude: float, onset: float) -> np.ndarray:
    """A raised-cosine excursion over 55% of n frames starting at `onset` (share of n), on a 1.2 rad base."""
    u = np.arange(n) / n
    z = np.clip((u - onset) / 0.55, 0.0, 1.0)
    return 1.2 + amplitude * 0.5 * (1 - np.cos(2 * np.pi * z))


@pytest.mark.parametrize(("amplitude", "onset"), [(0.3, 0.1), (0.6, 0.3), (0.15, 0.0)])
def test_range_and_onset_of_a_clean_movement(amplitude: float, onset: float) -> None:
    track = np.stack([bump(90, amplitude, onset), bump(90, amplitude / 2, onset)], axis=1)
    got = window_measures(track, [(0, 90)])[0]
    assert got[:, MEASURES.index("range")] == pytest.approx([amplitude, amplitude / 2], rel=0.1)
    assert got[:, MEASURES.index("timing")] == pytest.approx([onset, onset], abs=0.03)
    assert got[0, MEASURES.index("steadiness")] < 0.02 * amplitude  # the fit explains a clean bump


def test_tremor_and_wobble_rise_with_what_was_added() -> None:
    rng = np.random.default_rng(0)
    clean = bump(90, 0.4, 0.2)
    tremor = clean + 0.03 * np.sin(np.pi * 0.9 * np.arange(90))  # near Nyquist, as a hand tremor at 30 fps
    wobble = clean + 0.05 * np.sin(
        2 * np.pi * 2.0 * np.arange(90) / 30.0 + rng.uniform(0, 6)
    )  # a slow 2 Hz sway
    got = window_measures(np.stack([clean, tremor, wobble], axis=1), [(0, 90)])[0]
    power, steady = MEASURES.index("smoothness"), MEASURES.index("steadiness")
    assert got[1, power] > 20 * got[0, power] and got[1, power] > 3e-4
    assert got[2, steady] > 5 * got[0, steady]
    assert got[2, power] < 0.2 * got[1, power]  # a slow sway is not tremor


def test_windows_are_measured_separately_and_short_ones_widened() -> None:
    track = np.concatenate([np.full(45, 1.2), bump(45, 0.5, 0.2)])[:, None]
    got = window_measures(track, [(0, 45), (45, 90), (10, 11)])
    assert got[0, 0, 0] < 0.02 and got[1, 0, 0] == pytest.approx(0.5, rel=0.1)
    assert np.isfinite(got[2]).all()  # one frame asked for: measured over 4
    assert np.array_equal(cell_measures(track, 45, 90), got[1].mean(axis=0))


def test_group_angles_fill_missing_frames() -> None:
    rng = np.random.default_rng(1)
    kp = rng.normal(size=(60, 17, 3))
    kp[10:13, 7] = np.nan  # the left elbow lost for three frames
    raw = joint_angles(kp, BODY)
    assert np.isnan(raw[10:13, 7]).all()
    filled = group_angles(kp, BODY, "elbow")
    assert np.isfinite(filled).all() and filled.shape == (60, 2)
    assert filled[11, 0] == pytest.approx(np.interp(11, [9, 13], [raw[9, 7], raw[13, 7]]))
    assert np.array_equal(filled[:, 1], raw[:, 8])

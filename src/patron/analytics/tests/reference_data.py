"""Locating the published reference datasets (``../shared/data`` next to the repository).

Tests that reproduce published results need these files; when the folder is absent (a
bare checkout) they skip and say where the data is expected, rather than fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

DATA_DIR = Path(
    os.environ.get(
        "PATRON_REFERENCE_DATA", Path(__file__).resolve().parents[4].parent / "shared" / "data"
    )
)


def data_file(relative: str) -> Path:
    """Path of a reference file; skips the calling test with the reason if it is missing."""
    path = DATA_DIR / relative
    if not path.is_file():
        pytest.skip(
            f"reference data {relative} not found under {DATA_DIR} "
            "(set PATRON_REFERENCE_DATA to the shared/data folder)"
        )
    return path


def read_csv(relative: str) -> npt.NDArray[np.void]:
    """A headed CSV of numbers as a structured array (column access by name)."""
    return np.genfromtxt(data_file(relative), delimiter=",", names=True)


def cdnow_sample_transactions() -> tuple[
    npt.NDArray[np.int64], npt.NDArray[np.datetime64], npt.NDArray[np.float64]
]:
    """Sample id, purchase date and dollar value of every row of ``CDNOW_sample.txt``."""
    raw = np.loadtxt(data_file("cdnow/CDNOW_sample.txt"), dtype=str)
    dates = np.array([f"{d[:4]}-{d[4:6]}-{d[6:]}" for d in raw[:, 2]], dtype="datetime64[D]")
    return raw[:, 1].astype(np.int64), dates, raw[:, 4].astype(np.float64)

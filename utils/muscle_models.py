"""Triceps surae length and moment arms at any knee and ankle angle, from course_data.

:class:`MuscleGeometry` interpolates the ``muscle_geometry`` table (computed
with OpenSim in two musculoskeletal models) bilinearly over its knee-by-ankle
grid. Sign conventions are those of the table: knee flexion positive, ankle
dorsiflexion positive; ankle moment arm positive = plantarflexor, knee moment
arm positive = knee flexor.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping

import numpy as np
import pandas as pd

QUANTITIES = ("length_m", "ankle_moment_arm_m", "knee_moment_arm_m")
REFERENCE_POSTURE = (0.0, 0.0)  # knee flexion 0 deg, ankle dorsiflexion 0 deg


class MuscleGeometry:
    """Bilinear interpolator of musculotendon length and moment arms for one model."""

    def __init__(self, model: str, muscles: tuple[str, ...], knee_deg: np.ndarray,
                 ankle_deg: np.ndarray, values: np.ndarray):
        """Build from grid axes and ``values`` shaped (quantity, muscle, knee, ankle).

        Raises ValueError if the axes are not strictly increasing or shapes disagree.
        """
        knee = np.asarray(knee_deg, dtype=float)
        ankle = np.asarray(ankle_deg, dtype=float)
        values = np.asarray(values, dtype=float)
        for name, axis in (("knee_flexion_deg", knee), ("ankle_dorsiflexion_deg", ankle)):
            if axis.ndim != 1 or axis.size < 2 or np.any(np.diff(axis) <= 0):
                raise ValueError(f"{name} grid must hold at least two strictly increasing values")
        expected = (len(QUANTITIES), len(muscles), knee.size, ankle.size)
        if values.shape != expected:
            raise ValueError(f"values have shape {values.shape}; expected {expected}")
        if not np.all(np.isfinite(values)):
            raise ValueError("values hold missing or non-finite numbers")
        self.model = model
        self.muscles = tuple(muscles)
        self.knee_deg = knee
        self.ankle_deg = ankle
        self._values = values
        self._knee_list = knee.tolist()
        self._ankle_list = ankle.tolist()
        self._reference_length = self._interpolate(*REFERENCE_POSTURE)[0].copy()

    @classmethod
    def from_table(cls, table: pd.DataFrame, model: str = "rajagopal2016") -> MuscleGeometry:
        """Return the interpolator for ``model`` from a muscle_geometry DataFrame (built once per table).

        Raises ValueError if the model is absent or its rows do not fill a full grid.
        """
        from utils.data import derived

        return derived(table, ("muscle_geometry", cls, model), lambda t: cls._build(t, model))

    @classmethod
    def _build(cls, table: pd.DataFrame, model: str) -> MuscleGeometry:
        known = sorted(set(table["model"].astype(str)))
        rows = table[table["model"] == model]
        if rows.empty:
            raise ValueError(f"model {model!r} not in muscle_geometry; expected one of {known}")
        muscles = tuple(dict.fromkeys(rows["muscle_id"].astype(str)))
        knee = np.sort(rows["knee_flexion_deg"].astype(float).unique())
        ankle = np.sort(rows["ankle_dorsiflexion_deg"].astype(float).unique())
        expected = len(muscles) * knee.size * ankle.size
        if len(rows) != expected:
            raise ValueError(
                f"muscle_geometry rows for {model!r} do not fill the knee x ankle grid: "
                f"{len(rows)} rows, expected {expected}"
            )
        ordered = rows.assign(
            _m=rows["muscle_id"].map({m: i for i, m in enumerate(muscles)})
        ).sort_values(["_m", "knee_flexion_deg", "ankle_dorsiflexion_deg"])
        values = np.stack([
            ordered[q].to_numpy(dtype=float).reshape(len(muscles), knee.size, ankle.size)
            for q in QUANTITIES
        ])
        return cls(model, muscles, knee, ankle, values)

    @classmethod
    def from_course(cls, tables: Mapping[str, pd.DataFrame] | None = None,
                    model: str = "rajagopal2016") -> MuscleGeometry:
        """Return the interpolator for ``model`` from load_course() tables (loaded if None).

        Raises CourseDataError if the course data are invalid, ValueError as from_table.
        """
        if tables is None:
            from utils.data import load_course

            tables = load_course()
        return cls.from_table(tables["muscle_geometry"], model)

    def grid_extent(self, quantity: str, muscles) -> tuple[float, float]:
        """Return the smallest and largest tabulated ``quantity`` of ``muscles`` over the grid.

        Bilinear interpolation cannot leave that range. Raises ValueError for an unknown quantity
        or muscle.
        """
        q = QUANTITIES.index(quantity)
        values = self._values[q, [self.muscles.index(m) for m in muscles]]
        return float(values.min()), float(values.max())

    @property
    def knee_range(self) -> tuple[float, float]:
        """Return (min, max) knee flexion of the grid, degrees."""
        return self._knee_list[0], self._knee_list[-1]

    @property
    def ankle_range(self) -> tuple[float, float]:
        """Return (min, max) ankle dorsiflexion of the grid, degrees."""
        return self._ankle_list[0], self._ankle_list[-1]

    @staticmethod
    def _cell(axis: list[float], value: float, name: str) -> tuple[int, float]:
        if not (axis[0] <= value <= axis[-1]):  # also rejects NaN
            raise ValueError(
                f"{name} = {value!r} is outside the model grid; expected a number from "
                f"{axis[0]:g} to {axis[-1]:g}"
            )
        i = min(bisect_right(axis, value) - 1, len(axis) - 2)
        return i, (value - axis[i]) / (axis[i + 1] - axis[i])

    def _interpolate(self, knee: float, ankle: float) -> np.ndarray:
        i, u = self._cell(self._knee_list, float(knee), "knee_flexion_deg")
        j, v = self._cell(self._ankle_list, float(ankle), "ankle_dorsiflexion_deg")
        c = self._values[:, :, i : i + 2, j : j + 2]
        return ((1 - u) * (1 - v)) * c[..., 0, 0] + ((1 - u) * v) * c[..., 0, 1] + (
            u * (1 - v)) * c[..., 1, 0] + (u * v) * c[..., 1, 1]

    def query(self, knee_flexion_deg: float, ankle_dorsiflexion_deg: float) -> dict[str, dict[str, float]]:
        """Return {muscle_id: {length_m, ankle_moment_arm_m, knee_moment_arm_m, length_change_m}}.

        length_change_m is the length minus the length at knee 0 deg, ankle 0 deg
        (negative = shorter). Raises ValueError if an angle is outside the grid or not a number.
        """
        out = self._interpolate(knee_flexion_deg, ankle_dorsiflexion_deg)
        change = out[0] - self._reference_length
        return {
            m: {
                "length_m": float(out[0, k]),
                "ankle_moment_arm_m": float(out[1, k]),
                "knee_moment_arm_m": float(out[2, k]),
                "length_change_m": float(change[k]),
            }
            for k, m in enumerate(self.muscles)
        }

    def query_frame(self, knee_flexion_deg: float, ankle_dorsiflexion_deg: float) -> pd.DataFrame:
        """Return :meth:`query` as a DataFrame, one row per muscle (index muscle_id)."""
        result = self.query(knee_flexion_deg, ankle_dorsiflexion_deg)
        return pd.DataFrame.from_dict(result, orient="index").rename_axis("muscle_id")

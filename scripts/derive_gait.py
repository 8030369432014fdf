"""Derive gait_emg.csv and gait_phases.csv from the walking trial (EMG + ground reaction forces).

Needs numpy and scipy only (no OpenSim). Run through ``scripts/derive_all.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import signal

from derive_common import RIGHT_FOOT_STRIKES_S, InputError, fmt, input_path, write_csv

CHANNELS = {"SOL": "soleus", "GAS": "gastrocnemius", "TA": "tibialis_anterior"}
BAND_HZ = (20.0, 450.0)
LOW_PASS_HZ = 6.0
FILTER_ORDER = 4  # Butterworth order of each pass; zero-phase (forward-backward) doubles it
CONTACT_THRESHOLD_N = 10.0
N_POINTS = 101  # 0..100 % of the cycle
SOURCE_IDS = "rajagopal2016;opensim_models"


def read_anc(path: Path) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, float], dict]:
    """Return (time s, channels in counts, channel Range, header fields) of an .anc file.

    Raises InputError naming the line if the Name/Rate/Range rows or data are malformed.
    """
    lines = path.read_text(encoding="ascii").splitlines()
    header: dict[str, str] = {}
    for line in lines[:4]:
        cells = line.split("\t")
        for key, value in zip(cells[::2], cells[1::2]):
            header[key.strip().rstrip(":")] = value.strip()
    try:
        name_row = next(i for i, line in enumerate(lines) if line.startswith("Name\t"))
    except StopIteration:
        raise InputError(f"{path}: no row starting with 'Name'") from None
    names = [c for c in lines[name_row].split("\t")[1:] if c]
    rows = {}
    for offset, label in ((1, "Rate"), (2, "Range")):
        cells = lines[name_row + offset].split("\t")
        if cells[0] != label:
            raise InputError(
                f"{path}, line {name_row + offset + 1}: expected a '{label}' row, got {cells[0]!r}"
            )
        rows[label] = [float(c) for c in cells[1 : 1 + len(names)]]
    data = np.loadtxt(lines[name_row + 3 :], delimiter="\t", usecols=range(len(names) + 1))
    time = data[:, 0]
    channels = {n: data[:, i + 1] for i, n in enumerate(names)}
    rates = set(rows["Rate"])
    if len(rates) != 1:
        raise InputError(f"{path}: channels have different rates {sorted(rates)}")
    header["rate"] = rates.pop()
    return time, channels, dict(zip(names, rows["Range"])), header


def read_mot(path: Path) -> dict[str, np.ndarray]:
    """Return the columns of an OpenSim storage (.mot) file; raises InputError if malformed."""
    lines = path.read_text(encoding="ascii").splitlines()
    try:
        end = next(i for i, line in enumerate(lines) if line.strip() == "endheader")
    except StopIteration:
        raise InputError(f"{path}: no 'endheader' line") from None
    names = lines[end + 1].split("\t")
    data = np.loadtxt(lines[end + 2 :], delimiter="\t")
    return {n.strip(): data[:, i] for i, n in enumerate(names)}


def envelope(raw: np.ndarray, rate: float) -> np.ndarray:
    """Return the linear envelope: mean removed, band-passed, rectified, low-passed, >= 0."""
    sos_band = signal.butter(FILTER_ORDER, BAND_HZ, btype="bandpass", fs=rate, output="sos")
    sos_low = signal.butter(FILTER_ORDER, LOW_PASS_HZ, btype="lowpass", fs=rate, output="sos")
    x = raw - raw.mean()
    x = signal.sosfiltfilt(sos_band, x)
    x = np.abs(x)
    x = signal.sosfiltfilt(sos_low, x)
    return np.clip(x, 0.0, None)


def crossings(time: np.ndarray, force: np.ndarray, threshold: float) -> list[tuple[float, str]]:
    """Return (time, 'on'|'off') where force crosses threshold, linearly interpolated."""
    above = force > threshold
    events = []
    for i in np.flatnonzero(above[1:] != above[:-1]):
        t = time[i] + (threshold - force[i]) * (time[i + 1] - time[i]) / (force[i + 1] - force[i])
        events.append((float(t), "on" if above[i + 1] else "off"))
    return events


def derive(sources: Path, out_dir: Path) -> list[dict]:
    """Write gait_emg.csv and gait_phases.csv; return provenance records."""
    start, end = RIGHT_FOOT_STRIKES_S
    duration = end - start
    percent = np.linspace(0.0, 100.0, N_POINTS)
    cycle_time = start + percent / 100.0 * duration

    time, channels, ranges, header = read_anc(input_path(sources, "emg_anc"))
    rate = header["rate"]
    bits = int(header.get("BitDepth", "16"))
    emg_rows = []
    peaks = {}
    for channel, muscle in CHANNELS.items():
        if channel not in channels:
            raise InputError(f"EMG channel {channel!r} not in {input_path(sources, 'emg_anc')}")
        # counts -> mV assuming +-Range mV full scale over 2**(bits-1) counts (cancels after
        # normalisation; kept so intermediate values have a physical scale)
        millivolts = channels[channel] * ranges[channel] / 2 ** (bits - 1)
        env = envelope(millivolts, rate)
        in_cycle = np.interp(cycle_time, time, env)
        in_cycle = in_cycle / in_cycle.max()
        peaks[muscle] = float(percent[int(np.argmax(in_cycle))])
        for p, value in zip(percent, in_cycle):
            emg_rows.append([str(int(round(p))), muscle, fmt(value, 4), SOURCE_IDS])
    write_csv(out_dir / "gait_emg.csv", ["percent_cycle", "muscle", "envelope", "source_ids"],
              emg_rows)

    grf = read_mot(input_path(sources, "grf_mot"))
    events_r = crossings(grf["time"], grf["ground_force_r_vy"], CONTACT_THRESHOLD_N)
    events_l = crossings(grf["time"], grf["ground_force_l_vy"], CONTACT_THRESHOLD_N)
    to_pct = lambda t: 100.0 * (t - start) / duration  # noqa: E731
    offs = [t for t, kind in events_r if kind == "off" and start < t < end]
    ons = [t for t, kind in events_r if kind == "on"]
    if len(offs) != 1:
        raise InputError(f"expected one right toe-off inside the cycle, found {offs}")
    toe_off = to_pct(offs[0])
    phase_rows = [
        ["stance", fmt(0.0, 1), fmt(toe_off, 1), SOURCE_IDS],
        ["swing", fmt(toe_off, 1), fmt(100.0, 1), SOURCE_IDS],
    ]
    write_csv(out_dir / "gait_phases.csv", ["phase", "start_percent", "end_percent", "source_ids"],
              phase_rows)

    left_on = [to_pct(t) for t, kind in events_l if kind == "on" and start < t < end]
    right_on = [f"{to_pct(t):.1f} %" for t in ons]
    common_notes = [
        f"cycle: right foot strikes at t = {start} s and t = {end} s (pipeline's "
        "validationPlots_emg_walk.m, quoted in the data-sources README)",
        f"right vertical GRF rises above {CONTACT_THRESHOLD_N} N at {', '.join(right_on)} of the "
        "cycle (the GRF file is zero below about 5 N and filtered, so it lags the stated foot "
        "strikes slightly)",
    ]
    emg_notes = common_notes + [
        "EMG side is not stated in the trial files: the pipeline's validationPlots_emg_walk.m "
        "compares SOL, GAS and TA with the right-leg model activations (soleus_r, gaslat_r, "
        "tibant_r), and here the SOL and GAS envelopes peak at "
        f"{peaks['soleus']:.0f} % and {peaks['gastrocnemius']:.0f} % of the right cycle (right "
        f"stance ends at {toe_off:.1f} %, left foot strike at "
        f"{', '.join(f'{p:.1f} %' for p in left_on) or 'n/a'}), consistent with the right leg: "
        "treated as right leg but not confirmed by the data provider",
        "GAS channel: which head is not stated: the pipeline compares it with lateral "
        "gastrocnemius (gaslat_r)",
        f"anc header: {header.get('Board_Type', '?')}, {header.get('Polarity', '?')}, "
        f"BitDepth {bits}, rate {rate:g} Hz, channel Range SOL/GAS/TA = "
        f"{ranges['SOL']:g}/{ranges['GAS']:g}/{ranges['TA']:g}",
    ]
    emg_steps = [
        "read the .anc file (Name, Rate, Range rows, integer counts at 2000 Hz), channels SOL, GAS, TA",
        "counts x Range / 2^(BitDepth-1) -> mV (scale cancels after normalisation)",
        "remove each channel's mean over the whole trial (offset)",
        f"band-pass {BAND_HZ[0]:g}-{BAND_HZ[1]:g} Hz Butterworth order {FILTER_ORDER}, zero-phase "
        "(scipy.signal.sosfiltfilt) over the whole trial",
        "full-wave rectify",
        f"low-pass {LOW_PASS_HZ:g} Hz Butterworth order {FILTER_ORDER}, zero-phase, negative "
        "filter undershoot clipped to 0",
        f"resample to {N_POINTS} points at 0..100 % of the cycle by linear interpolation in time",
        "normalise each muscle to its peak within the cycle (peak = 1)",
        "fixed formatting: 4 decimals",
    ]
    phase_steps = [
        "read ground_force_r_vy (right vertical GRF) from grf_walk.mot (2000 Hz)",
        f"contact = vertical force above {CONTACT_THRESHOLD_N} N, crossing times linearly interpolated",
        "stance = 0 % (right foot strike) to the right toe-off inside the cycle, swing = toe-off to 100 %",
        "percent = 100 x (t - first foot strike) / (second - first foot strike), 1 decimal",
    ]
    return [
        {"resource": "gait_emg", "script": "scripts/derive_gait.py", "inputs": ["emg_anc"],
         "steps": emg_steps, "notes": emg_notes, "source_ids": ["rajagopal2016", "opensim_models"]},
        {"resource": "gait_phases", "script": "scripts/derive_gait.py", "inputs": ["grf_mot"],
         "steps": phase_steps, "notes": common_notes,
         "source_ids": ["rajagopal2016", "opensim_models"]},
    ]

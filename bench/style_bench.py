"""Hit rates of the style reader: how often what a style string asks for is what song.mid plays.

Runs every case of tests/composer/style_cases.py (realistic style strings, custom and description mode),
renders each to MIDI (no audio) and prints, per mode and overall: tempo, meter, voice, key, named instruments
played and negations respected, with the misses listed. Run it against another checkout for a before figure:

    PYTHONPATH=src python bench/style_bench.py            # this tree
    PYTHONPATH=/path/to/old/src python bench/style_bench.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "composer"))

from style_cases import CUSTOM, DESCRIPTION, Case  # noqa: E402
from style_check import check  # noqa: E402


def _rate(hits: list[bool]) -> str:
    return f"{sum(hits)}/{len(hits)} = {100.0 * sum(hits) / max(1, len(hits)):5.1f}%"


def run(cases: tuple[Case, ...], label: str) -> dict[str, list[bool]]:
    rows: dict[str, list[bool]] = {
        k: [] for k in ("tempo", "meter", "voice", "key", "instruments", "negations")
    }
    misses: list[str] = []
    for case in cases:
        try:
            got = check(case)
        except Exception as exc:  # noqa: BLE001 - an older checkout may fail on a case: count it as a miss
            got = {"tempo": False, "meter": False, "voice": False, "key": None, "tags": repr(exc)}
            got["play"] = dict.fromkeys(case.play, False)
            got["absent"] = dict.fromkeys(case.absent, False)
        for k in ("tempo", "meter", "voice", "key"):
            if got[k] is not None:
                rows[k].append(bool(got[k]))
                if not got[k]:
                    misses.append(f"  {k:10s} {case.text!r} -> {got.get('seen', {}).get(k)}")
        for name, ok in got["play"].items():
            rows["instruments"].append(ok)
            if not ok:
                misses.append(f"  instrument {case.text!r}: {name} not played")
        for name, ok in got["absent"].items():
            rows["negations"].append(ok)
            if not ok:
                misses.append(f"  negation   {case.text!r}: {name} still played")
    print(f"{label} ({len(cases)} style strings)")
    for k, hits in rows.items():
        if hits:
            print(f"  {k:12s} {_rate(hits)}")
    if misses:
        print("  misses:")
        print("\n".join(misses))
    return rows


def main() -> None:
    t0 = time.perf_counter()
    print(f"load average: {os.getloadavg()[0]:.2f}")
    total: dict[str, list[bool]] = {}
    for cases, label in ((CUSTOM, "custom mode"), (DESCRIPTION, "description mode")):
        for k, v in run(cases, label).items():
            total.setdefault(k, []).extend(v)
    print("all")
    for k, hits in total.items():
        if hits:
            print(f"  {k:12s} {_rate(hits)}")
    print(f"{time.perf_counter() - t0:.1f} s, load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

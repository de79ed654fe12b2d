#!/usr/bin/env python3
"""Which rows of finished reward-suite folders would test another checkpoint if validation used
another guardrail margin, so that only those rows need a rerun to compare two margins.

  tests/bench/suite_margin_changes.py MARGIN DIR [DIR...]

DIR: a suite folder with validation on, or a `--seeds` folder (its seed-N subfolders are read).
Each row's choice is replayed from its own validation evaluations (runs/NAME/eval.jsonl) with
ValidationChoice's order: guardrails held with the margin first (Vendi at 0.80 + margin of the
base's, CLAP at 0.75 + margin); among held ones the validation win rate, then the paired reward
change, then the earlier round; when none held, the one whose worse guardrail fell least. The
replay at the folder's own margin (budget.json) must give the kept round it recorded (kept.json);
a row where it does not is reported and skipped. A rerun with the same build and budget follows
the same validation path, so `dragon bench rewards --out NEW --seeds N --only NAME
--validation-guard-margin MARGIN` tests the checkpoint printed here.
Not a test: a reading of finished benchmark folders.
"""
import csv
import json
import sys
from pathlib import Path

from suite_guardrail_drift import folder_name, suite_folders

VENDI_FLOOR, CLAP_FLOOR = 0.80, 0.75


def guardrails(e):
    """(tuned / base, floor) of each measured guardrail."""
    out = []
    if e["vendi_base"] > 0:
        out.append((e["vendi_policy"] / e["vendi_base"], VENDI_FLOOR))
    if e["clap_base"] > 0:
        out.append((e["clap_policy"] / e["clap_base"], CLAP_FLOOR))
    return out


def headroom(e, margin):
    return min((ratio - floor - margin for ratio, floor in guardrails(e)), default=float("inf"))


def held(e, margin):
    # As GuardrailCheck: below the floor only by more than rounding.
    return all(ratio >= (floor + margin) * (1 - 1e-9) for ratio, floor in guardrails(e))


def better(candidate, kept, margin):
    if candidate["round"] <= 0:
        return False
    if kept is None:
        return True
    c_held, k_held = held(candidate, margin), held(kept, margin)
    if c_held != k_held:
        return c_held
    if not c_held and headroom(candidate, margin) != headroom(kept, margin):
        return headroom(candidate, margin) > headroom(kept, margin)
    if candidate["win_rate"] != kept["win_rate"]:
        return candidate["win_rate"] > kept["win_rate"]
    return candidate["delta"] > kept["delta"]


def kept_round(evals, margin):
    kept = None
    for e in evals:
        if better(e, kept, margin):
            kept = e
    return kept["round"] if kept else None


def main(margin, paths):
    changed = 0
    for folder in suite_folders(paths):
        own = json.load(open(folder / "budget.json")).get("validationGuardMargin", 0.0)
        for row in csv.DictReader(open(folder / "table.csv")):
            if not row["validation_win_rate"]:
                continue
            run = folder / "runs" / folder_name(row["reward"])
            evals = [json.loads(line) for line in open(run / "eval.jsonl")]
            recorded = json.load(open(run / "kept.json"))["round"]
            replayed = kept_round(evals, own)
            if replayed != recorded:
                print(f"{folder} {row['reward']}: the replay at margin {own:g} keeps round "
                      f"{replayed}, the run kept {recorded}; skipped")
                continue
            new = kept_round(evals, margin)
            if new != recorded:
                changed += 1
                print(f"{folder} {row['reward']} ({row['half']}): round {recorded} -> {new} "
                      f"(tested {float(row['win_rate']):.3f}{', flagged' if row['hacking'] else ''})")
    print(f"{changed} rows change at margin {margin:g}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(float(sys.argv[1]), sys.argv[2:])

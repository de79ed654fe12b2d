#!/usr/bin/env python3
"""Averages of a `dragon bench rewards --seeds` folder with some rows taken from other runs.

  suite_replace_rows.py SEEDS_DIR [N=ROWS_DIR ...]

SEEDS_DIR holds seed-N/table.csv (one full suite per run seed). Each N=ROWS_DIR replaces the rows
of seed N whose reward also appears in ROWS_DIR/table.csv (for example `--only` runs of the same
budget with a setting that became a kind's default), so the averages show what the suite gives
with that setting without rerunning the other rewards. With no replacements it reproduces the
per-seed averages of SEEDS_DIR/seeds.md. Prints each seed's average over the 20, the tuned and
held-out halves and the average with reward-hacking rows counted as ties (0.5), then the mean
and sample sd of each over the seeds.
"""
import csv
import os
import statistics
import sys


def read_rows(folder):
    with open(os.path.join(folder, "table.csv"), newline="") as f:
        return {r["reward"]: r for r in csv.DictReader(f)}


def averages(rows):
    def mean(values):
        return sum(values) / len(values) if values else float("nan")

    win = {name: float(r["win_rate"]) for name, r in rows.items()}
    tie = {name: 0.5 if r["hacking"] else win[name] for name, r in rows.items()}
    half = lambda h: [win[n] for n, r in rows.items() if r["half"] == h]
    return [mean(list(win.values())), mean(half("tuned")), mean(half("held-out")),
            mean(list(tie.values()))]


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    seeds_dir = argv[1]
    replace = {}
    for arg in argv[2:]:
        seed, _, folder = arg.partition("=")
        replace.setdefault(seed, []).append(folder)
    seeds = sorted((d for d in os.listdir(seeds_dir) if d.startswith("seed-")),
                   key=lambda d: int(d[5:]))
    labels = ["average", "tuned half", "held-out half", "hacking as a tie"]
    per_seed = []
    for d in seeds:
        rows = read_rows(os.path.join(seeds_dir, d))
        for folder in replace.get(d[5:], []):
            for name, row in read_rows(folder).items():
                if name not in rows:
                    sys.exit(f"{folder}: {name} is not a row of {d}")
                print(f"{d}: {name} {float(rows[name]['win_rate']):.3f} -> "
                      f"{float(row['win_rate']):.3f} ({row['settings']}) from {folder}")
                rows[name] = row
        a = averages(rows)
        per_seed.append(a)
        print(f"{d} ({len(rows)} rewards): " +
              ", ".join(f"{l} {100 * v:.1f} %" for l, v in zip(labels, a)))
    if len(per_seed) > 1:
        cols = list(zip(*per_seed))
        print(f"mean (sd) over {len(per_seed)} seeds: " +
              ", ".join(f"{l} {100 * statistics.mean(c):.1f} % ({100 * statistics.stdev(c):.1f})"
                        for l, c in zip(labels, cols)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

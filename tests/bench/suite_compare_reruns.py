#!/usr/bin/env python3
"""Rows rerun with another validation setting against the rows they replace, pair by pair.

  tests/bench/suite_compare_reruns.py RERUNS SEEDS_DIR [N=ROWS_DIR ...]

RERUNS: a `dragon bench rewards --seeds ... --only NAME` folder (seed-N subfolders) whose
finished rows (results/NAME.json, test/NAME/eval.jsonl) were run with the setting tried.
SEEDS_DIR and the N=ROWS_DIR replacements name the rows compared against, as in
suite_replace_rows.py: the last folder that holds a row of seed N gives it. A folder's rows are its
finished rewards (results/ and test/, so an `--only` folder of several calls gives all of them),
else its table.csv (a folder of gathered rows). For each rerun row it
prints whether the training followed the source's path (runs/NAME/metrics.csv: the same loss in
every round, so the two differ only in the checkpoint tested; "not checked" when the source folder
holds only a table), the kept round and the test win rate of both (* a reward-hacking flag: Vendi
below 0.80 or CLAP below 0.75 of the base's), then the mean over the rows, with flags as ties.
Not a test: a reading of finished benchmark folders.
"""
import csv
import functools
import json
import statistics
import sys
from pathlib import Path

from suite_guardrail_drift import folder_name
from suite_margin_changes import CLAP_FLOOR, VENDI_FLOOR
from suite_replace_rows import read_rows


def losses(run):
    metrics = run / "metrics.csv"
    if not metrics.exists():
        return None
    with open(metrics, newline="") as f:
        return [(r["round"], r["loss"]) for r in csv.DictReader(f)]


def flagged(e):
    return (e["vendi_policy"] < VENDI_FLOOR * e["vendi_base"]
            or e["clap_policy"] < CLAP_FLOOR * e["clap_base"])


@functools.lru_cache(maxsize=None)
def finished_rows(folder):
    """reward -> (kept round, test win rate, flag) of a folder's finished rewards (read once)."""
    folder = Path(folder)
    if not (folder / "results").is_dir():
        return {name: (int(r["kept_round"]), float(r["win_rate"]), bool(r["hacking"]))
                for name, r in read_rows(folder).items()}
    rows = {}
    for result in sorted((folder / "results").glob("*.json")):
        done = json.loads(result.read_text())
        test = folder / "test" / folder_name(done["reward"]) / "eval.jsonl"
        if test.exists():
            e = [json.loads(line) for line in open(test)][-1]
            rows[done["reward"]] = (done["keptRound"], e["win_rate"], flagged(e))
    return rows


def source_of(seed, name, seeds_dir, replace):
    source = seeds_dir / f"seed-{seed}"
    for folder in replace.get(seed, []):
        if name in finished_rows(str(folder)):
            source = Path(folder)
    return source


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    reruns, seeds_dir = Path(argv[1]), Path(argv[2])
    replace = {}
    for arg in argv[3:]:
        seed, _, folder = arg.partition("=")
        replace.setdefault(seed, []).append(folder)
    pairs = []
    for seed_dir in sorted(reruns.glob("seed-*"), key=lambda d: int(d.name[5:])):
        seed = seed_dir.name[5:]
        for name, (kept, new_win, new_flag) in finished_rows(str(seed_dir)).items():
            source = source_of(seed, name, seeds_dir, replace)
            old_kept, old_win, old_flag = finished_rows(str(source))[name]
            old_losses = losses(source / "runs" / folder_name(name))
            same = ("not checked" if old_losses is None else
                    "yes" if old_losses == losses(seed_dir / "runs" / folder_name(name)) else "NO")
            print(f"seed {seed} {name:44s} same training: {same:11s} kept {old_kept:>2} -> "
                  f"{kept:>2}  test {old_win:.3f}{'*' if old_flag else ' '} -> "
                  f"{new_win:.3f}{'*' if new_flag else ' '}")
            pairs.append(((old_win, old_flag), (new_win, new_flag)))
    if not pairs:
        print(f"{reruns}: no finished rows", file=sys.stderr)
        return 1

    def mean(side, ties):
        return statistics.mean(0.5 if ties and flag else win for win, flag in side)

    before, after = [p[0] for p in pairs], [p[1] for p in pairs]
    print(f"{len(pairs)} rows: before {mean(before, False):.4f} (flags as ties {mean(before, True):.4f}), "
          f"after {mean(after, False):.4f} (flags as ties {mean(after, True):.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

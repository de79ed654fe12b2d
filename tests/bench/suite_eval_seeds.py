#!/usr/bin/env python3
"""The instance rows of finished suite runs re-read with more eval seeds per prompt.

  tests/bench/suite_eval_seeds.py DRAGON WORK DIR/seed-N [DIR/seed-M ...] [--seeds 2,4,8]

DRAGON: the `dragon` binary; WORK: an empty folder for the copies, one subfolder per seed folder
(each row's clips are deleted after it is read, so it stays small). For every instance and
instance-to-distribution row of each seed folder's table.csv, a copy of its `test/NAME` folder is compared against the policy
the suite kept (`runs/NAME/kept-round-N.pt`) with `dragon compare COPY --model KEPT --seeds K`
for each K: the same eval prompts, and the first seeds of a larger K are the smaller K's (the
eval plan draws seed k of prompt i from the run seed, i and k alone), so the readings are paired.
At the suite's own K (budget.json's evalSeeds) each reading must reproduce the table's win rate;
a mismatch is printed and makes the exit status 1. Prints each row's win rate per K and seed,
then the mean over the rows of each half per K. Distribution-to-distribution rows are left
out (their win rate is a share of bootstrap draws; `dragon compare` counts instance wins).
Resumable: a row whose copy already holds its compare.json is not rerun.
Not a test: a reading of finished benchmark folders (about 15 s a row at 2 seeds, 50-90 s at 8
on two cores).
"""
import csv
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from suite_guardrail_drift import folder_name


def recorded(copy):
    """The win rate `dragon compare` recorded in COPY/compare/STAMP/compare.json, or None."""
    found = sorted(copy.glob("compare/*/compare.json"))
    if not found:
        return None
    return float(json.loads(found[-1].read_text())["rate"])


def reading(dragon, seed_dir, name, k, work):
    # One subfolder per seed folder, named by its last three path parts, so two suites' seed-N
    # folders given together do not share readings.
    copy = work / "_".join(seed_dir.resolve().parts[-3:]) / ("%s-k%d" % (name, k))
    rate = recorded(copy)
    if rate is not None:
        return rate
    kept = sorted((seed_dir / "runs" / name).glob("kept-round-*.pt"))
    if len(kept) != 1:
        raise SystemExit("%s: expected one kept-round-*.pt, found %d" % (seed_dir / "runs" / name, len(kept)))
    if copy.exists():
        shutil.rmtree(copy)
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(seed_dir / "test" / name, copy)
    log = copy.with_suffix(".log")
    with open(log, "w") as out:
        subprocess.run([str(dragon), "compare", str(copy), "--model", str(kept[0]), "--seeds", str(k)],
                       stdout=out, stderr=subprocess.STDOUT, check=False)
    for wav in copy.rglob("*.wav"):
        wav.unlink()
    rate = recorded(copy)
    if rate is None:
        raise SystemExit("%s: `dragon compare` wrote no compare.json (its output: %s)" % (copy, log))
    return rate


def main(args):
    ks = [2, 4, 8]
    if "--seeds" in args:
        i = args.index("--seeds")
        ks = [int(x) for x in args[i + 1].split(",")]
        del args[i:i + 2]
    if len(args) < 3:
        print(__doc__)
        return 2
    dragon, work, seed_dirs = Path(args[0]), Path(args[1]), [Path(a) for a in args[2:]]
    rows = {}  # (half, reward) -> {seed folder: {k: rate}}
    status = 0
    for seed_dir in seed_dirs:
        own_k = json.loads((seed_dir / "budget.json").read_text())["evalSeeds"]
        with open(seed_dir / "table.csv", newline="") as f:
            table = [r for r in csv.DictReader(f) if r["kind"] != "distribution-to-distribution"]
        for r in table:
            name = folder_name(r["reward"])
            rates = rows.setdefault((r["half"], r["reward"]), {}).setdefault(seed_dir, {})
            for k in ks:
                rates[k] = reading(dragon, seed_dir, name, k, work)
                print("%s %s k=%d: %.3f" % (seed_dir.name, r["reward"], k, rates[k]), flush=True)
                if k == own_k and abs(rates[k] - float(r["win_rate"])) > 1e-9:
                    print("  MISMATCH: the table says %s" % r["win_rate"])
                    status = 1
    print()
    print("| row (half) | %s |" % " | ".join("%d seeds" % k for k in ks))
    print("|---|%s" % ("---|" * len(ks)))
    for (half, reward), by_seed in rows.items():
        cells = [" / ".join("%.3f" % by_seed[s][k] for s in seed_dirs if s in by_seed) for k in ks]
        print("| %s (%s) | %s |" % (reward, half, " | ".join(cells)))
    for half in ("tuned", "held-out"):
        for k in ks:
            values = [v[k] for (h, _), by_seed in rows.items() if h == half for v in by_seed.values()]
            if values:
                print("%s half, instance rows (%d runs), %d seeds: mean %.3f"
                      % (half, len(values), k, statistics.mean(values)))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

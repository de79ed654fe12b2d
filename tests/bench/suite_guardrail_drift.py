#!/usr/bin/env python3
"""How far the guardrails and win rates of the reward suite's kept checkpoints move between the
validation prompts (where ValidationChoice judged them) and the eval prompts (where the table
reports them).

  tests/bench/suite_guardrail_drift.py DIR [DIR...]

DIR: a suite folder (`dragon bench rewards --out DIR`, with validation on) or a `--seeds` folder
(its seed-N subfolders are read). Prints, over every validated row, the mean and sample sd of
(eval ratio - validation ratio) for Vendi and CLAP (ratio: tuned / base), how often the eval ratio
is the lower one, the Vendi move per reward, how many rows that held in validation with a margin
of 0.05 or 0.1 fell below the plain floor on the eval prompts, and the rows flagged on the eval
prompts with their validation ratios; then the win rate's move (eval minus validation) by reward
kind, and the rows that won validation (above 0.7) but lost the test (below 0.5).
Not a test: a reading of finished benchmark folders.
"""
import csv
import json
import statistics
import sys
from pathlib import Path


def suite_folders(paths):
    for p in map(Path, paths):
        seeds = sorted(p.glob("seed-*"))
        yield from (seeds if seeds else [p])


def folder_name(reward):
    return "".join(c if c.isalnum() or c in "-." else "_" for c in reward)


def main(paths):
    vendi, clap, flagged, reversed_rows = [], [], [], []
    vendi_by_reward = {}  # reward -> [eval Vendi ratio - validation Vendi ratio]
    pairs = []  # (validation Vendi ratio, eval Vendi ratio)
    win_moves = {}  # kind -> [eval win rate - validation win rate]
    for folder in suite_folders(paths):
        for row in csv.DictReader(open(folder / "table.csv")):
            if not row["validation_win_rate"]:
                continue  # the final policy was tested: no validation reading
            kept = int(row["kept_round"])
            evals = [json.loads(line) for line in open(folder / "runs" / folder_name(row["reward"]) / "eval.jsonl")]
            v = next(e for e in evals if e["round"] == kept)
            val_vendi = v["vendi_policy"] / v["vendi_base"]
            val_clap = v["clap_policy"] / v["clap_base"]
            test_vendi = float(row["vendi_tuned"]) / float(row["vendi_base"])
            test_clap = float(row["clap_tuned"]) / float(row["clap_base"])
            win_moves.setdefault(row["kind"], []).append(float(row["win_rate"]) - v["win_rate"])
            if v["win_rate"] > 0.7 and float(row["win_rate"]) < 0.5:
                reversed_rows.append(f"  {folder.name} {row['reward']} (round {kept}): validation "
                                     f"{v['win_rate']:.3f}, test {float(row['win_rate']):.3f}")
            vendi.append(test_vendi - val_vendi)
            vendi_by_reward.setdefault(row["reward"], []).append(test_vendi - val_vendi)
            pairs.append((val_vendi, test_vendi))
            clap.append(test_clap - val_clap)
            if row["hacking"]:
                flagged.append(f"  {folder.name} {row['reward']} (round {kept}): Vendi {val_vendi:.0%} -> "
                               f"{test_vendi:.0%}, CLAP {val_clap:.0%} -> {test_clap:.0%}")
    if len(vendi) < 2:
        sys.exit("fewer than two validated rows in " + ", ".join(paths))
    for name, d in (("Vendi", vendi), ("CLAP", clap)):
        print(f"{name} ratio, eval minus validation, over {len(d)} rows: mean {statistics.mean(d):+.3f}, "
              f"sd {statistics.stdev(d):.3f}; eval lower in {sum(x < 0 for x in d)}")
    for reward, d in sorted(vendi_by_reward.items()):
        sd = f"sd {statistics.stdev(d):.3f}" if len(d) > 1 else "one row"
        print(f"  Vendi ratio move, {reward}: {len(d)} rows, mean {statistics.mean(d):+.3f}, {sd}")
    for margin in (0.05, 0.10):
        held = [t for v, t in pairs if v >= 0.80 + margin]
        print(f"held Vendi in validation with a margin of {margin:g}: {len(held)} rows, "
              f"{sum(t < 0.80 for t in held)} of them below 0.80 of the base's on the eval prompts")
    print(f"{len(flagged)} rows flagged on the eval prompts (validation -> eval ratio):")
    print("\n".join(flagged))
    for kind, d in sorted(win_moves.items()):
        sd = f"sd {statistics.stdev(d):.3f}" if len(d) > 1 else "one row"
        print(f"win rate, eval minus validation, {kind}: {len(d)} rows, mean "
              f"{statistics.mean(d):+.3f}, {sd}")
    print(f"{len(reversed_rows)} rows above 0.7 on validation and below 0.5 on the test:")
    print("\n".join(reversed_rows))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])

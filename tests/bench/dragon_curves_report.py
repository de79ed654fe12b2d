#!/usr/bin/env python3
"""Summarises tests/bench/dragon_curves.sh runs: per reward, the eval win rate with its Wilson
interval and sign-test p every 5 rounds, reward before/after and the guardrails (Vendi diversity
and pocket-CLAP text adherence of the eval batch), plus mean seconds per round by phase."""
import json
import os
import sys

out = sys.argv[1]
for name in ("clap", "per-song-fad", "fad"):
    path = os.path.join(out, name, "eval.jsonl")
    if not os.path.exists(path):
        continue
    print(f"\n## {name}")
    print("round | win rate [95% CI] | sign-test p | reward base -> policy | better by [95% CI] | Vendi base -> policy | CLAP base -> policy")
    for line in open(path):
        e = json.loads(line)
        print(f"{e['round']:5d} | {e['win_rate']:.3f} [{e['win_lower']:.3f}, {e['win_upper']:.3f}] | "
              f"{e['sign_test_p']:.2g} | {e['reward_base']:.4f} -> {e['reward_policy']:.4f} | "
              f"{e.get('delta', 0):+.4f} [{e.get('delta_lower', 0):+.4f}, {e.get('delta_upper', 0):+.4f}] | "
              f"{e['vendi_base']:.2f} -> {e['vendi_policy']:.2f} | {e['clap_base']:.3f} -> {e['clap_policy']:.3f}")
    rows = [json.loads(l) for l in open(os.path.join(out, name, "metrics.jsonl"))]
    if rows:
        keys = ["s_sample", "s_decode", "s_encode", "s_reward", "s_update", "s_checkpoint", "s_total"]
        means = {k: sum(r[k] for r in rows) / len(rows) for k in keys}
        print("mean seconds per round: " + ", ".join(f"{k[2:]} {v:.2f}" for k, v in means.items()))

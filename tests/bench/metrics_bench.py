#!/usr/bin/env python3
"""The reference side of `dragon bench-metrics`: the same metrics on the same inputs with numpy
and scipy (fadtk's sqrtm formula, vendi-score's eigvalsh of K/n, naive leave-one-out), timed the
same way (median of N runs), then agreement and time ratios. Run by tests/bench/metrics_bench.sh.
usage: metrics_bench.py DIR [REPEAT]
"""
import json
import sys
import time

import numpy as np
from scipy import linalg


def median_seconds(repeat, fn):
    times, value = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2], value


def fad(a, b):
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = linalg.sqrtm(s1.dot(s2), disp=False)
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean.real))


def vendi(x):
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    w = np.linalg.eigvalsh(x @ x.T / x.shape[0])
    p = w[w > 0]
    return float(np.exp(-(p * np.log(p)).sum()))


def main(out, repeat):
    cpp = json.load(open(f"{out}/cpp_results.json"))
    rows = lambda name, d: np.fromfile(f"{out}/{name}", dtype=np.float64).reshape(-1, d)
    print(f"{'metric':34s} {'ours (s)':>10s} {'python (s)':>11s} {'ratio':>7s}  rel. difference")
    for d in (128, 512):
        a, b = rows(f"fad_a_{d}.f64", d), rows(f"fad_b_{d}.f64", d)
        sec, val = median_seconds(repeat, lambda: fad(a, b))
        ours = cpp[f"fad_{d}"]
        print(f"{'FAD N=2000 D=%d (scipy sqrtm)' % d:34s} {ours['seconds']:10.4f} {sec:11.4f} "
              f"{sec / ours['seconds']:6.1f}x  {abs(ours['value'] - val) / abs(val):.2e}")
    x = rows("vendi_x.f64", 512)
    sec, val = median_seconds(repeat, lambda: vendi(x))
    ours = cpp["vendi"]
    print(f"{'Vendi n=1000 D=512 (eigvalsh K/n)':34s} {ours['seconds']:10.4f} {sec:11.4f} "
          f"{sec / ours['seconds']:6.1f}x  {abs(ours['value'] - val) / abs(val):.2e}")
    x, ref = rows("loo_x.f64", 128), rows("loo_ref.f64", 128)
    sec, vals = median_seconds(repeat, lambda: [fad(np.delete(x, i, axis=0), ref) for i in range(x.shape[0])])
    ours = cpp["loo"]
    worst = max(abs(o - v) / abs(v) for o, v in zip(ours["values"], vals))
    print(f"{'leave-one-out FAD n=64 D=128':34s} {ours['seconds']:10.4f} {sec:11.4f} "
          f"{sec / ours['seconds']:6.1f}x  {worst:.2e}")
    print(f"(ours, rank-1 down-dates vs our own naive recomputation: {ours['naive_seconds'] / ours['seconds']:.1f}x)")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3)

#!/usr/bin/env python3
"""Set rewards' win-rate intervals in suite tables written before 2026-12-07, re-read as the
engine reads them now (core/dragon/WinRateStatistics.cpp, bootstrapWinInterval), and the count of
lower bounds above 0.5 recounted.

  tests/bench/suite_set_intervals.py DIR/seed-N/table.csv [...]

A distribution-to-distribution row's win rate is the share of bootstrap draws the tuned set won
and p the bootstrap's two-sided p-value. The old interval was a Wilson interval over the eval
prompts, as if the share times the prompts were prompts won. The new one agrees with p: with
z = sign(rate - 0.5) Phi^-1(1 - p/2), [Phi(z - 1.96), Phi(z + 1.96)], widened to contain the rate;
its lower bound passes 0.5 exactly when p < 0.05. Instance and instance-to-distribution rows are
unchanged. Prints each set row (rate, p, old and new interval) and the two counts per table.
Not a test: a reading of finished benchmark folders.
"""
import csv
import sys
from statistics import NormalDist

Z95 = 1.959963984540054


def interval(rate, p):
    normal = NormalDist()
    z = 0.0 if rate == 0.5 else (1 if rate > 0.5 else -1) * normal.inv_cdf(1 - max(p, 1e-300) / 2)
    return min(rate, normal.cdf(z - Z95)), max(rate, normal.cdf(z + Z95))


def main(paths):
    if not paths:
        sys.exit(__doc__)
    for path in paths:
        before = after = rows = 0
        for row in csv.DictReader(open(path)):
            rows += 1
            rate, p = float(row['win_rate']), float(row['p'])
            old = float(row['win_lower']), float(row['win_upper'])
            new = interval(rate, p) if row['kind'] == 'distribution-to-distribution' else old
            before += old[0] > 0.5
            after += new[0] > 0.5
            if row['kind'] == 'distribution-to-distribution':
                changed = '  (no longer above 0.5)' if old[0] > 0.5 >= new[0] else ''
                print('  %-44s %.3f  p %.4f  [%.2f, %.2f] -> [%.2f, %.2f]%s' % (
                    row['reward'], rate, p, old[0], old[1], new[0], new[1], changed))
        print('%s: lower bounds above 0.5: %d of %d before, %d now' % (path, before, rows, after))


if __name__ == '__main__':
    main(sys.argv[1:])

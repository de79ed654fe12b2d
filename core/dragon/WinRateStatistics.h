#pragma once

#include <cstdint>
#include <utility>

namespace dragon {

// Win-rate statistics as the paper reports them (DESIGN section 3).
struct WinRate
{
    double wins = 0; // ties count half
    int trials = 0;
    double rate = 0;
    double lower = 0, upper = 0; // Wilson score interval (95 %); set rewards: bootstrapWinInterval
    double signTestP = 1;        // two-sided exact sign test, ties dropped
};

// Wilson score interval for `successes` of `trials` (successes may be fractional: ties = 0.5).
std::pair<double, double> wilsonInterval(double successes, int trials,
                                         double z = 1.959963984540054);
// The fewest wins out of `trials` (no ties) whose Wilson lower bound is above `floor`: how many
// evaluation prompts the tuned model must win for the interval to clear it (12 of 16 for 0.5).
// -1 when even `trials` of `trials` does not (3 or fewer trials for 0.5).
int winsToClear(int trials, double floor = 0.5);
// Two-sided exact binomial (p = 0.5) test of `wins` against `losses`.
double signTestPValue(int wins, int losses);
// From per-trial outcomes: +1 win, 0 tie, -1 loss.
WinRate winRateFromOutcomes(const int *outcomes, int count);
// The interval of a set reward's win rate (`rate`: the share of bootstrap draws the policy's set
// won, ties half; `p`: the bootstrap's two-sided p-value). The draws are not independent trials,
// so no count of them, nor the number of prompts, is a sample size. Instead, with
// z = sign(rate - 0.5) * Phi^-1(1 - p / 2), the band is [Phi(z - 1.96), Phi(z + 1.96)]: the share
// the bootstrap would give had the change sat at either end of its (normal) 95 % interval,
// widened to contain `rate`. Its lower bound is above 0.5 exactly when rate > 0.5 and p < 0.05,
// so the interval and the p-value never disagree.
std::pair<double, double> bootstrapWinInterval(double rate, double p);

} // namespace dragon

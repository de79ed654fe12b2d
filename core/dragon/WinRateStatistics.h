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
    double lower = 0, upper = 0; // Wilson score interval (95 % by default)
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

} // namespace dragon

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
// Two-sided exact binomial (p = 0.5) test of `wins` against `losses`.
double signTestPValue(int wins, int losses);
// From per-trial outcomes: +1 win, 0 tie, -1 loss.
WinRate winRateFromOutcomes(const int *outcomes, int count);

} // namespace dragon

#include "dragon/WinRateStatistics.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace dragon {
namespace {

double normalCdf(double x)
{
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// Phi^-1(q) for 0 < q < 1 by bisection on the CDF (monotone; 200 halvings reach double precision
// long before they end, and this runs once an evaluation).
double normalQuantile(double q)
{
    double lo = -40, hi = 40;
    for (int i = 0; i < 200 && hi - lo > 1e-12; ++i) {
        const double mid = 0.5 * (lo + hi);
        (normalCdf(mid) < q ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

} // namespace

std::pair<double, double> wilsonInterval(double successes, int trials, double z)
{
    if (trials <= 0)
        return {0.0, 1.0};
    const double n = trials, p = successes / n, z2 = z * z;
    const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

int winsToClear(int trials, double floor)
{
    for (int wins = 0; wins <= trials; ++wins)
        if (wilsonInterval(wins, trials).first > floor)
            return wins;
    return -1;
}

double signTestPValue(int wins, int losses)
{
    const int n = wins + losses;
    if (n == 0)
        return 1.0;
    const int k = std::min(wins, losses);
    // P(X <= k) for X ~ Binomial(n, 1/2), in log space for large n; doubled, capped at 1.
    double tail = 0;
    for (int i = 0; i <= k; ++i)
        tail += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) -
                         n * std::log(2.0));
    return std::min(1.0, 2 * tail);
}

WinRate winRateFromOutcomes(const int *outcomes, int count)
{
    WinRate r;
    int wins = 0, losses = 0, ties = 0;
    for (int i = 0; i < count; ++i)
        (outcomes[i] > 0 ? wins : outcomes[i] < 0 ? losses : ties)++;
    r.trials = count;
    r.wins = wins + 0.5 * ties;
    r.rate = count > 0 ? r.wins / count : 0.0;
    std::tie(r.lower, r.upper) = wilsonInterval(r.wins, count);
    r.signTestP = signTestPValue(wins, losses);
    return r;
}

std::pair<double, double> bootstrapWinInterval(double rate, double p)
{
    constexpr double z95 = 1.959963984540054;
    const double tail = std::clamp(p, 1e-300, 1.0) / 2;
    const double z = rate == 0.5 ? 0.0 : (rate > 0.5 ? 1 : -1) * normalQuantile(1 - tail);
    return {std::min(rate, normalCdf(z - z95)), std::max(rate, normalCdf(z + z95))};
}

} // namespace dragon

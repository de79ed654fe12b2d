#include "metrics/SeparationAuc.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace dragon {

double separationAuc(const std::vector<double> &positives, const std::vector<double> &negatives)
{
    // Rank-sum form: sort both sides together, give tied runs their mean rank.
    std::vector<std::pair<double, bool>> all; // value, is positive
    for (double v : positives)
        if (std::isfinite(v))
            all.emplace_back(v, true);
    const std::size_t p = all.size();
    for (double v : negatives)
        if (std::isfinite(v))
            all.emplace_back(v, false);
    const std::size_t n = all.size() - p;
    if (p == 0 || n == 0)
        return std::numeric_limits<double>::quiet_NaN();
    std::sort(all.begin(), all.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    double positiveRanks = 0;
    for (std::size_t i = 0; i < all.size();) {
        std::size_t j = i;
        while (j < all.size() && all[j].first == all[i].first)
            ++j;
        const double meanRank = 0.5 * double(i + 1 + j); // ranks i+1 .. j
        for (std::size_t k = i; k < j; ++k)
            if (all[k].second)
                positiveRanks += meanRank;
        i = j;
    }
    const double u = positiveRanks - double(p) * double(p + 1) / 2.0;
    return u / (double(p) * double(n));
}

const char *separationReading(double auc)
{
    if (!std::isfinite(auc))
        return "unknown";
    if (auc >= 0.8)
        return "well";
    if (auc >= 0.65)
        return "barely";
    if (auc > 0.35)
        return "not at all";
    return "reversed";
}

} // namespace dragon

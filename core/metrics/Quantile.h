#pragma once

#include <algorithm>
#include <vector>

namespace dragon {

// The q-quantile (0 <= q <= 1) of `values` with linear interpolation between order statistics
// (numpy's default); 0 for no values.
inline double quantile(std::vector<double> values, double q)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const double pos = q * double(values.size() - 1);
    const std::size_t lo = std::size_t(pos), hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (pos - double(lo)) * (values[hi] - values[lo]);
}

} // namespace dragon

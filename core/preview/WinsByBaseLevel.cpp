#include "preview/WinsByBaseLevel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace dragon {

std::vector<BaseLevelGroup> WinsByBaseLevel::split(const std::vector<double> &baseMean,
                                                   const std::vector<double> &tunedMean,
                                                   const std::vector<int> &outcomes, int groups)
{
    const std::size_t prompts = baseMean.size();
    if (tunedMean.size() != prompts || outcomes.size() != prompts || groups < 1)
        throw std::invalid_argument("WinsByBaseLevel: sizes disagree");
    std::vector<std::size_t> order(prompts);
    std::iota(order.begin(), order.end(), 0);
    // A non-finite mean sorts first, so the order stays a strict weak ordering.
    const auto level = [&baseMean](std::size_t p) {
        return std::isnan(baseMean[p]) ? -std::numeric_limits<double>::infinity() : baseMean[p];
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return level(a) < level(b); });
    const std::size_t count = std::min(prompts, std::size_t(groups));
    std::vector<BaseLevelGroup> result(count);
    std::size_t next = 0;
    for (std::size_t g = 0; g < count; ++g) {
        BaseLevelGroup &group = result[g];
        group.prompts = int(prompts / count + (g < prompts % count ? 1 : 0));
        for (int k = 0; k < group.prompts; ++k, ++next) {
            const std::size_t p = order[next];
            group.wins += outcomes[p] > 0 ? 1.0 : outcomes[p] == 0 ? 0.5 : 0.0;
            group.baseMean += baseMean[p];
            group.tunedMean += tunedMean[p];
        }
        group.baseMean /= group.prompts;
        group.tunedMean /= group.prompts;
    }
    return result;
}

const char *WinsByBaseLevel::label(std::size_t group, std::size_t groups)
{
    if (groups == 3)
        return group == 0 ? "lowest third" : group == 1 ? "middle third" : "highest third";
    if (groups == 2)
        return group == 0 ? "lower half" : "upper half";
    return groups == 1 ? "all" : "a group";
}

} // namespace dragon

#pragma once

#include <array>
#include <vector>

namespace dragon {

// A 2-D map of embeddings for the eye: rows projected on their first two principal components
// (centred; the components' signs fixed so the largest loading of each is positive, so the same
// rows always give the same picture). Rows must share one length; fewer than 2 rows, or rows
// without spread, map to the origin. `explained` (optional) gets each component's share of the
// total variance.
struct PrincipalMap
{
    std::vector<std::array<double, 2>> points;
    std::array<double, 2> explained{{0.0, 0.0}};

    static PrincipalMap of(const std::vector<std::vector<float>> &rows);
};

} // namespace dragon

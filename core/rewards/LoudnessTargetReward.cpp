#include "rewards/LoudnessTargetReward.h"

#include <cmath>

namespace dragon {

std::vector<double> LoudnessTargetReward::scoreEach(const RewardBatch &batch) const
{
    std::vector<double> out;
    for (double lufs : batch.loudnessLufs)
        out.push_back(-std::abs((std::isfinite(lufs) ? std::max(lufs, -70.0) : -70.0) - m_target));
    return out;
}

} // namespace dragon

#include "rewards/Reward.h"

#include <numeric>
#include <stdexcept>

namespace dragon {

const char *rewardKindName(RewardKind kind)
{
    switch (kind) {
    case RewardKind::Instance:
        return "instance";
    case RewardKind::InstanceToDistribution:
        return "instance-to-distribution";
    case RewardKind::DistributionToDistribution:
        return "distribution-to-distribution";
    }
    return "?";
}

std::vector<double> Reward::scoreEach(const RewardBatch &) const
{
    throw std::logic_error(name() +
                           " is a set reward: it scores whole batches, not single samples");
}

double Reward::scoreSet(const RewardBatch &batch) const
{
    const auto values = scoreEach(batch);
    return values.empty()
               ? 0.0
               : std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
}

std::vector<double> Reward::utilities(const RewardBatch &batch) const
{
    auto values = scoreEach(batch);
    for (double &v : values)
        v *= sign();
    return values;
}

} // namespace dragon

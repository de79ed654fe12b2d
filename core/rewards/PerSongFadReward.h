#pragma once

#include "metrics/FrechetDistance.h"
#include "rewards/Reward.h"

namespace dragon {

// Per-song FAD (fadtk): the Fréchet distance between one sample's frame embeddings and all frame
// embeddings of the exemplar set (lower is better).
class PerSongFadReward : public Reward
{
public:
    explicit PerSongFadReward(const Eigen::MatrixXd &referenceFrameRows);
    std::string name() const override { return "per-song-fad"; }
    RewardKind kind() const override { return RewardKind::InstanceToDistribution; }
    RewardDirection direction() const override { return RewardDirection::LowerIsBetter; }
    std::vector<double> scoreEach(const RewardBatch &batch) const override;

private:
    GaussianStats m_reference;
};

} // namespace dragon

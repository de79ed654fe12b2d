#pragma once

#include "rewards/Reward.h"

namespace dragon {

// Closeness to a target integrated loudness (EBU R128): -|LUFS - target| (higher is better).
// Digital silence counts as -70 LUFS (the R128 absolute gate).
class LoudnessTargetReward : public Reward
{
public:
    explicit LoudnessTargetReward(double targetLufs) : m_target(targetLufs) {}
    std::string name() const override { return "loudness"; }
    RewardKind kind() const override { return RewardKind::Instance; }
    RewardDirection direction() const override { return RewardDirection::HigherIsBetter; }
    bool needsLoudness() const override { return true; }
    std::vector<double> scoreEach(const RewardBatch &batch) const override;

private:
    double m_target;
};

} // namespace dragon

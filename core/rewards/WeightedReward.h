#pragma once

#include "rewards/Reward.h"

#include <memory>
#include <vector>

namespace dragon {

// Weighted combination of rewards (DESIGN: multi-term rewards). Per-sample values are
// sum_k w_k * z_k, where z_k standardises term k's utilities over the batch (mean 0, std 1; a
// term that is constant over the batch contributes 0). A negative weight moves away from a
// term. Higher is better. scoreEach needs only instance terms; scoreSet is sum_k w_k * sign_k *
// scoreSet_k in raw units (for reports).
class WeightedReward : public Reward
{
public:
    struct Term
    {
        std::shared_ptr<Reward> reward;
        double weight = 1.0;
    };
    explicit WeightedReward(std::vector<Term> terms);
    std::string name() const override;
    RewardKind kind() const override;
    RewardDirection direction() const override { return RewardDirection::HigherIsBetter; }
    bool needsLoudness() const override;
    std::vector<double> scoreEach(const RewardBatch &batch) const override;
    double scoreSet(const RewardBatch &batch) const override;
    std::vector<double> utilities(const RewardBatch &batch) const override;
    const std::vector<Term> &terms() const { return m_terms; }

    static std::vector<double> standardised(std::vector<double> values);

private:
    std::vector<Term> m_terms;
};

} // namespace dragon

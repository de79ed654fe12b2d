#pragma once

#include "rewards/Reward.h"

#include <memory>
#include <vector>

namespace dragon {

// Weighted combination of rewards (DESIGN: multi-term rewards). Per-sample values are
// sum_k w_k * z_k, where z_k standardises term k's utilities (mean 0, std 1; a term without
// spread contributes 0). Until freezeScales() the statistics are the batch's own, which makes
// every batch average 0; a training run freezes them on the base model's first batch, so values
// of later batches are comparable (a better model scores above 0) and the evaluation's paired
// differences mean something. A negative weight moves away from a term. Higher is better.
// scoreEach needs only instance terms; scoreSet is sum_k w_k * sign_k * scoreSet_k in raw
// units (for reports).
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

    struct Scale
    {
        double mean = 0, sd = 0;
    };
    // Fixes each term's standardisation to its utilities' mean and std over `batch`.
    void freezeScales(const RewardBatch &batch);
    void setScales(const std::vector<Scale> &scales); // one per term (throws otherwise)
    const std::vector<Scale> &scales() const { return m_scales; }
    bool frozen() const { return !m_scales.empty(); }

    static std::vector<double> standardised(std::vector<double> values);

private:
    std::vector<Term> m_terms;
    std::vector<Scale> m_scales; // empty: per-batch statistics
};

} // namespace dragon

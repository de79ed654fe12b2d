#pragma once

#include "metrics/FrechetDistance.h"
#include "rewards/SetReward.h"

namespace dragon {

// FAD-inf (fadtk's extrapolation to an infinite sample) of the batch's clip embeddings against
// the exemplar set (lower is better). A fixed seed makes it a deterministic function of the
// batch. Leave-one-out by recomputation: meant for evaluation and small batches.
class FadInfReward : public SetReward
{
public:
    FadInfReward(const Eigen::MatrixXd &referenceRows, int steps = 25, int minN = 500);
    std::string name() const override { return "fad-inf"; }
    RewardDirection direction() const override { return RewardDirection::LowerIsBetter; }
    double scoreRows(const Eigen::MatrixXd &rows) const override;

private:
    GaussianStats m_reference;
    int m_steps, m_minN;
};

} // namespace dragon

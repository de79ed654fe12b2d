#pragma once

#include "rewards/SetReward.h"

namespace dragon {

// Vendi diversity of the batch's clip embeddings (order q; higher is better). Needs no
// exemplars; leave-one-out by recomputation (batches are small).
class VendiReward : public SetReward
{
public:
    explicit VendiReward(double order = 1.0) : m_order(order) {}
    std::string name() const override { return "vendi"; }
    RewardDirection direction() const override { return RewardDirection::HigherIsBetter; }
    double scoreRows(const Eigen::MatrixXd &rows) const override;

private:
    double m_order;
};

} // namespace dragon

#pragma once

#include "rewards/SetReward.h"

namespace dragon {

// Kernel distance (unbiased MMD^2, cubic polynomial kernel) between the batch's clip embeddings
// and the exemplar set (lower is better); exact leave-one-out from kernel row sums.
class KidReward : public SetReward
{
public:
    explicit KidReward(Eigen::MatrixXd referenceRows) : m_reference(std::move(referenceRows)) {}
    std::string name() const override { return "kid"; }
    RewardDirection direction() const override { return RewardDirection::LowerIsBetter; }
    double scoreRows(const Eigen::MatrixXd &rows) const override;
    std::vector<double> leaveOneOut(const Eigen::MatrixXd &rows) const override;

private:
    Eigen::MatrixXd m_reference;
};

} // namespace dragon

#pragma once

#include "rewards/Reward.h"

#include <Eigen/Dense>

namespace dragon {

// Base of distribution-to-distribution rewards over clip embeddings. utilities() are
// leave-one-out contributions; subclasses with a cheaper exact form override leaveOneOut().
class SetReward : public Reward
{
public:
    RewardKind kind() const override { return RewardKind::DistributionToDistribution; }
    double scoreSet(const RewardBatch &batch) const override;
    std::vector<double> utilities(const RewardBatch &batch) const override;

    virtual double scoreRows(const Eigen::MatrixXd &rows) const = 0;
    // R(rows without row i) for every i; the default recomputes (n scoreRows calls).
    virtual std::vector<double> leaveOneOut(const Eigen::MatrixXd &rows) const;
};

} // namespace dragon

#pragma once

#include "metrics/FrechetDistance.h"
#include "rewards/SetReward.h"

namespace dragon {

// FAD between the batch's clip embeddings and the exemplar set's (lower is better). Leave-one-
// out contributions use rank-1 down-dates (frechetDistanceLeaveOneOut).
class DatasetFadReward : public SetReward
{
public:
    explicit DatasetFadReward(const Eigen::MatrixXd &referenceRows);
    std::string name() const override { return "fad"; }
    RewardDirection direction() const override { return RewardDirection::LowerIsBetter; }
    double scoreRows(const Eigen::MatrixXd &rows) const override;
    std::vector<double> leaveOneOut(const Eigen::MatrixXd &rows) const override;

private:
    GaussianStats m_reference;
};

} // namespace dragon

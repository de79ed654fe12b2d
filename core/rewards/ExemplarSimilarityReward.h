#pragma once

#include "rewards/Reward.h"

#include <Eigen/Dense>

namespace dragon {

// Cosine similarity of each sample's clip embedding to the exemplar set (higher is better):
// to the centroid of the L2-normalised exemplars (topK = 0), or the mean of the topK largest
// cosines to individual exemplars.
class ExemplarSimilarityReward : public Reward
{
public:
    ExemplarSimilarityReward(const Eigen::MatrixXd &referenceRows, int topK = 0);
    std::string name() const override
    {
        return m_topK > 0 ? "exemplar-top-k" : "exemplar-centroid";
    }
    RewardKind kind() const override { return RewardKind::InstanceToDistribution; }
    RewardDirection direction() const override { return RewardDirection::HigherIsBetter; }
    std::vector<double> scoreEach(const RewardBatch &batch) const override;

private:
    Eigen::MatrixXd m_unitRows; // normalised exemplars
    Eigen::VectorXd m_centroid; // their mean (not renormalised: cosine uses its direction)
    int m_topK;
};

} // namespace dragon

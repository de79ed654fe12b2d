#include "rewards/PerSongFadReward.h"

#include "rewards/EmbeddingMatrix.h"

namespace dragon {

PerSongFadReward::PerSongFadReward(const Eigen::MatrixXd &referenceFrameRows)
    : m_reference(GaussianStats::fromRows(referenceFrameRows))
{
}

std::vector<double> PerSongFadReward::scoreEach(const RewardBatch &batch) const
{
    std::vector<double> out;
    for (const auto &e : batch.embeddings)
        out.push_back(frechetDistance(m_reference, GaussianStats::fromRows(framesMatrix(e))));
    return out;
}

} // namespace dragon

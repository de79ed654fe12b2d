#include "rewards/SetReward.h"

#include "rewards/EmbeddingMatrix.h"

namespace dragon {

double SetReward::scoreSet(const RewardBatch &batch) const
{
    return scoreRows(clipMatrix(batch.embeddings));
}

std::vector<double> SetReward::utilities(const RewardBatch &batch) const
{
    const Eigen::MatrixXd rows = clipMatrix(batch.embeddings);
    const double full = scoreRows(rows);
    auto out = leaveOneOut(rows);
    for (double &v : out)
        v = sign() * (full - v);
    return out;
}

std::vector<double> SetReward::leaveOneOut(const Eigen::MatrixXd &rows) const
{
    std::vector<double> out;
    const Eigen::Index n = rows.rows();
    for (Eigen::Index i = 0; i < n; ++i) {
        Eigen::MatrixXd without(n - 1, rows.cols());
        without.topRows(i) = rows.topRows(i);
        without.bottomRows(n - 1 - i) = rows.bottomRows(n - 1 - i);
        out.push_back(scoreRows(without));
    }
    return out;
}

} // namespace dragon

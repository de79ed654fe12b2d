#include "rewards/ExemplarSimilarityReward.h"

#include <algorithm>
#include <functional>

namespace dragon {
namespace {
Eigen::VectorXd unit(const Eigen::VectorXd &v)
{
    const double n = v.norm();
    return n > 0 ? Eigen::VectorXd(v / n) : Eigen::VectorXd::Zero(v.size());
}
} // namespace

ExemplarSimilarityReward::ExemplarSimilarityReward(const Eigen::MatrixXd &referenceRows, int topK)
    : m_unitRows(referenceRows), m_topK(topK)
{
    for (Eigen::Index i = 0; i < m_unitRows.rows(); ++i)
        m_unitRows.row(i) = unit(m_unitRows.row(i).transpose()).transpose();
    m_centroid = m_unitRows.colwise().mean().transpose();
}

std::vector<double> ExemplarSimilarityReward::scoreEach(const RewardBatch &batch) const
{
    std::vector<double> out;
    for (const auto &e : batch.embeddings) {
        const Eigen::VectorXd x =
            unit(Eigen::Map<const Eigen::VectorXf>(e.clip.data(), e.dimension).cast<double>());
        if (m_topK <= 0) {
            out.push_back(x.dot(unit(m_centroid)));
            continue;
        }
        Eigen::VectorXd cosines = m_unitRows * x;
        std::vector<double> sorted(cosines.data(), cosines.data() + cosines.size());
        const std::size_t k = std::min<std::size_t>(std::size_t(m_topK), sorted.size());
        std::partial_sort(sorted.begin(), sorted.begin() + long(k), sorted.end(), std::greater<>());
        double sum = 0;
        for (std::size_t i = 0; i < k; ++i)
            sum += sorted[i];
        out.push_back(k > 0 ? sum / double(k) : 0.0);
    }
    return out;
}

} // namespace dragon

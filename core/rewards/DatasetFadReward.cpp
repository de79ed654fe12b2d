#include "rewards/DatasetFadReward.h"

namespace dragon {

DatasetFadReward::DatasetFadReward(const Eigen::MatrixXd &referenceRows)
    : m_reference(GaussianStats::fromRows(referenceRows))
{
}

double DatasetFadReward::scoreRows(const Eigen::MatrixXd &rows) const
{
    return frechetDistance(m_reference, GaussianStats::fromRows(rows));
}

std::vector<double> DatasetFadReward::leaveOneOut(const Eigen::MatrixXd &rows) const
{
    return frechetDistanceLeaveOneOut(rows, m_reference);
}

} // namespace dragon

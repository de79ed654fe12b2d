#include "rewards/KidReward.h"

#include "metrics/KernelInceptionDistance.h"

namespace dragon {

double KidReward::scoreRows(const Eigen::MatrixXd &rows) const
{
    return kernelInceptionDistance(rows, m_reference);
}

std::vector<double> KidReward::leaveOneOut(const Eigen::MatrixXd &rows) const
{
    return kernelInceptionDistanceLeaveOneOut(rows, m_reference);
}

} // namespace dragon

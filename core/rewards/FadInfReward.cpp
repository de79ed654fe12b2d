#include "rewards/FadInfReward.h"

namespace dragon {

FadInfReward::FadInfReward(const Eigen::MatrixXd &referenceRows, int steps, int minN)
    : m_reference(GaussianStats::fromRows(referenceRows)), m_steps(steps), m_minN(minN)
{
}

double FadInfReward::scoreRows(const Eigen::MatrixXd &rows) const
{
    return fadInf(rows, m_reference, m_steps, m_minN, 0).fadInf;
}

} // namespace dragon

#include "rewards/VendiReward.h"

#include "metrics/VendiScore.h"

namespace dragon {

double VendiReward::scoreRows(const Eigen::MatrixXd &rows) const
{
    return vendiScore(rows, m_order);
}

} // namespace dragon

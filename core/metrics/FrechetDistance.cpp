#include "metrics/FrechetDistance.h"

#include <algorithm>
#include <cmath>

namespace dragon {

GaussianStats GaussianStats::fromRows(const Eigen::MatrixXd &rows)
{
    GaussianStats s;
    s.mean = rows.colwise().mean().transpose();
    const Eigen::MatrixXd centred = rows.rowwise() - s.mean.transpose();
    const double n = std::max<double>(1.0, double(rows.rows()) - 1.0);
    s.covariance = (centred.transpose() * centred) / n;
    return s;
}

double frechetDistance(const GaussianStats &a, const GaussianStats &b)
{
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> first(a.covariance);
    const Eigen::VectorXd roots = first.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    const Eigen::MatrixXd sqrtA = first.eigenvectors() * roots.asDiagonal() * first.eigenvectors().transpose();
    Eigen::MatrixXd m = sqrtA * b.covariance * sqrtA;
    m = 0.5 * (m + m.transpose());
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> second(m, Eigen::EigenvaluesOnly);
    const double traceSqrt = second.eigenvalues().cwiseMax(0.0).cwiseSqrt().sum();
    const double distance = (a.mean - b.mean).squaredNorm() + a.covariance.trace() +
                            b.covariance.trace() - 2.0 * traceSqrt;
    return std::max(0.0, distance);
}

} // namespace dragon

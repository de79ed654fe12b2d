#pragma once

#include <Eigen/Dense>

namespace dragon {

// Gaussian statistics of a set of embeddings and the Fréchet distance between two of them:
// ||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr((sqrt(S1) S2 sqrt(S1))^(1/2)), computed in float64
// through symmetric eigendecompositions (never a complex sqrtm). Negative eigenvalues from
// rounding are clamped to zero, so the result is finite and >= 0 (clamped at 0).
struct GaussianStats
{
    Eigen::VectorXd mean;
    Eigen::MatrixXd covariance;
    static GaussianStats fromRows(const Eigen::MatrixXd &rows); // unbiased covariance (n-1)
};

double frechetDistance(const GaussianStats &a, const GaussianStats &b);

} // namespace dragon

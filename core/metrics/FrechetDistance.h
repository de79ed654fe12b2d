#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <utility>
#include <vector>

namespace dragon {

// Gaussian statistics of a set of embeddings and the Fréchet distance between two of them:
// ||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr((sqrt(S1) S2 sqrt(S1))^(1/2)), computed in float64
// through symmetric matrices only (never a complex sqrtm): the eigenvalues of L^T S2 L with
// S1 = L L^T (Cholesky), or of sqrt(S1) S2 sqrt(S1) when S1 is singular. Negative eigenvalues from
// rounding are clamped to zero, so the result is finite and >= 0 (clamped at 0).
// Ill-conditioned sets are fine: fewer rows than dimensions or duplicated rows give a singular
// covariance (handled exactly by the clamped eigenvalues); one row gives a zero covariance;
// a constant set against itself gives 0.
struct GaussianStats
{
    Eigen::VectorXd mean;
    Eigen::MatrixXd covariance;
    static GaussianStats fromRows(const Eigen::MatrixXd &rows); // unbiased covariance (n-1)
};

double frechetDistance(const GaussianStats &a, const GaussianStats &b);

// FAD of `rows` without row i against `reference`, for every i, from rank-1 down-dates of the
// mean and scatter matrix: sqrt(S_ref) is computed once and each i needs one eigenvalues-only
// solve of sqrt(S_ref) S_i sqrt(S_ref) = (B - c w w^T) / (n - 2) instead of rebuilding the
// covariance and two full eigendecompositions. Needs at least 3 rows (else all zeros).
std::vector<double> frechetDistanceLeaveOneOut(const Eigen::MatrixXd &rows,
                                               const GaussianStats &reference);

// FAD-inf as in fadtk: FAD of `steps` bootstrap subsets (rows drawn with replacement) of sizes
// n = linspace(minN, N), then a least-squares line FAD = slope / n + intercept; FAD-inf is the
// intercept (the FAD of an infinite sample). If N < minN, minN becomes max(2, N / 5).
struct FadInfResult
{
    double fadInf = 0, slope = 0, rSquared = 0;
    std::vector<std::pair<int, double>> points; // (n, FAD)
};
FadInfResult fadInf(const Eigen::MatrixXd &rows, const GaussianStats &reference, int steps = 25,
                    int minN = 500, std::uint64_t seed = 0);
// The regression step alone (exposed for tests against numpy.polyfit).
FadInfResult fitInverseN(const std::vector<std::pair<int, double>> &points);

} // namespace dragon

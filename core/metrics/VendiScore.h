#pragma once

#include <Eigen/Dense>
#include <limits>

namespace dragon {

// Vendi score (Friedman & Dieng 2023) with the cosine kernel: rows are L2-normalised, K = X X^T,
// and the score is exp of the order-q Renyi entropy of the eigenvalues of K / n
// (q = 1: Shannon; q = infinity: 1 / largest eigenvalue). When D < n the eigenvalues come from
// the D x D dual matrix X^T X / n (same non-zero spectrum, much cheaper). float64 throughout;
// eigenvalues below zero (rounding) are dropped. Documented edge cases: an empty set scores 0,
// a set of identical rows 1; all-zero rows count as the same point (their own direction).
constexpr double kVendiInfinity = std::numeric_limits<double>::infinity();
double vendiScore(const Eigen::MatrixXd &rows, double q = 1.0);

} // namespace dragon

#pragma once

#include <Eigen/Dense>
#include <vector>

namespace dragon {

// Kernel distance (KID, Binkowski et al. 2018) between two sets of embeddings: the unbiased
// estimator of the squared MMD with the cubic polynomial kernel k(x, y) = (x.y / D + 1)^3, over
// the whole sets (no subset averaging). It is an unbiased estimate of a non-negative quantity,
// so it can come out slightly below zero for near-identical sets: that is the estimator, not an
// error. Needs at least 2 rows per set (else 0).
double kernelInceptionDistance(const Eigen::MatrixXd &a, const Eigen::MatrixXd &b);

// KID of `a` without row i against `b`, for every i: O(n (n + m) D) in all, from row sums of the
// kernel matrices (no recomputation per i).
std::vector<double> kernelInceptionDistanceLeaveOneOut(const Eigen::MatrixXd &a,
                                                       const Eigen::MatrixXd &b);

} // namespace dragon

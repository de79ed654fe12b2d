#include "metrics/FrechetDistance.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace dragon {

namespace {

Eigen::MatrixXd symmetricSqrt(const Eigen::MatrixXd &m)
{
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(m);
    const Eigen::VectorXd roots = solver.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    return solver.eigenvectors() * roots.asDiagonal() * solver.eigenvectors().transpose();
}

double traceOfSqrt(Eigen::MatrixXd m)
{
    m = 0.5 * (m + m.transpose());
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(m, Eigen::EigenvaluesOnly);
    return solver.eigenvalues().cwiseMax(0.0).cwiseSqrt().sum();
}

} // namespace

GaussianStats GaussianStats::fromRows(const Eigen::MatrixXd &rows)
{
    GaussianStats s;
    s.mean = rows.colwise().mean().transpose();
    const Eigen::MatrixXd centred = rows.rowwise() - s.mean.transpose();
    const double n = std::max<double>(1.0, double(rows.rows()) - 1.0);
    // A symmetric rank-k update computes one triangle: half the work of centred^T centred.
    s.covariance = Eigen::MatrixXd::Zero(rows.cols(), rows.cols());
    s.covariance.selfadjointView<Eigen::Lower>().rankUpdate(centred.transpose(), 1.0 / n);
    s.covariance.triangularView<Eigen::StrictlyUpper>() = s.covariance.transpose();
    return s;
}

double frechetDistance(const GaussianStats &a, const GaussianStats &b)
{
    // tr sqrt(S_a S_b): the eigenvalues of S_a S_b are those of L^T S_b L for S_a = L L^T, and a
    // Cholesky factor costs a fraction of a full eigendecomposition. A singular S_a (fewer rows
    // than dimensions, duplicates) has no Cholesky factor: then sqrt(S_a) S_b sqrt(S_a) via a
    // symmetric eigendecomposition, which handles it exactly.
    double crossTrace = 0;
    Eigen::LLT<Eigen::MatrixXd> cholesky(a.covariance);
    if (cholesky.info() == Eigen::Success) {
        const Eigen::MatrixXd l = cholesky.matrixL();
        const Eigen::MatrixXd m = l.transpose() * b.covariance.selfadjointView<Eigen::Lower>() * l;
        crossTrace = traceOfSqrt(m);
    } else {
        const Eigen::MatrixXd sqrtA = symmetricSqrt(a.covariance);
        crossTrace = traceOfSqrt(sqrtA * b.covariance * sqrtA);
    }
    const double distance = (a.mean - b.mean).squaredNorm() + a.covariance.trace() +
                            b.covariance.trace() - 2.0 * crossTrace;
    return std::max(0.0, distance);
}

std::vector<double> frechetDistanceLeaveOneOut(const Eigen::MatrixXd &rows,
                                               const GaussianStats &reference)
{
    const Eigen::Index n = rows.rows();
    std::vector<double> out(std::size_t(n), 0.0);
    if (n < 3)
        return out;
    const Eigen::VectorXd mean = rows.colwise().mean().transpose();
    const Eigen::MatrixXd centred = rows.rowwise() - mean.transpose();
    const Eigen::MatrixXd scatter = centred.transpose() * centred; // (n - 1) S
    const Eigen::MatrixXd sqrtRef = symmetricSqrt(reference.covariance);
    const Eigen::MatrixXd b = sqrtRef * scatter * sqrtRef;
    const double c = double(n) / double(n - 1);
    const double scatterTrace = scatter.trace(), refTrace = reference.covariance.trace();
    for (Eigen::Index i = 0; i < n; ++i) {
        const Eigen::VectorXd v = centred.row(i).transpose(); // x_i - mean
        const Eigen::VectorXd w = sqrtRef * v;
        const Eigen::VectorXd meanWithout =
            (double(n) * mean - rows.row(i).transpose()) / double(n - 1);
        const double traceWithout = (scatterTrace - c * v.squaredNorm()) / double(n - 2);
        const double cross = traceOfSqrt((b - c * w * w.transpose()) / double(n - 2));
        const double distance =
            (meanWithout - reference.mean).squaredNorm() + traceWithout + refTrace - 2.0 * cross;
        out[std::size_t(i)] = std::max(0.0, distance);
    }
    return out;
}

FadInfResult fitInverseN(const std::vector<std::pair<int, double>> &points)
{
    FadInfResult r;
    r.points = points;
    const double count = double(points.size());
    if (points.size() < 2)
        return r;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto &[n, fad] : points) {
        const double x = 1.0 / n;
        sx += x;
        sy += fad;
        sxx += x * x;
        sxy += x * fad;
    }
    const double denominator = count * sxx - sx * sx;
    r.slope = denominator != 0 ? (count * sxy - sx * sy) / denominator : 0.0;
    r.fadInf = (sy - r.slope * sx) / count;
    double residual = 0, total = 0;
    for (const auto &[n, fad] : points) {
        const double predicted = r.slope / n + r.fadInf;
        residual += (fad - predicted) * (fad - predicted);
        total += (fad - sy / count) * (fad - sy / count);
    }
    r.rSquared = total > 0 ? 1.0 - residual / total : 1.0;
    return r;
}

FadInfResult fadInf(const Eigen::MatrixXd &rows, const GaussianStats &reference, int steps,
                    int minN, std::uint64_t seed)
{
    const int total = int(rows.rows());
    if (total < 2 || steps < 2)
        return fitInverseN({});
    if (total < minN)
        minN = std::max(2, total / 5);
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<Eigen::Index> pick(0, total - 1);
    std::vector<std::pair<int, double>> points;
    for (int s = 0; s < steps; ++s) {
        const int n = int(minN + double(total - minN) * s / (steps - 1));
        Eigen::MatrixXd subset(n, rows.cols());
        for (int k = 0; k < n; ++k)
            subset.row(k) = rows.row(pick(rng));
        points.emplace_back(n, frechetDistance(reference, GaussianStats::fromRows(subset)));
    }
    return fitInverseN(points);
}

} // namespace dragon

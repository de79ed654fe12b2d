#include "metrics/KernelInceptionDistance.h"

namespace dragon {
namespace {

Eigen::MatrixXd cubicKernel(const Eigen::MatrixXd &x, const Eigen::MatrixXd &y)
{
    const double d = double(x.cols());
    return ((x * y.transpose()).array() / d + 1.0).cube().matrix();
}

} // namespace

double kernelInceptionDistance(const Eigen::MatrixXd &a, const Eigen::MatrixXd &b)
{
    const double m = double(a.rows()), n = double(b.rows());
    if (m < 2 || n < 2 || a.cols() != b.cols())
        return 0.0;
    const Eigen::MatrixXd kaa = cubicKernel(a, a), kbb = cubicKernel(b, b), kab = cubicKernel(a, b);
    const double saa = kaa.sum() - kaa.trace(), sbb = kbb.sum() - kbb.trace();
    return saa / (m * (m - 1)) + sbb / (n * (n - 1)) - 2.0 * kab.sum() / (m * n);
}

std::vector<double> kernelInceptionDistanceLeaveOneOut(const Eigen::MatrixXd &a,
                                                       const Eigen::MatrixXd &b)
{
    const Eigen::Index m = a.rows();
    const double n = double(b.rows());
    std::vector<double> out(std::size_t(m), 0.0);
    if (m < 3 || n < 2 || a.cols() != b.cols())
        return out;
    const Eigen::MatrixXd kaa = cubicKernel(a, a), kbb = cubicKernel(b, b), kab = cubicKernel(a, b);
    const double saa = kaa.sum() - kaa.trace(), sbb = kbb.sum() - kbb.trace(), sab = kab.sum();
    const Eigen::VectorXd rowAa = kaa.rowwise().sum() - kaa.diagonal(); // off-diagonal row sums
    const Eigen::VectorXd rowAb = kab.rowwise().sum();
    const double mm = double(m) - 1.0; // size without row i
    for (Eigen::Index i = 0; i < m; ++i) {
        const double withoutAa = saa - 2.0 * rowAa[i];
        const double withoutAb = sab - rowAb[i];
        out[std::size_t(i)] =
            withoutAa / (mm * (mm - 1)) + sbb / (n * (n - 1)) - 2.0 * withoutAb / (mm * n);
    }
    return out;
}

} // namespace dragon

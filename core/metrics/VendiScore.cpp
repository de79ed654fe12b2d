#include "metrics/VendiScore.h"

#include <cmath>

namespace dragon {

double vendiScore(const Eigen::MatrixXd &rows, double q)
{
    const Eigen::Index n = rows.rows(), d = rows.cols();
    if (n == 0)
        return 0.0;
    Eigen::MatrixXd x = rows;
    for (Eigen::Index i = 0; i < n; ++i) {
        const double norm = x.row(i).norm();
        if (norm > 0)
            x.row(i) /= norm;
        else { // a zero row has no direction: give all of them the same one
            x.row(i).setZero();
            x(i, 0) = 1.0;
        }
    }
    Eigen::VectorXd eigenvalues;
    if (d < n) {
        const Eigen::MatrixXd dual = (x.transpose() * x) / double(n);
        eigenvalues = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(dual, Eigen::EigenvaluesOnly)
                          .eigenvalues();
    } else {
        const Eigen::MatrixXd k = (x * x.transpose()) / double(n);
        eigenvalues =
            Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(k, Eigen::EigenvaluesOnly).eigenvalues();
    }
    // The eigenvalues sum to 1 (trace of K / n with unit rows); tiny rounding negatives are 0.
    if (std::isinf(q))
        return 1.0 / eigenvalues.maxCoeff();
    double sum = 0.0;
    for (Eigen::Index i = 0; i < eigenvalues.size(); ++i) {
        const double p = eigenvalues[i];
        if (p <= 0)
            continue;
        sum += q == 1.0 ? -p * std::log(p) : std::pow(p, q);
    }
    return q == 1.0 ? std::exp(sum) : std::exp(std::log(sum) / (1.0 - q));
}

} // namespace dragon

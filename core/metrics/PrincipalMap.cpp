#include "metrics/PrincipalMap.h"

#include <Eigen/Dense>
#include <stdexcept>

namespace dragon {

PrincipalMap PrincipalMap::of(const std::vector<std::vector<float>> &rows)
{
    PrincipalMap map;
    map.points.assign(rows.size(), {{0.0, 0.0}});
    if (rows.size() < 2)
        return map;
    const Eigen::Index n = Eigen::Index(rows.size()), d = Eigen::Index(rows.front().size());
    Eigen::MatrixXd x(n, d);
    for (Eigen::Index i = 0; i < n; ++i) {
        const auto &row = rows[std::size_t(i)];
        if (Eigen::Index(row.size()) != d)
            throw std::invalid_argument("PrincipalMap: rows of different lengths");
        for (Eigen::Index j = 0; j < d; ++j)
            x(i, j) = double(row[std::size_t(j)]);
    }
    x.rowwise() -= x.colwise().mean();
    const Eigen::MatrixXd covariance = x.transpose() * x / double(n - 1);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
    const Eigen::VectorXd &values = solver.eigenvalues(); // ascending
    const double total = values.cwiseMax(0.0).sum();
    if (!(total > 0.0))
        return map;
    for (int c = 0; c < 2 && c < d; ++c) {
        Eigen::VectorXd axis = solver.eigenvectors().col(d - 1 - c);
        Eigen::Index largest = 0;
        axis.cwiseAbs().maxCoeff(&largest);
        if (axis(largest) < 0)
            axis = -axis;
        const Eigen::VectorXd projected = x * axis;
        for (Eigen::Index i = 0; i < n; ++i)
            map.points[std::size_t(i)][std::size_t(c)] = projected(i);
        map.explained[std::size_t(c)] = std::max(0.0, values(d - 1 - c)) / total;
    }
    return map;
}

} // namespace dragon

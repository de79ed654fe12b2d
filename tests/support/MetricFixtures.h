#pragma once

#include <Eigen/Dense>
#include <QStringList>
#include <vector>

class QTemporaryDir;

namespace dragon::test {

// n x d correlated Gaussian rows (fixed seed): rows * mix * scale + shift.
Eigen::MatrixXd randomRows(int n, int d, unsigned seed, double shift, double scale);
// Writes a row-major float64 file in `dir` and returns its path.
QString writeMatrix(QTemporaryDir &dir, const QString &name, const Eigen::MatrixXd &m);
// Runs tests/fixtures/metrics_reference.py with Debian's python3 and returns the printed numbers.
std::vector<double> pythonReference(const QStringList &arguments);

} // namespace dragon::test

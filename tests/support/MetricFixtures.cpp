#include "MetricFixtures.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtGlobal>
#include <random>

namespace dragon::test {

Eigen::MatrixXd randomRows(int n, int d, unsigned seed, double shift, double scale)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    Eigen::MatrixXd mix(d, d);
    for (int i = 0; i < d; ++i)
        for (int j = 0; j < d; ++j)
            mix(i, j) = normal(rng) / std::sqrt(double(d));
    Eigen::MatrixXd rows(n, d);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < d; ++j)
            rows(i, j) = normal(rng);
    return (rows * mix * scale).array() + shift;
}

QString writeMatrix(QTemporaryDir &dir, const QString &name, const Eigen::MatrixXd &m)
{
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rowMajor = m;
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(f.fileName()));
    f.write(reinterpret_cast<const char *>(rowMajor.data()),
            qint64(rowMajor.size() * sizeof(double)));
    return f.fileName();
}

std::vector<double> pythonReference(const QStringList &arguments)
{
    QProcess python;
    python.start("/usr/bin/python3",
                 QStringList{QString(DRAGON_TEST_DATA_DIR) + "/fixtures/metrics_reference.py"} +
                     arguments);
    if (!python.waitForFinished(120000) || python.exitCode() != 0)
        qFatal("metrics_reference.py %s failed: %s", qPrintable(arguments.join(' ')),
               python.readAllStandardError().constData());
    std::vector<double> out;
    for (const auto &line : python.readAllStandardOutput().trimmed().split('\n'))
        out.push_back(line.trimmed().toDouble());
    return out;
}

} // namespace dragon::test

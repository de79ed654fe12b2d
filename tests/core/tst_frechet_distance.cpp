// Frechet distance against scipy's sqrtm formula (tests/fixtures/metrics_reference.py) and on
// ill-conditioned sets, where it must stay finite and non-negative.
#include "MetricFixtures.h"
#include "metrics/FrechetDistance.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace dragon;
using dragon::test::randomRows;

class TestFrechetDistance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void agreesWithScipy_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("d");
        QTest::addColumn<double>("shift");
        QTest::newRow("d8") << 500 << 8 << 0.5;
        QTest::newRow("d64") << 1000 << 64 << 0.1;
        QTest::newRow("d64 same mean") << 800 << 64 << 0.0;
    }
    void agreesWithScipy()
    {
        QFETCH(int, n);
        QFETCH(int, d);
        QFETCH(double, shift);
        QTemporaryDir dir;
        const auto a = randomRows(n, d, 1, 0.0, 1.0);
        const auto b = randomRows(n, d, 2, shift, 1.3);
        const double ours = frechetDistance(GaussianStats::fromRows(a), GaussianStats::fromRows(b));
        const double reference =
            test::pythonReference({"fad", test::writeMatrix(dir, "a.f64", a),
                                   test::writeMatrix(dir, "b.f64", b), QString::number(d)})[0];
        QVERIFY2(
            std::fabs(ours - reference) <= 1e-5 * std::fabs(reference),
            qPrintable(
                QString("ours %1, scipy %2").arg(ours, 0, 'g', 12).arg(reference, 0, 'g', 12)));
    }
    void identicalSetsAreZero()
    {
        const auto a = randomRows(300, 16, 3, 0.0, 1.0);
        QVERIFY(frechetDistance(GaussianStats::fromRows(a), GaussianStats::fromRows(a)) < 1e-8);
    }
    void illConditionedSetsStayFiniteAndNonNegative()
    {
        // Fewer samples than dimensions, duplicated rows, a constant set, a single row.
        const auto few = randomRows(10, 64, 4, 0.0, 1.0);
        Eigen::MatrixXd duplicated(20, 32);
        duplicated.topRows(10) = randomRows(10, 32, 5, 0.0, 1.0);
        duplicated.bottomRows(10) = duplicated.topRows(10);
        const Eigen::MatrixXd constant = Eigen::MatrixXd::Constant(50, 32, 0.7);
        const Eigen::MatrixXd single = randomRows(1, 32, 6, 0.0, 1.0);
        const auto other64 = randomRows(200, 64, 7, 0.0, 1.0);
        const auto other32 = randomRows(200, 32, 8, 0.0, 1.0);
        for (const auto &[x, y] :
             {std::pair{few, other64}, std::pair{duplicated, other32}, std::pair{constant, other32},
              std::pair{single, other32}, std::pair{constant, constant}}) {
            const double fd =
                frechetDistance(GaussianStats::fromRows(x), GaussianStats::fromRows(y));
            QVERIFY(std::isfinite(fd));
            QVERIFY(fd >= 0.0);
        }
        QCOMPARE(
            frechetDistance(GaussianStats::fromRows(constant), GaussianStats::fromRows(constant)),
            0.0);
    }
};

QTEST_GUILESS_MAIN(TestFrechetDistance)
#include "tst_frechet_distance.moc"

// Vendi, KID, leave-one-out FAD/KID and the FAD-inf regression against numpy/scipy
// (tests/fixtures/metrics_reference.py), to 1e-5 relative, and their ill-conditioned cases.
#include "MetricFixtures.h"
#include "metrics/FrechetDistance.h"
#include "metrics/KernelInceptionDistance.h"
#include "metrics/VendiScore.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <limits>

using namespace dragon;
using dragon::test::pythonReference;
using dragon::test::randomRows;
using dragon::test::writeMatrix;

namespace {

void expectClose(double ours, double reference, const char *what, double tolerance = 1e-5)
{
    const double scale = std::max(std::fabs(reference), 1e-9);
    QVERIFY2(std::isfinite(ours) && std::fabs(ours - reference) <= tolerance * scale,
             qPrintable(QString("%1: ours %2, reference %3")
                            .arg(what)
                            .arg(ours, 0, 'g', 14)
                            .arg(reference, 0, 'g', 14)));
}

} // namespace

class TestSetMetrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void vendiAgreesWithEigvalsh_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("d");
        QTest::addColumn<double>("q");
        const double inf = std::numeric_limits<double>::infinity();
        for (double q : {0.5, 1.0, 2.0, inf}) {
            QTest::newRow(qPrintable(QString("dual n200 d32 q%1").arg(q))) << 200 << 32 << q;
            QTest::newRow(qPrintable(QString("primal n30 d64 q%1").arg(q))) << 30 << 64 << q;
        }
    }
    void vendiAgreesWithEigvalsh()
    {
        QFETCH(int, n);
        QFETCH(int, d);
        QFETCH(double, q);
        QTemporaryDir dir;
        const auto x = randomRows(n, d, 11, 0.3, 1.0);
        const double reference =
            pythonReference({"vendi", writeMatrix(dir, "x.f64", x), QString::number(d),
                             std::isinf(q) ? "inf" : QString::number(q)})[0];
        expectClose(vendiScore(x, q), reference, "vendi");
    }
    void vendiEdgeCases()
    {
        QCOMPARE(vendiScore(Eigen::MatrixXd(0, 4)), 0.0);
        const Eigen::MatrixXd same = Eigen::MatrixXd::Constant(20, 8, 0.5);
        QVERIFY(std::fabs(vendiScore(same) - 1.0) < 1e-9);
        QVERIFY(std::fabs(vendiScore(Eigen::MatrixXd::Zero(5, 3)) - 1.0) <
                1e-9); // zero rows: one point
        // Orthogonal rows: n distinct directions give exactly n.
        QVERIFY(std::fabs(vendiScore(Eigen::MatrixXd::Identity(6, 6)) - 6.0) < 1e-9);
        QVERIFY(std::fabs(vendiScore(Eigen::MatrixXd::Identity(6, 6), 2.0) - 6.0) < 1e-9);
    }
    void kidAgreesWithUnbiasedEstimator()
    {
        QTemporaryDir dir;
        const auto a = randomRows(150, 24, 21, 0.0, 1.0), b = randomRows(120, 24, 22, 0.4, 1.2);
        const auto reference = pythonReference(
            {"kid", writeMatrix(dir, "a.f64", a), writeMatrix(dir, "b.f64", b), "24"});
        expectClose(kernelInceptionDistance(a, b), reference[0], "kid");
        const auto loo = pythonReference({"kid-loo", writeMatrix(dir, "a.f64", a.topRows(40)),
                                          writeMatrix(dir, "b.f64", b), "24"});
        const auto ours = kernelInceptionDistanceLeaveOneOut(a.topRows(40), b);
        QCOMPARE(ours.size(), loo.size());
        for (std::size_t i = 0; i < ours.size(); ++i)
            expectClose(ours[i], loo[i], "kid leave-one-out");
    }
    void fadLeaveOneOutAgreesWithBruteForce_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("d");
        QTest::newRow("n64 d8") << 64 << 8;
        QTest::newRow("n64 d32") << 64 << 32;
    }
    void fadLeaveOneOutAgreesWithBruteForce()
    {
        QFETCH(int, n);
        QFETCH(int, d);
        QTemporaryDir dir;
        const auto x = randomRows(n, d, 31, 0.2, 1.0), ref = randomRows(400, d, 32, 0.0, 1.1);
        const auto reference =
            pythonReference({"fad-loo", writeMatrix(dir, "x.f64", x),
                             writeMatrix(dir, "r.f64", ref), QString::number(d)});
        const auto ours = frechetDistanceLeaveOneOut(x, GaussianStats::fromRows(ref));
        QCOMPARE(ours.size(), reference.size());
        for (std::size_t i = 0; i < ours.size(); ++i)
            expectClose(ours[i], reference[i], "fad leave-one-out");
        // And against our own full recomputation.
        Eigen::MatrixXd without(n - 1, d);
        without << x.bottomRows(n - 1);
        expectClose(ours[0],
                    frechetDistance(GaussianStats::fromRows(ref), GaussianStats::fromRows(without)),
                    "fad leave-one-out vs recompute", 1e-8);
    }
    void fadInfRegressionAgreesWithPolyfit()
    {
        QTemporaryDir dir;
        // Both sets from one distribution: the true FAD is 0, so the 1/n bias dominates.
        const auto all = randomRows(4800, 16, 41, 0.1, 1.0);
        const Eigen::MatrixXd x = all.topRows(800), ref = all.bottomRows(4000);
        const auto result = fadInf(x, GaussianStats::fromRows(ref), 10, 100, 7);
        QCOMPARE(int(result.points.size()), 10);
        QCOMPARE(result.points.front().first, 100);
        QCOMPARE(result.points.back().first, 800);
        Eigen::MatrixXd points(10, 2);
        for (int i = 0; i < 10; ++i)
            points.row(i) << result.points[std::size_t(i)].first,
                result.points[std::size_t(i)].second;
        const auto reference = pythonReference({"fit", writeMatrix(dir, "p.f64", points)});
        expectClose(result.slope, reference[0], "fad-inf slope");
        expectClose(result.fadInf, reference[1], "fad-inf intercept");
        expectClose(result.rSquared, reference[2], "fad-inf R^2");
        // FAD falls with n (bias ~ 1/n): a positive slope, a good fit, FAD-inf near the true 0.
        QVERIFY(result.slope > 0);
        QVERIFY(result.rSquared > 0.8);
        QVERIFY(std::fabs(result.fadInf) < 0.25 * result.points.front().second);
    }
    void illConditionedSetsStayFinite()
    {
        const auto ref = randomRows(200, 32, 51, 0.0, 1.0);
        Eigen::MatrixXd duplicated(12, 32);
        duplicated.topRows(6) = randomRows(6, 32, 52, 0.0, 1.0);
        duplicated.bottomRows(6) = duplicated.topRows(6);
        const Eigen::MatrixXd constant = Eigen::MatrixXd::Constant(10, 32, 0.3);
        for (const Eigen::MatrixXd &x :
             {duplicated, constant, Eigen::MatrixXd(randomRows(5, 32, 53, 0.0, 1.0))}) {
            for (double v : frechetDistanceLeaveOneOut(x, GaussianStats::fromRows(ref)))
                QVERIFY(std::isfinite(v) && v >= 0.0);
            for (double v : kernelInceptionDistanceLeaveOneOut(x, ref))
                QVERIFY(std::isfinite(v));
            QVERIFY(std::isfinite(kernelInceptionDistance(x, ref)));
            QVERIFY(std::isfinite(vendiScore(x)) && vendiScore(x) >= 1.0 - 1e-9);
            const auto inf = fadInf(x, GaussianStats::fromRows(ref));
            QVERIFY(std::isfinite(inf.fadInf) && std::isfinite(inf.slope) &&
                    std::isfinite(inf.rSquared));
        }
        // Too few rows for a leave-one-out covariance: zeros, documented.
        for (double v :
             frechetDistanceLeaveOneOut(constant.topRows(2), GaussianStats::fromRows(ref)))
            QCOMPARE(v, 0.0);
    }
};

QTEST_GUILESS_MAIN(TestSetMetrics)
#include "tst_set_metrics.moc"

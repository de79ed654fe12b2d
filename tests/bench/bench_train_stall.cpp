// Not a test (ctest label "bench", not run by CI): the Train tab's figures from the studio
// issue, through the real window on the demo project with the shipped pocket model, pressing
// Start as a user would:
//  - the longest event-loop stall during a real run, and its 99th percentile, measured by a
//    10 ms QTimer that records its own lateness;
//  - seconds per round, and the wall time from Start to each evaluation, with its win rate and
//    95 % interval (the time at which the lower bound first passes 0.5).
// Run: build/tests/bench_train_stall [ROUNDS (default 10)] [SEED (default: the project's)]
#include "dragon/DragonEvents.h"
#include "widgets/MainWindow.h"
#include "widgets/TrainPanel.h"
#include "workers/TrainingController.h"

#include <QElapsedTimer>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 10;
    QTemporaryDir dir;
    qputenv("DRAGON_ALSA_CAPTURE", dir.filePath("capture.raw").toLocal8Bit());
    // A copy of the demo, so the run lands in a temporary folder.
    const std::filesystem::path demo = std::filesystem::path(DRAGON_BUILD_DIR) / "demo";
    std::filesystem::copy(demo, dir.filePath("demo").toStdString(),
                          std::filesystem::copy_options::recursive);
    const QString project = dir.filePath("demo/demo.dragon");
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    if (!w.openProject(project)) {
        std::fprintf(stderr, "cannot open %s\n", qPrintable(project));
        return 1;
    }
    TrainPanel *panel = w.trainPanel();
    w.tabs()->setCurrentWidget(panel);
    panel->findChild<QSpinBox *>("roundsSpin")->setValue(rounds);
    if (argc > 2)
        panel->findChild<QSpinBox *>("runSeedSpin")->setValue(std::atoi(argv[2]));
    auto *training = w.findChild<TrainingController *>();
    QElapsedTimer sinceStart;
    std::vector<double> lateness;
    QElapsedTimer last;
    QTimer probe;
    probe.setInterval(10);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        lateness.push_back(std::max(0.0, double(last.nsecsElapsed()) / 1e6 - 10.0));
        last.restart();
    });
    double firstPass = -1;
    std::vector<double> roundSeconds;
    QObject::connect(training, &TrainingController::roundFinished,
                     [&](const dragon::RoundStats &s) { roundSeconds.push_back(s.secondsTotal); });
    QObject::connect(training, &TrainingController::evalFinished, [&](const dragon::EvalStats &e) {
        const double at = double(sinceStart.elapsed()) / 1000.0;
        std::printf("eval @ round %d at %.0f s: win rate %.3f [%.3f, %.3f]\n", e.round, at,
                    e.winRate.rate, e.winRate.lower, e.winRate.upper);
        if (firstPass < 0 && e.winRate.lower > 0.5)
            firstPass = at;
    });
    bool done = false;
    QObject::connect(panel, &TrainPanel::runFinished, [&] { done = true; });
    sinceStart.start();
    last.start();
    probe.start();
    if (!panel->startRun()) {
        std::fprintf(stderr, "Start refused: %s\n", qPrintable(panel->status()));
        return 1;
    }
    while (!done)
        QTest::qWait(50);
    probe.stop();
    std::sort(lateness.begin(), lateness.end());
    const double total = double(sinceStart.elapsed()) / 1000.0;
    double mean = 0;
    for (double s : roundSeconds)
        mean += s / double(std::max<std::size_t>(1, roundSeconds.size()));
    std::printf("%d rounds in %.0f s from Start (%.1f s per round on average, evaluations "
                "excluded); lower bound first above 0.5 at %s\n",
                int(roundSeconds.size()), total, mean,
                firstPass < 0 ? "never" : qPrintable(QString("%1 s").arg(firstPass, 0, 'f', 0)));
    if (!lateness.empty())
        std::printf("event-loop stall over %zu ticks: max %.1f ms, p99 %.1f ms, median %.2f ms\n",
                    lateness.size(), lateness.back(),
                    lateness[std::size_t(double(lateness.size() - 1) * 0.99)],
                    lateness[lateness.size() / 2]);
    std::printf("progress bar: %s\n", qPrintable(panel->progressText()));
    return 0;
}

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
#include "widgets/QCustomPlotInclude.h"
#include "widgets/TrainPanel.h"
#include "widgets/TrainingDashboard.h"
#include "workers/TrainingController.h"

#include <QElapsedTimer>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
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
    // A user presses Start on a window that is already on screen: its first paint and layout
    // (the whole window, every plot) happen before the measurement, not in it.
    if (!QTest::qWaitForWindowExposed(&w))
        std::fprintf(stderr, "the window was not exposed; the first stall includes its paint\n");
    QTest::qWait(500);
    auto *training = w.findChild<TrainingController *>();
    QElapsedTimer sinceStart;
    std::vector<double> lateness;
    // The longest stalls with the time they ended and the last event before them, so a stall
    // can be traced to what the window was doing.
    struct Stall
    {
        double ms, at;
        QString after;
    };
    std::vector<Stall> stalls;
    QString lastEvent = "start";
    QElapsedTimer last;
    QTimer probe;
    probe.setInterval(10);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const double late = std::max(0.0, double(last.nsecsElapsed()) / 1e6 - 10.0);
        lateness.push_back(late);
        if (late > 20.0)
            stalls.push_back({late, double(sinceStart.elapsed()) / 1000.0, lastEvent});
        last.restart();
    });
    // A control: a plain thread that sleeps 10 ms at a time and records its own lateness. A
    // window stall that this thread saw too at the same moment is the machine not running our
    // threads (other load, a virtual machine's steal time), not work on the event loop.
    std::atomic<bool> controlRunning{true};
    std::vector<std::pair<double, double>> controlStalls; // (ms late, ended at s)
    double controlMax = 0;
    const auto controlLoop = [&] {
        while (controlRunning.load()) {
            const auto before = std::chrono::steady_clock::now();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            const double late =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - before)
                    .count() -
                10.0;
            controlMax = std::max(controlMax, late);
            if (late > 20.0)
                controlStalls.emplace_back(late, double(sinceStart.elapsed()) / 1000.0);
        }
    };
    const auto mark = [&](const QString &event) {
        lastEvent =
            QString("%1 at %2 s").arg(event).arg(double(sinceStart.elapsed()) / 1000.0, 0, 'f', 2);
    };
    QObject::connect(training, &TrainingController::progress,
                     [&](const QString &phase, int, int) { mark("progress " + phase); });
    QObject::connect(training, &TrainingController::audition,
                     [&](const dragon::AuditionClip &) { mark("audition"); });
    double firstPass = -1;
    std::vector<double> roundSeconds;
    QObject::connect(training, &TrainingController::roundFinished,
                     [&](const dragon::RoundStats &s) {
                         roundSeconds.push_back(s.secondsTotal);
                         mark(QString("round %1").arg(s.round));
                     });
    QObject::connect(training, &TrainingController::evalFinished, [&](const dragon::EvalStats &e) {
        const double at = double(sinceStart.elapsed()) / 1000.0;
        std::printf("eval @ round %d at %.0f s: win rate %.3f [%.3f, %.3f]\n", e.round, at,
                    e.winRate.rate, e.winRate.lower, e.winRate.upper);
        if (firstPass < 0 && e.winRate.lower > 0.5)
            firstPass = at;
        mark(QString("eval %1").arg(e.round));
    });
    bool done = false;
    QObject::connect(panel, &TrainPanel::runFinished, [&] { done = true; });
    sinceStart.start();
    last.start();
    probe.start();
    std::thread control(controlLoop);
    if (!panel->startRun()) {
        std::fprintf(stderr, "Start refused: %s\n", qPrintable(panel->status()));
        controlRunning = false;
        control.join();
        return 1;
    }
    while (!done)
        QTest::qWait(50);
    probe.stop();
    controlRunning = false;
    control.join();
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
    std::sort(stalls.begin(), stalls.end(),
              [](const Stall &a, const Stall &b) { return a.ms > b.ms; });
    for (std::size_t i = 0; i < std::min<std::size_t>(5, stalls.size()); ++i) {
        // The control thread's stall that overlaps this one, if any.
        double seen = 0;
        const double begins = stalls[i].at - stalls[i].ms / 1000.0;
        for (const auto &[ms, at] : controlStalls)
            if (at >= begins && at - ms / 1000.0 <= stalls[i].at) // the two intervals meet
                seen = std::max(seen, ms);
        std::printf("stall %.1f ms ending at %.2f s, after %s; control thread at that moment: "
                    "%s\n",
                    stalls[i].ms, stalls[i].at, qPrintable(stalls[i].after),
                    seen > 0 ? qPrintable(QString("%1 ms late").arg(seen, 0, 'f', 1)) : "on time");
    }
    std::printf("control thread (sleeps 10 ms, not the event loop): max %.1f ms late, %zu times "
                "over 20 ms\n",
                controlMax, controlStalls.size());
    // What one replot of each dashboard plot costs on the event loop (QCustomPlot's own timing).
    for (const auto &[plot, name] : panel->findChild<TrainingDashboard *>()->plots())
        std::printf("plot %s: replot %.1f ms on average, %.1f ms the last time\n", qPrintable(name),
                    plot->replotTime(true), plot->replotTime(false));
    std::printf("progress bar: %s\n", qPrintable(panel->progressText()));
    return 0;
}

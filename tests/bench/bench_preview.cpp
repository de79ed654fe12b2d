// Not a test (ctest label "bench", not run by CI): the reward preview's figures from the
// studio issue, through the real window on the demo project with the shipped pocket model:
//  - time from pressing Preview to the histogram with 16 clips (first preview: the model and
//    the encoder load; then a second one with the model already loaded);
//  - the longest event-loop stall during a preview, and the 99th percentile, measured by a
//    10 ms QTimer that records its own lateness.
// Run: build/tests/bench_preview [PROJECT.dragon]   (default: the build's demo project, copied)
// For the "another process busy on one core" figure run it beside `yes > /dev/null`.
#include "playback/PlaybackController.h"
#include "project/ProjectFile.h"
#include "widgets/MainWindow.h"
#include "widgets/PreviewPanel.h"

#include <QDir>
#include <QElapsedTimer>
#include <QPushButton>
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
    QTemporaryDir dir;
    qputenv("DRAGON_ALSA_CAPTURE", dir.filePath("capture.raw").toLocal8Bit());
    QString project = argc > 1 ? QString(argv[1]) : QString();
    if (project.isEmpty()) { // a copy of the demo, so its previews land in a temporary folder
        const std::filesystem::path demo = std::filesystem::path(DRAGON_BUILD_DIR) / "demo";
        std::filesystem::copy(demo, dir.filePath("demo").toStdString(),
                              std::filesystem::copy_options::recursive);
        project = dir.filePath("demo/demo.dragon");
    }
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    if (!w.openProject(project)) {
        std::fprintf(stderr, "cannot open %s\n", qPrintable(project));
        return 1;
    }
    PreviewPanel *panel = w.previewPanel();
    panel->countBox()->setValue(16);
    for (int run = 0; run < 2; ++run) {
        std::vector<double> lateness;
        QElapsedTimer last;
        QTimer probe;
        probe.setInterval(10);
        QObject::connect(&probe, &QTimer::timeout, [&] {
            lateness.push_back(std::max(0.0, double(last.nsecsElapsed()) / 1e6 - 10.0));
            last.restart();
        });
        QElapsedTimer timer;
        timer.start();
        last.start();
        probe.start();
        QTest::mouseClick(panel->previewButton(), Qt::LeftButton);
        while (panel->cancelButton()->isEnabled() || timer.elapsed() < 200)
            QTest::qWait(5);
        const double seconds = double(timer.elapsed()) / 1000.0;
        probe.stop();
        std::sort(lateness.begin(), lateness.end());
        const double worst = lateness.empty() ? 0 : lateness.back();
        const double p99 =
            lateness.empty() ? 0 : lateness[std::size_t(0.99 * double(lateness.size() - 1))];
        std::printf("preview %d (%s): %zu clips, press to histogram %.2f s (service %.2f s); "
                    "event-loop stall max %.1f ms, p99 %.1f ms over %zu ticks; %d histograms; %s\n",
                    run + 1, run == 0 ? "model loads" : "model loaded",
                    panel->result().generatedCount(), seconds, panel->result().seconds, worst, p99,
                    lateness.size(), panel->histogramCount(), panel->result().reading.c_str());
    }
    return 0;
}

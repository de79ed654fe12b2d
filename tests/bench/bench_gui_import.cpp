// Not a test (ctest label "bench", not run by CI): measures what the foundation issue asks for.
//  - importing a folder of 200 audio files: time to the first item shown, and total
//  - Space -> first sample handed to the device, through the GUI, median of 20
// Run: ctest -L bench -V   (or build/tests/bench_gui_import directly)
#include "GuiTestHelpers.h"
#include "audio/AudioFileWriter.h"
#include "audio/PlaybackEngine.h"
#include "audio/SignalGenerator.h"
#include "playback/PlaybackController.h"
#include "widgets/ExemplarPanel.h"
#include "widgets/MainWindow.h"

#include <QElapsedTimer>
#include <QListView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <chrono>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QTemporaryDir dir;
    qputenv("DRAGON_ALSA_CAPTURE", dir.filePath("capture.raw").toLocal8Bit());
    const QString folder = dir.filePath("library");
    QDir().mkpath(folder);
    // 200 files of 10 s 44.1 kHz stereo, alternating FLAC and WAV.
    const auto clip = dragon::SignalGenerator::sineAndClicks(220.0, 0.5, 0.5, 10.0, 44100, 2);
    for (int i = 0; i < 200; ++i) {
        const QString name = QString("%1/clip-%2.%3")
                                 .arg(folder)
                                 .arg(i, 3, 10, QChar('0'))
                                 .arg(i % 2 ? "wav" : "flac");
        dragon::AudioFileWriter::write(name.toStdString(), clip,
                                       dragon::AudioFileWriter::formatForPath(name.toStdString()));
    }
    MainWindow w;
    w.show();
    auto *panel = w.exemplarPanel();
    auto *model = panel->itemView()->model();
    QSignalSpy done(panel, &ExemplarPanel::importFinished);
    QElapsedTimer timer;
    qint64 firstItemMs = -1;
    QObject::connect(model, &QAbstractItemModel::modelReset, [&] {
        if (firstItemMs < 0 && model->rowCount() > 0)
            firstItemMs = timer.elapsed();
    });
    timer.start();
    guitest::dropMime(panel, guitest::urlsMime({folder}));
    done.wait(600000);
    const qint64 totalMs = timer.elapsed();
    std::printf("import of 200 files (10 s, 44.1 kHz stereo, FLAC/WAV): first item %lld ms, total "
                "%lld ms, items %d\n",
                (long long)firstItemMs, (long long)totalMs, model->rowCount());

    auto *view = panel->itemView();
    view->setCurrentIndex(model->index(0, 0));
    QTest::qWait(500); // preload on selection, as a user would select then press Space
    std::vector<double> latencies;
    for (int run = 0; run < 20; ++run) {
        const auto pressed = std::chrono::steady_clock::now().time_since_epoch();
        QTest::keyClick(view, Qt::Key_Space);
        QElapsedTimer wait;
        wait.start();
        while (w.playback()->engine().firstSampleSteadyNs() == 0 && wait.elapsed() < 2000)
            QTest::qWait(1);
        const auto first = std::chrono::nanoseconds(w.playback()->engine().firstSampleSteadyNs());
        latencies.push_back(std::chrono::duration<double, std::milli>(first - pressed).count());
        QTest::keyClick(view, Qt::Key_Space);
    }
    std::sort(latencies.begin(), latencies.end());
    std::printf("Space key event -> first sample handed to the device: median %.3f ms, min %.3f, "
                "max %.3f\n",
                latencies[10], latencies.front(), latencies.back());
    return 0;
}

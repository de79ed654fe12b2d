// Offscreen tests of the GUI's PlaybackController with clips that cannot be decoded (a file
// deleted while it was selected, a damaged one): the error names the file, a clip that was
// only preloaded stays quiet, and the controller is destroyed afterwards without ending the
// program (a decode error stored in the background task's future used to be thrown again by
// the destructor's wait, which aborted at quit).
#include "playback/PlaybackController.h"

#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

class TestPlaybackController : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void failedDecodesAreReportedAndSurviveDestruction()
    {
        QTemporaryDir dir;
        QTemporaryDir capture;
        qputenv("DRAGON_ALSA_CAPTURE", capture.filePath("out.raw").toLocal8Bit());
        const QString missing = dir.filePath("gone.wav");
        const QString damaged = dir.filePath("damaged.wav");
        QFile file(damaged);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("RIFF....WAVEnot audio");
        file.close();
        for (const QString &path : {missing, damaged}) {
            auto controller = std::make_unique<PlaybackController>();
            if (!controller->outputAvailable())
                QFAIL(qPrintable("no capture device: " + controller->outputStatus()));
            QSignalSpy errors(controller.get(), &PlaybackController::error);
            controller->playFrom(path, 0.0);
            QVERIFY(errors.wait(10000));
            const QString message = errors.at(0).at(0).toString();
            QVERIFY2(message.startsWith("Cannot play") &&
                         message.contains(QFileInfo(path).fileName()),
                     qPrintable(message));
            QVERIFY(!controller->isPlaying());
            controller.reset(); // after a failed decode: must return
            // Preloaded only (selected, not played): no message, and destroyed while the
            // decode may still run or has just failed.
            controller = std::make_unique<PlaybackController>();
            QSignalSpy quiet(controller.get(), &PlaybackController::error);
            controller->preload(path);
            QTest::qWait(300);
            QCOMPARE(quiet.count(), 0);
            controller.reset();
        }
    }
};

QTEST_MAIN(TestPlaybackController)
#include "tst_playback_controller.moc"

// With no audio output at all (no sound card, ALSA "default" pointing nowhere: asound-none.conf),
// the engine still constructs, says so clearly and refuses to play without crashing.
#include "audio/PlaybackEngine.h"
#include "util/BuildFeatures.h"

#include <QFile>
#include <QTest>

using namespace dragon;

class TestPlaybackNoDevice : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void saysNoDevice()
    {
        if (!BuildFeatures::audioOutput())
            QSKIP("this build was configured without PortAudio (tst_lean_features covers it)");
        QFile cards("/proc/asound/cards");
        if (cards.open(QIODevice::ReadOnly) && !cards.readAll().contains("no soundcards"))
            QSKIP("this machine has a sound card, so PortAudio finds a device");
        PlaybackEngine engine;
        QVERIFY(!engine.available());
        QVERIFY2(QString::fromStdString(engine.statusMessage()).contains("No audio output"),
                 engine.statusMessage().c_str());
        auto clip = std::make_shared<AudioBuffer>(1, 16000, 1600);
        QVERIFY(!engine.load(clip));
        QVERIFY(!engine.play());
        QVERIFY(!engine.isPlaying());
        QVERIFY(!engine.lastError().empty());
        engine.stop();
        engine.seek(1.0);
        QCOMPARE(engine.positionSeconds(), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestPlaybackNoDevice)
#include "tst_playback_no_device.moc"

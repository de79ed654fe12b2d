// A lean core build (DRAGON_WITH_PORTAUDIO=OFF, DRAGON_WITH_EBUR128=OFF,
// DRAGON_WITH_SYSTEM_XXHASH=OFF): this test compiles the "missing" variants of the audio output
// and loudness, and ContentHash over the bundled xxHash copy, into one executable of its own
// (tests/CMakeLists.txt), so CI checks those paths without building a second core.
#include "audio/Loudness.h"
#include "audio/PlaybackEngine.h"
#include "util/BuildFeatures.h"
#include "util/ContentHash.h"
#include "util/FeatureUnavailable.h"

#include <QTemporaryDir>
#include <QTest>
#include <fstream>
#include <vector>

using namespace dragon;

class TestLeanFeatures : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void summarySaysWhatIsOff()
    {
        QVERIFY(!BuildFeatures::audioOutput());
        QVERIFY(!BuildFeatures::loudness());
        QVERIFY(BuildFeatures::bundledXxhash());
        const std::vector<std::string> lines = BuildFeatures::summary();
        QCOMPARE(lines.size(), std::size_t(3));
        QCOMPARE(QString::fromStdString(lines[0]),
                 QString("audio output: off (configured without PortAudio)"));
        QCOMPARE(QString::fromStdString(lines[1]),
                 QString("loudness: off (configured without libebur128)"));
        QCOMPARE(QString::fromStdString(lines[2]), QString("xxHash: bundled copy (0.8.1)"));
    }

    void playbackWithoutPortAudioRefusesClearly()
    {
        PlaybackEngine engine;
        QVERIFY(!engine.available());
        QCOMPARE(engine.statusMessage(), BuildFeatures::missingAudioOutputMessage());
        auto clip = std::make_shared<AudioBuffer>(1, 16000, 1600);
        QVERIFY(!engine.load(clip));
        QVERIFY2(QString::fromStdString(engine.lastError()).contains("without PortAudio"),
                 engine.lastError().c_str());
        QVERIFY(!engine.play());
        QVERIFY(!engine.isPlaying());
        engine.stop();
        engine.seek(0.5);
        engine.setLooping(true);
        QCOMPARE(engine.positionSeconds(), 0.0);
    }

    void loudnessWithoutLibebur128Throws()
    {
        QVERIFY(!Loudness::available());
        const AudioBuffer clip(1, 16000, 1600);
        try {
            Loudness::measure(clip);
            QFAIL("measure() returned without libebur128");
        } catch (const FeatureUnavailable &e) {
            QVERIFY2(QString(e.what()).contains("libebur128-dev"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(FeatureUnavailable, Loudness::integratedLufs(clip));
    }

    void bundledXxhashGivesTheSystemLibrarysDigests()
    {
        // Reference digests from Debian 12's libxxhash 0.8.1 (XXH3_64bits), so files written by
        // a lean build verify in a full build and the other way round.
        QCOMPARE(toHex(hashBytes("", 0)), std::string("2d06800538d394c2"));
        QCOMPARE(toHex(hashBytes("DRAGON Studio", 13)), std::string("4a44e224c1b632ed"));
        std::vector<unsigned char> bytes(3000000); // crosses hashFileContent's 1 MiB blocks
        for (std::size_t i = 0; i < bytes.size(); ++i)
            bytes[i] = static_cast<unsigned char>(i * 7 + i / 251);
        QCOMPARE(toHex(hashBytes(bytes.data(), bytes.size())), std::string("efbe1205ae0f7a9e"));
        QTemporaryDir dir;
        const std::string path = dir.filePath("bytes.bin").toStdString();
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
        QCOMPARE(toHex(hashFileContent(path)), std::string("efbe1205ae0f7a9e"));
    }
};

QTEST_GUILESS_MAIN(TestLeanFeatures)
#include "tst_lean_features.moc"

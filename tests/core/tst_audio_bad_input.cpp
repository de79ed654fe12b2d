// Every bad file gets a typed AudioError naming the file and the cause, and nothing crashes.
#include "WavFixture.h"
#include "audio/AudioError.h"
#include "audio/AudioFileReader.h"
#include "audio/AudioFileWriter.h"
#include "audio/SignalGenerator.h"
#include "audio/WaveformPeaks.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace dragon;
Q_DECLARE_METATYPE(dragon::AudioErrorKind)

class TestAudioBadInput : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void rejected_data();
    void rejected();
    void threeHourFileIsRefusedBeforeDecoding();
    void unreadablePermissions();
    void goodFileStillReadsAfterFailures();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
};

void TestAudioBadInput::initTestCase()
{
    using fixtures::writeFile;
    QVERIFY(m_dir.isValid());
    writeFile(path("empty.wav").toStdString(), "");
    std::string garbage;
    for (int i = 0; i < 4096; ++i)
        garbage.push_back(char((i * 7919) % 251));
    writeFile(path("garbage.wav").toStdString(), garbage);
    writeFile(path("text.flac").toStdString(), "this is not a flac file\n");

    const std::string pcm(20000, '\0');
    // Header promises 40000 bytes of data, the file holds 20000.
    writeFile(path("truncated-44100-1-16.wav").toStdString(),
              fixtures::wavBytes(1, 44100, 16, 1, pcm, 40000));
    const AudioBuffer tone = SignalGenerator::sine(440.0, 0.5, 2.0, 44100);
    AudioFileWriter::write(path("whole.flac").toStdString(), tone, {AudioContainer::Flac});
    const std::string flac = fixtures::readFile(path("whole.flac").toStdString());
    writeFile(path("truncated.flac").toStdString(), flac.substr(0, flac.size() / 2));

    writeFile(path("44100-0-16.wav").toStdString(), fixtures::wavBytes(0, 44100, 16, 1, pcm, 20000));
    const std::string wide(4000 * 2 * 4, '\0');
    writeFile(path("44100-4000-16.wav").toStdString(),
              fixtures::wavBytes(4000, 44100, 16, 1, wide, std::uint32_t(wide.size())));
    writeFile(path("1-1-16.wav").toStdString(), fixtures::wavBytes(1, 1, 16, 1, pcm, 20000));
    writeFile(path("10000000-1-16.wav").toStdString(), fixtures::wavBytes(1, 10000000, 16, 1, pcm, 20000));

    std::vector<float> samples(1000, 0.25f);
    samples[500] = std::numeric_limits<float>::quiet_NaN();
    writeFile(path("nan-44100-1-32.wav").toStdString(), fixtures::floatWavBytes(samples, 1, 44100));
    samples[500] = std::numeric_limits<float>::infinity();
    writeFile(path("inf-44100-1-32.wav").toStdString(), fixtures::floatWavBytes(samples, 1, 44100));
    QDir(m_dir.path()).mkdir("folder.wav");
}

void TestAudioBadInput::rejected_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<AudioErrorKind>("kind");
    QTest::addColumn<QString>("causeWord"); // a word the message must contain
    QTest::newRow("missing") << "does-not-exist.wav" << AudioErrorKind::NotFound << "does not exist";
    QTest::newRow("folder") << "folder.wav" << AudioErrorKind::NotAFile << "not a regular file";
    QTest::newRow("empty") << "empty.wav" << AudioErrorKind::EmptyFile << "empty";
    QTest::newRow("garbage") << "garbage.wav" << AudioErrorKind::UnsupportedFormat << "not a readable audio file";
    QTest::newRow("text as flac") << "text.flac" << AudioErrorKind::UnsupportedFormat << "not a readable audio file";
    QTest::newRow("truncated wav") << "truncated-44100-1-16.wav" << AudioErrorKind::Truncated << "truncated";
    QTest::newRow("truncated flac") << "truncated.flac" << AudioErrorKind::Truncated << "truncated";
    QTest::newRow("0 channels") << "44100-0-16.wav" << AudioErrorKind::BadChannelCount << "channel count is zero";
    QTest::newRow("4000 channels") << "44100-4000-16.wav" << AudioErrorKind::BadChannelCount << "too many channels";
    QTest::newRow("1 Hz") << "1-1-16.wav" << AudioErrorKind::BadSampleRate << "1 Hz";
    QTest::newRow("10 MHz") << "10000000-1-16.wav" << AudioErrorKind::BadSampleRate << "10000000 Hz";
    QTest::newRow("NaN samples") << "nan-44100-1-32.wav" << AudioErrorKind::NonFiniteSamples << "NaN";
    QTest::newRow("inf samples") << "inf-44100-1-32.wav" << AudioErrorKind::NonFiniteSamples << "infinite";
}

void TestAudioBadInput::rejected()
{
    QFETCH(QString, name);
    QFETCH(AudioErrorKind, kind);
    QFETCH(QString, causeWord);
    const std::string file = path(name).toStdString();
    // Both the whole-file read and the streaming thumbnail path must refuse it the same way.
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            if (attempt == 0)
                AudioFileReader::read(file);
            else
                WaveformPeaks::fromFile(file, 100);
            QFAIL(qPrintable("no error for " + name));
        } catch (const AudioError &e) {
            QCOMPARE(audioErrorKindName(e.kind()), audioErrorKindName(kind));
            QCOMPARE(QString::fromStdString(e.path()), path(name));
            QVERIFY2(QString(e.what()).contains(name), e.what());
            QVERIFY2(QString(e.what()).contains(causeWord, Qt::CaseInsensitive), e.what());
        }
    }
}

void TestAudioBadInput::threeHourFileIsRefusedBeforeDecoding()
{
    // A real 3-hour 16-bit 16 kHz WAV, written sparse so it costs no disk or time.
    const std::string file = path("16000-1-16-3h.wav").toStdString();
    const std::uint32_t dataBytes = 3u * 3600u * 16000u * 2u;
    fixtures::writeFile(file, fixtures::wavBytes(1, 16000, 16, 1, "", dataBytes));
    QCOMPARE(::truncate(file.c_str(), off_t(44) + dataBytes), 0);

    const AudioFileInfo info = AudioFileReader::probe(file); // listing it is fine
    QCOMPARE(info.durationSeconds(), 10800.0);
    QElapsedTimer timer;
    timer.start();
    try {
        AudioFileReader::read(file);
        QFAIL("a 3-hour file was decoded whole");
    } catch (const AudioError &e) {
        QCOMPARE(e.kind(), AudioErrorKind::TooLong);
        QVERIFY2(QString(e.what()).contains("3 h"), e.what());
    }
    // The thumbnail path refuses it too when asked to apply the whole-file limit (imports do).
    try {
        WaveformPeaks::fromFile(file, 100, {}, /*applyDurationLimit=*/true);
        QFAIL("a 3-hour file was summarised despite the limit");
    } catch (const AudioError &e) {
        QCOMPARE(e.kind(), AudioErrorKind::TooLong);
    }
    QVERIFY(timer.elapsed() < 1000);
}

void TestAudioBadInput::unreadablePermissions()
{
    const std::string file = path("locked-44100-1-16.wav").toStdString();
    AudioFileWriter::write(file, SignalGenerator::sine(440.0, 0.5, 0.1, 44100));
    QCOMPARE(::chmod(file.c_str(), 0), 0);
    QCOMPARE(::chmod(m_dir.path().toLocal8Bit().constData(), 0755), 0);
    if (::geteuid() != 0) {
        try {
            AudioFileReader::read(file);
            QFAIL("read a file with mode 000");
        } catch (const AudioError &e) {
            QCOMPARE(e.kind(), AudioErrorKind::PermissionDenied);
        }
        return;
    }
    // root ignores file modes, so check as an unprivileged user in a child process.
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0)
            ::_exit(90);
        try {
            AudioFileReader::read(file);
            ::_exit(91);
        } catch (const AudioError &e) {
            const bool named = std::string(e.what()).find("locked-44100-1-16.wav") != std::string::npos;
            ::_exit(e.kind() == AudioErrorKind::PermissionDenied && named ? 0 : 92);
        }
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);
}

void TestAudioBadInput::goodFileStillReadsAfterFailures()
{
    const AudioBuffer audio = AudioFileReader::read(path("whole.flac").toStdString());
    QCOMPARE(audio.frames(), std::size_t(88200));
}

QTEST_GUILESS_MAIN(TestAudioBadInput)
#include "tst_audio_bad_input.moc"

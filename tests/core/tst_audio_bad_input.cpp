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
#include <fstream>
#include <limits>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace dragon;
Q_DECLARE_METATYPE(dragon::AudioErrorKind)

namespace {

std::string readBytes(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Ogg's page checksum: CRC-32, polynomial 0x04C11DB7, no reflection, over the page with its
// CRC field zeroed.
std::uint32_t oggCrc(const std::string &page)
{
    std::uint32_t crc = 0;
    for (unsigned char byte : page) {
        crc ^= std::uint32_t(byte) << 24;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
    }
    return crc;
}

// Holds the soft address-space limit at `extra` bytes above what the process maps now, so an
// allocation a lying header asks for fails here whatever the machine's memory (restored on exit).
class AddressSpaceLimit
{
public:
    explicit AddressSpaceLimit(std::uint64_t extra)
    {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
        (void)extra; // sanitizers reserve terabytes of shadow memory: no limit under them
#else
        std::ifstream status("/proc/self/status");
        std::uint64_t kb = 0;
        for (std::string key; status >> key;) {
            if (key == "VmSize:") {
                status >> kb;
                break;
            }
        }
        m_active = kb > 0 && ::getrlimit(RLIMIT_AS, &m_saved) == 0;
        if (m_active) {
            rlimit limited = m_saved;
            limited.rlim_cur = rlim_t(kb * 1024 + extra);
            m_active = ::setrlimit(RLIMIT_AS, &limited) == 0;
        }
#endif
    }
    ~AddressSpaceLimit()
    {
        if (m_active)
            ::setrlimit(RLIMIT_AS, &m_saved);
    }
    bool active() const
    {
        return m_active;
    }

private:
    rlimit m_saved{};
    bool m_active = false;
};

} // namespace

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
    void lyingHeaderIsNotTrustedWithMemory();
    void fileTooLargeForMemoryIsNamed();
    void oggFrameCountIsAnEstimate();

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

    writeFile(path("44100-0-16.wav").toStdString(),
              fixtures::wavBytes(0, 44100, 16, 1, pcm, 20000));
    const std::string wide(4000 * 2 * 4, '\0');
    writeFile(path("44100-4000-16.wav").toStdString(),
              fixtures::wavBytes(4000, 44100, 16, 1, wide, std::uint32_t(wide.size())));
    writeFile(path("1-1-16.wav").toStdString(), fixtures::wavBytes(1, 1, 16, 1, pcm, 20000));
    writeFile(path("10000000-1-16.wav").toStdString(),
              fixtures::wavBytes(1, 10000000, 16, 1, pcm, 20000));

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
    QTest::newRow("missing") << "does-not-exist.wav" << AudioErrorKind::NotFound
                             << "does not exist";
    QTest::newRow("folder") << "folder.wav" << AudioErrorKind::NotAFile << "not a regular file";
    QTest::newRow("empty") << "empty.wav" << AudioErrorKind::EmptyFile << "empty";
    QTest::newRow("garbage") << "garbage.wav" << AudioErrorKind::UnsupportedFormat
                             << "not a readable audio file";
    QTest::newRow("text as flac") << "text.flac" << AudioErrorKind::UnsupportedFormat
                                  << "not a readable audio file";
    QTest::newRow("truncated wav")
        << "truncated-44100-1-16.wav" << AudioErrorKind::Truncated << "truncated";
    QTest::newRow("truncated flac") << "truncated.flac" << AudioErrorKind::Truncated << "truncated";
    QTest::newRow("0 channels") << "44100-0-16.wav" << AudioErrorKind::BadChannelCount
                                << "channel count is zero";
    QTest::newRow("4000 channels")
        << "44100-4000-16.wav" << AudioErrorKind::BadChannelCount << "too many channels";
    QTest::newRow("1 Hz") << "1-1-16.wav" << AudioErrorKind::BadSampleRate << "1 Hz";
    QTest::newRow("10 MHz") << "10000000-1-16.wav" << AudioErrorKind::BadSampleRate
                            << "10000000 Hz";
    QTest::newRow("NaN samples") << "nan-44100-1-32.wav" << AudioErrorKind::NonFiniteSamples
                                 << "NaN";
    QTest::newRow("inf samples") << "inf-44100-1-32.wav" << AudioErrorKind::NonFiniteSamples
                                 << "infinite";
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
            const bool named =
                std::string(e.what()).find("locked-44100-1-16.wav") != std::string::npos;
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

void TestAudioBadInput::lyingHeaderIsNotTrustedWithMemory()
{
    // A small real FLAC (8 channels, 0.02 s at 192 kHz) whose STREAMINFO is patched to claim
    // 1,800 s: the duration limit allows it, and trusting it would reserve 1,800 * 192000 * 8
    // floats (11 GB) before decoding a frame. Before the fix: std::bad_alloc, no file named.
    const std::string file = path("192000-8-16-lying.flac").toStdString();
    const AudioBuffer clip = SignalGenerator::sineAndClicks(440.0, 0.5, 0.005, 0.02, 192000, 8);
    AudioWriteFormat flac;
    flac.container = AudioContainer::Flac;
    AudioFileWriter::write(file, clip, flac);
    std::string bytes = readBytes(file);
    QVERIFY(bytes.size() > 42 && bytes.compare(0, 4, "fLaC") == 0);
    // STREAMINFO starts at byte 8; total_samples is its 36 bits from bit 108 (byte 13, low nibble).
    const std::uint64_t claimed = 1800ULL * 192000ULL;
    unsigned char *info = reinterpret_cast<unsigned char *>(&bytes[8]);
    info[13] = static_cast<unsigned char>((info[13] & 0xF0) | ((claimed >> 32) & 0x0F));
    for (int i = 0; i < 4; ++i)
        info[14 + i] = static_cast<unsigned char>(claimed >> (24 - 8 * i));
    fixtures::writeFile(file, bytes);
    QCOMPARE(AudioFileReader::probe(file).frames, std::int64_t(claimed)); // the header says so

    AudioReadOptions keepChannels;
    keepChannels.mixdownToMono = false;
    const AddressSpaceLimit limit(std::uint64_t(2) << 30); // 2 GiB more than now
    try {
        AudioFileReader::read(file, keepChannels);
        QFAIL("a file whose header lies was read without complaint");
    } catch (const AudioError &e) {
        // It decodes 3,840 frames of the promised 345.6 M: truncated, and said so by name.
        QCOMPARE(e.kind(), AudioErrorKind::Truncated);
        QVERIFY2(QString(e.what()).contains("192000-8-16-lying.flac"), e.what());
    }
}

void TestAudioBadInput::fileTooLargeForMemoryIsNamed()
{
    // A file that really needs more memory than the process may use gets a named error, not
    // std::bad_alloc (which the CLI printed bare, skipping every file after it).
    const std::string big = path("48000-16-16-big.wav").toStdString();
    const std::uint32_t dataBytes =
        600u * 48000u * 2u * 16u; // 600 s, 16 channels: 1.8 GB of floats
    fixtures::writeFile(big, fixtures::wavBytes(16, 48000, 16, 1, "", dataBytes));
    QCOMPARE(::truncate(big.c_str(), off_t(44) + dataBytes), 0); // sparse: costs no disk
    AudioReadOptions keepChannels;
    keepChannels.mixdownToMono = false;
    const AddressSpaceLimit limit(std::uint64_t(1) << 30);
    if (!limit.active())
        QSKIP("no address-space limit under a sanitizer");
    try {
        AudioFileReader::read(big, keepChannels);
        QFAIL("decoded more than the memory allowed");
    } catch (const AudioError &e) {
        QCOMPARE(e.kind(), AudioErrorKind::TooLarge);
        QVERIFY2(QString(e.what()).contains("48000-16-16-big.wav"), e.what());
    }
    ::unlink(big.c_str());
}

void TestAudioBadInput::oggFrameCountIsAnEstimate()
{
    // Real Ogg Vorbis files decode to slightly fewer frames than the header's estimate (the
    // last page's granule position). Reproduced: the last page's granule raised by 104 (its
    // CRC recomputed). Before the fix: "file is truncated: its header promises ...".
    const std::string file = path("44100-2-vorbis-estimate.ogg").toStdString();
    AudioWriteFormat vorbis;
    vorbis.container = AudioContainer::OggVorbis;
    AudioFileWriter::write(file, SignalGenerator::sineAndClicks(440.0, 0.5, 0.25, 1.0, 44100, 2),
                           vorbis);
    const std::int64_t honest = AudioFileReader::probe(file).frames;
    std::string bytes = readBytes(file);
    const std::size_t last = bytes.rfind("OggS");
    QVERIFY(last != std::string::npos && last + 27 <= bytes.size());
    std::uint64_t granule = 0;
    for (int i = 7; i >= 0; --i)
        granule = (granule << 8) | static_cast<unsigned char>(bytes[last + 6 + std::size_t(i)]);
    granule += 104;
    for (int i = 0; i < 8; ++i)
        bytes[last + 6 + std::size_t(i)] = char((granule >> (8 * i)) & 0xFF);
    const std::size_t segments = static_cast<unsigned char>(bytes[last + 26]);
    std::size_t pageSize = 27 + segments;
    for (std::size_t i = 0; i < segments; ++i)
        pageSize += static_cast<unsigned char>(bytes[last + 27 + i]);
    QCOMPARE(last + pageSize, bytes.size());
    for (int i = 0; i < 4; ++i)
        bytes[last + 22 + std::size_t(i)] = 0;
    const std::uint32_t crc = oggCrc(bytes.substr(last, pageSize));
    for (int i = 0; i < 4; ++i)
        bytes[last + 22 + std::size_t(i)] = char((crc >> (8 * i)) & 0xFF);
    fixtures::writeFile(file, bytes);
    QVERIFY(AudioFileReader::probe(file).frames > honest); // the estimate now overshoots

    const AudioBuffer audio = AudioFileReader::read(file);
    QVERIFY2(std::abs(std::int64_t(audio.frames()) - 44100) < 2048,
             qPrintable(QString::number(audio.frames())));
    QCOMPARE(audio.sampleRate(), 44100);
    // stream() reports the frames it decoded, not the estimate.
    const AudioFileInfo streamed = AudioFileReader::stream(
        file, true, {}, [](const float *, std::size_t, int) { return true; });
    QCOMPARE(streamed.frames, std::int64_t(audio.frames()));
}

QTEST_GUILESS_MAIN(TestAudioBadInput)
#include "tst_audio_bad_input.moc"

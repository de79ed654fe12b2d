// Round trips for every format claimed, mixdown, resampling, loudness and waveform summaries,
// all on generated signals whose expected values follow from the generator.
#include "audio/AudioError.h"
#include "audio/AudioFileReader.h"
#include "audio/AudioFileWriter.h"
#include "audio/Loudness.h"
#include "audio/Resampler.h"
#include "audio/SignalGenerator.h"
#include "audio/WaveformPeaks.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace dragon;

Q_DECLARE_METATYPE(dragon::AudioContainer)
Q_DECLARE_METATYPE(dragon::SampleEncoding)

namespace {

// Correlation of the overlapping part after aligning by the best lag in [-maxLag, maxLag]:
// lossy codecs add encoder delay.
double bestCorrelation(const AudioBuffer &a, const AudioBuffer &b, int channel, int maxLag)
{
    double best = -1.0;
    const long n = long(std::min(a.frames(), b.frames())) - maxLag;
    for (int lag = -maxLag; lag <= maxLag; ++lag) {
        double ab = 0, aa = 0, bb = 0;
        for (long i = maxLag; i < n; ++i) {
            const double x = a.sample(i, channel), y = b.sample(i + lag, channel);
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        if (aa > 0 && bb > 0)
            best = std::max(best, ab / std::sqrt(aa * bb));
    }
    return best;
}

double dominantFrequency(const AudioBuffer &mono)
{
    // Count rising zero crossings: exact enough for a clean sine.
    int crossings = 0;
    for (std::size_t i = 1; i < mono.frames(); ++i)
        if (mono.sample(i - 1, 0) < 0 && mono.sample(i, 0) >= 0)
            ++crossings;
    return crossings / mono.durationSeconds();
}

} // namespace

class TestAudioIo : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void mixdownAveragesChannels();
    void readResamplesAndMixes();
    void resamplerKeepsFrequencyAndLevel();
    void cropOrPad();
    void loudnessOfKnownSine();
    void waveformPeaksFollowSignal();
    void writerIsAtomicAndReportsErrors();

private:
    QTemporaryDir m_dir;
};

void TestAudioIo::roundTrip_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<AudioContainer>("container");
    QTest::addColumn<SampleEncoding>("encoding");
    QTest::addColumn<int>("rate");
    QTest::addColumn<int>("channels");
    QTest::addColumn<bool>("lossless");
    // Names carry rate-channels-bits, like Sonic Visualiser's fixtures.
    QTest::newRow("wav 16") << "44100-2-16.wav" << AudioContainer::Wav << SampleEncoding::Pcm16
                            << 44100 << 2 << true;
    QTest::newRow("wav 24") << "48000-1-24.wav" << AudioContainer::Wav << SampleEncoding::Pcm24
                            << 48000 << 1 << true;
    QTest::newRow("wav float") << "22050-3-32.wav" << AudioContainer::Wav << SampleEncoding::Float32
                               << 22050 << 3 << true;
    QTest::newRow("flac 16") << "44100-2-16.flac" << AudioContainer::Flac << SampleEncoding::Pcm16
                             << 44100 << 2 << true;
    QTest::newRow("flac 24") << "96000-1-24.flac" << AudioContainer::Flac << SampleEncoding::Pcm24
                             << 96000 << 1 << true;
    QTest::newRow("ogg vorbis") << "44100-2-q.ogg" << AudioContainer::OggVorbis
                                << SampleEncoding::Pcm16 << 44100 << 2 << false;
    QTest::newRow("opus") << "48000-1-q.opus" << AudioContainer::OggOpus << SampleEncoding::Pcm16
                          << 48000 << 1 << false;
    QTest::newRow("mp3") << "44100-2-q.mp3" << AudioContainer::Mp3 << SampleEncoding::Pcm16 << 44100
                         << 2 << false;
}

void TestAudioIo::roundTrip()
{
    QFETCH(QString, name);
    QFETCH(AudioContainer, container);
    QFETCH(SampleEncoding, encoding);
    QFETCH(int, rate);
    QFETCH(int, channels);
    QFETCH(bool, lossless);
    const AudioBuffer original =
        SignalGenerator::sineAndClicks(441.0, 0.5, 0.1, 1.0, rate, channels);
    const std::string path = m_dir.filePath(name).toStdString();
    AudioFileWriter::write(path, original, {container, encoding});

    const AudioFileInfo info = AudioFileReader::probe(path);
    QCOMPARE(info.sampleRate, rate);
    QCOMPARE(info.channels, channels);
    AudioReadOptions options;
    options.mixdownToMono = false;
    const AudioBuffer decoded = AudioFileReader::read(path, options);
    QCOMPARE(decoded.channels(), channels);
    QCOMPARE(decoded.sampleRate(), rate);
    if (lossless) {
        QCOMPARE(decoded.frames(), original.frames());
        const double tolerance = encoding == SampleEncoding::Float32 ? 0.0
                                 : encoding == SampleEncoding::Pcm24 ? 1.0 / (1 << 22)
                                                                     : 1.0 / (1 << 14);
        double worst = 0;
        for (std::size_t i = 0; i < original.interleaved().size(); ++i)
            worst = std::max(
                worst, double(std::fabs(original.interleaved()[i] - decoded.interleaved()[i])));
        QVERIFY2(worst <= tolerance, qPrintable(QString("max error %1").arg(worst)));
    } else {
        // Lossy: same length within the codec's padding, and the sine survives.
        QVERIFY2(std::fabs(decoded.durationSeconds() - 1.0) < 0.08,
                 qPrintable(QString("duration %1").arg(decoded.durationSeconds())));
        const double corr = bestCorrelation(original, decoded, 0, 2000);
        QVERIFY2(corr > 0.95, qPrintable(QString("correlation %1").arg(corr)));
    }
}

void TestAudioIo::mixdownAveragesChannels()
{
    const AudioBuffer stereo = SignalGenerator::sineAndClicks(441.0, 0.5, 0.01, 0.1, 44100, 2);
    const AudioBuffer mono = stereo.mixdownToMono();
    QCOMPARE(mono.channels(), 1);
    QCOMPARE(mono.frames(), stereo.frames());
    for (std::size_t f = 0; f < mono.frames(); f += 37)
        QCOMPARE(mono.sample(f, 0), (stereo.sample(f, 0) + stereo.sample(f, 1)) / 2.0f);
}

void TestAudioIo::readResamplesAndMixes()
{
    const AudioBuffer stereo = SignalGenerator::sine(1000.0, 0.5, 2.0, 44100, 2);
    const std::string path = m_dir.filePath("44100-2-16-sine.flac").toStdString();
    AudioFileWriter::write(path, stereo, {AudioContainer::Flac, SampleEncoding::Pcm16});
    AudioReadOptions options;
    options.targetSampleRate = 16000;
    const AudioBuffer out = AudioFileReader::read(path, options);
    QCOMPARE(out.channels(), 1);
    QCOMPARE(out.sampleRate(), 16000);
    QVERIFY(std::abs(long(out.frames()) - 32000) <= 2);
    QVERIFY(std::fabs(dominantFrequency(out) - 1000.0) < 2.0);
    QVERIFY(std::fabs(out.cropOrPad(1000, 28000).peak() - 0.5f) < 0.01f);
}

void TestAudioIo::resamplerKeepsFrequencyAndLevel()
{
    for (const auto &[from, to] : {std::pair{44100, 16000}, {16000, 48000}, {48000, 22050}}) {
        const AudioBuffer in = SignalGenerator::sine(440.0, 0.8, 1.0, from);
        const AudioBuffer out = Resampler::resample(in, to);
        QCOMPARE(out.sampleRate(), to);
        QVERIFY(std::abs(long(out.frames()) - to) <= 2);
        QVERIFY(std::fabs(dominantFrequency(out) - 440.0) < 2.0);
        QVERIFY(std::fabs(out.cropOrPad(out.frames() / 4, out.frames() / 2).peak() - 0.8f) < 0.01f);
    }
    // Streaming in odd-sized blocks gives the same result as one shot.
    const AudioBuffer in = SignalGenerator::sine(440.0, 0.8, 1.0, 44100);
    Resampler streaming(44100, 16000, 1);
    std::vector<float> out;
    for (std::size_t pos = 0; pos < in.frames(); pos += 1237)
        streaming.process(in.interleaved().data() + pos,
                          std::min<std::size_t>(1237, in.frames() - pos), out);
    streaming.flush(out);
    const AudioBuffer oneShot = Resampler::resample(in, 16000);
    QCOMPARE(out.size(), oneShot.interleaved().size());
    for (std::size_t i = 0; i < out.size(); ++i)
        QVERIFY(std::fabs(out[i] - oneShot.interleaved()[i]) < 1e-6f);
}

void TestAudioIo::cropOrPad()
{
    const AudioBuffer in = SignalGenerator::sine(100.0, 0.5, 0.01, 1000, 2); // 10 frames
    const AudioBuffer padded = in.cropOrPad(5, 20);
    QCOMPARE(padded.frames(), std::size_t(20));
    QCOMPARE(padded.sample(0, 1), in.sample(5, 1));
    QCOMPARE(padded.sample(4, 0), in.sample(9, 0));
    QCOMPARE(padded.sample(5, 0), 0.0f);
    QCOMPARE(in.cropOrPad(50, 4).peak(), 0.0f);
}

void TestAudioIo::loudnessOfKnownSine()
{
    // BS.1770: a 997 Hz full-scale sine in one channel reads -3.01 LUFS; amplitude A adds 20 log10
    // A.
    if (!Loudness::available())
        QSKIP("this build was configured without libebur128");
    const AudioBuffer mono = SignalGenerator::sine(997.0, 0.1, 5.0, 48000);
    const LoudnessStats stats = Loudness::measure(mono);
    QVERIFY2(std::fabs(stats.integratedLufs - (-23.01)) < 0.1,
             qPrintable(QString::number(stats.integratedLufs)));
    QVERIFY(std::fabs(stats.samplePeak - 0.1) < 1e-3);
    // Two identical channels sum their power: +3.01 dB.
    const AudioBuffer stereo = SignalGenerator::sine(997.0, 0.1, 5.0, 48000, 2);
    QVERIFY(std::fabs(Loudness::measure(stereo).integratedLufs - (-20.0)) < 0.1);
    QVERIFY(std::isinf(Loudness::measure(AudioBuffer(1, 48000, 48000)).integratedLufs));
    // Integrated loudness alone: exactly measure()'s value, silence and nothing included.
    QCOMPARE(Loudness::integratedLufs(mono), stats.integratedLufs);
    QCOMPARE(Loudness::integratedLufs(stereo), Loudness::measure(stereo).integratedLufs);
    QVERIFY(std::isinf(Loudness::integratedLufs(AudioBuffer(1, 48000, 48000))));
    QVERIFY(std::isinf(Loudness::integratedLufs(AudioBuffer())));
}

void TestAudioIo::waveformPeaksFollowSignal()
{
    // Silence then a full-scale sine: the first half of the bins is empty, the second is not.
    AudioBuffer signal(1, 8000, 8000);
    const AudioBuffer tone = SignalGenerator::sine(200.0, 0.9, 0.5, 8000);
    std::copy(tone.interleaved().begin(), tone.interleaved().end(),
              signal.interleaved().begin() + 4000);
    const std::string path = m_dir.filePath("8000-1-16-halves.wav").toStdString();
    AudioFileWriter::write(path, signal, {AudioContainer::Wav, SampleEncoding::Float32});
    const WaveformPeaks peaks = WaveformPeaks::fromFile(path, 10);
    QCOMPARE(peaks.info.frames, 8000);
    QCOMPARE(int(peaks.maxima.size()), 10);
    for (int b = 0; b < 5; ++b)
        QCOMPARE(peaks.maxima[b], 0.0f);
    for (int b = 5; b < 10; ++b) {
        QVERIFY(peaks.maxima[b] > 0.85f);
        QVERIFY(peaks.minima[b] < -0.85f);
    }
}

void TestAudioIo::writerIsAtomicAndReportsErrors()
{
    const std::string path = m_dir.filePath("keep.wav").toStdString();
    const AudioBuffer first = SignalGenerator::sine(100.0, 0.5, 0.1, 8000);
    AudioFileWriter::write(path, first);
    // Opus cannot be written at 44.1 kHz: the error is clear and the old file is untouched.
    try {
        AudioFileWriter::write(path, SignalGenerator::sine(100.0, 0.5, 0.1, 44100),
                               {AudioContainer::OggOpus, SampleEncoding::Pcm16});
        QFAIL("expected a write error");
    } catch (const AudioError &e) {
        QCOMPARE(e.kind(), AudioErrorKind::WriteFailed);
        QVERIFY(QString(e.what()).contains("keep.wav"));
    }
    QCOMPARE(AudioFileReader::probe(path).sampleRate, 8000);
    QVERIFY_THROWS_EXCEPTION(
        AudioError,
        AudioFileWriter::write(m_dir.filePath("no/such/folder/x.wav").toStdString(), first));
    QCOMPARE(QDir(m_dir.path()).entryList({"*.part-*"}).size(), 0);
}

QTEST_GUILESS_MAIN(TestAudioIo)
#include "tst_audio_io.moc"

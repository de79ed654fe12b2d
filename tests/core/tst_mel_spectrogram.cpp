// Log-mel on torch's STFT, checked against physics (a sine lands in its mel band) and against an
// independent numpy implementation (tests/fixtures/mel_reference.py).
#include "audio/MelSpectrogram.h"
#include "audio/SignalGenerator.h"
#include "facade/Spectrogram.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace dragon;

class TestMelSpectrogram : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void shapeAndBatching();
    void sineLandsInItsBand();
    void silenceIsTheFloor();
    void agreesWithNumpyReference();
    void facadeImage();
};

namespace {
torch::Tensor tensorOf(const AudioBuffer &mono)
{
    return torch::from_blob(const_cast<float *>(mono.interleaved().data()),
                            {int64_t(mono.frames())}, torch::kFloat32)
        .clone();
}
} // namespace

void TestMelSpectrogram::shapeAndBatching()
{
    MelSpectrogram mel(MelConfig{});
    const auto a = tensorOf(SignalGenerator::sine(300.0, 0.5, 1.0, 24000));
    const auto b = tensorOf(SignalGenerator::sine(3000.0, 0.5, 1.0, 24000));
    const auto single = mel(a);
    QCOMPARE(single.size(0), int64_t(64));
    QCOMPARE(single.size(1), mel.framesFor(24000));
    QCOMPARE(single.size(1), int64_t(24000 / 256 + 1));
    const auto batch = mel(torch::stack({a, b}));
    QCOMPARE(batch.dim(), int64_t(3));
    QVERIFY(torch::allclose(batch[0], single, 1e-4, 1e-4));
    QVERIFY(torch::allclose(batch[1], mel(b), 1e-4, 1e-4));
}

void TestMelSpectrogram::sineLandsInItsBand()
{
    MelConfig config;
    MelSpectrogram mel(config);
    for (double f : {250.0, 1000.0, 4000.0}) {
        const auto spec = mel(tensorOf(SignalGenerator::sine(f, 0.5, 1.0, 24000)));
        const int64_t band = spec.select(1, spec.size(1) / 2).argmax().item<int64_t>();
        // Band m peaks at the (m+1)-th mel edge.
        const double lo = MelSpectrogram::hzToMel(0.0), hi = MelSpectrogram::hzToMel(12000.0);
        const double centre =
            MelSpectrogram::melToHz(lo + (hi - lo) * (band + 1) / (config.nMels + 1));
        const double spacing =
            MelSpectrogram::melToHz(lo + (hi - lo) * (band + 2) / (config.nMels + 1)) - centre;
        QVERIFY2(std::fabs(centre - f) <= spacing,
                 qPrintable(QString("%1 Hz -> band centre %2").arg(f).arg(centre)));
    }
}

void TestMelSpectrogram::silenceIsTheFloor()
{
    MelSpectrogram mel(MelConfig{});
    const auto spec = mel(torch::zeros({12000}));
    QVERIFY(torch::allclose(spec, torch::full_like(spec, std::log(1e-6)), 0, 1e-5));
}

void TestMelSpectrogram::agreesWithNumpyReference()
{
    QTemporaryDir dir;
    const AudioBuffer chord = [] {
        const double notes[] = {220.0, 277.18, 329.63, 1760.0};
        return SignalGenerator::chord(notes, 4, 0.75, 16000);
    }();
    QFile in(dir.filePath("in.f32"));
    QVERIFY(in.open(QIODevice::WriteOnly));
    in.write(reinterpret_cast<const char *>(chord.interleaved().data()),
             qint64(chord.interleaved().size() * sizeof(float)));
    in.close();
    QProcess python;
    python.start("/usr/bin/python3",
                 {QString(DRAGON_TEST_DATA_DIR) + "/fixtures/mel_reference.py", in.fileName(),
                  dir.filePath("out.f32"), "16000", "512", "160", "40"});
    QVERIFY(python.waitForFinished(60000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    QFile out(dir.filePath("out.f32"));
    QVERIFY(out.open(QIODevice::ReadOnly));
    const QByteArray bytes = out.readAll();

    MelConfig config;
    config.sampleRate = 16000;
    config.nFft = 512;
    config.hopLength = 160;
    config.nMels = 40;
    const auto ours = MelSpectrogram(config)(tensorOf(chord));
    QCOMPARE(qint64(bytes.size()), qint64(ours.numel() * 4));
    const auto reference = torch::from_blob(const_cast<char *>(bytes.data()),
                                            {ours.size(0), ours.size(1)}, torch::kFloat32);
    // Compare where there is energy; at the 1e-6 floor float32 rounding dominates.
    const auto mask = reference > -10.0;
    QVERIFY(mask.sum().item<int64_t>() > 100);
    const double worst = (ours - reference).abs().masked_select(mask).max().item<double>();
    QVERIFY2(worst < 1e-3, qPrintable(QString("max |log-mel difference| %1").arg(worst)));
}

void TestMelSpectrogram::facadeImage()
{
    const SpectrogramImage image =
        computeLogMelImage(SignalGenerator::sine(1000.0, 0.5, 1.0, 44100, 2));
    QCOMPARE(image.mels, 64);
    QCOMPARE(image.frames, 24000 / 256 + 1);
    QCOMPARE(int(image.values.size()), image.mels * image.frames);
    QVERIFY(computeLogMelImage(AudioBuffer()).values.empty());
    // A clip shorter than half an FFT window is padded, not an error.
    QCOMPARE(computeLogMelImage(SignalGenerator::sine(1000.0, 0.5, 0.001, 24000)).mels, 64);
}

QTEST_GUILESS_MAIN(TestMelSpectrogram)
#include "tst_mel_spectrogram.moc"

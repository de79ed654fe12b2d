// Encoders: TorchScript plug-ins exported by Python (tests/fixtures/export_encoder_plugins.py)
// give the embeddings Python computed, and every broken plug-in is refused at load time with a
// message naming the problem; the built-in feature encoders measure what they claim; pocket
// CLAP ties captions to their audio.
#include "audio/AudioBuffer.h"
#include "encoders/EncoderFactory.h"
#include "encoders/MusicFeaturesEncoder.h"
#include "encoders/PocketClapEncoder.h"
#include "encoders/TorchScriptEncoder.h"
#include "model/CorpusGenerator.h"
#include "model/Synthesizer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace dragon;

namespace {

std::vector<float> readFloats(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    const QByteArray bytes = f.readAll();
    std::vector<float> out(std::size_t(bytes.size()) / sizeof(float));
    std::memcpy(out.data(), bytes.constData(), out.size() * sizeof(float));
    return out;
}

AudioBuffer sine(double hz, double seconds, int rate, float amplitude = 0.5f)
{
    std::vector<float> s(std::size_t(seconds * rate));
    for (std::size_t i = 0; i < s.size(); ++i)
        s[i] = amplitude * float(std::sin(2 * M_PI * hz * double(i) / rate));
    return AudioBuffer(s, 1, rate);
}

std::string readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void writeFile(const std::string &path, const std::string &bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

} // namespace

class TestEncoders : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString plugin(const char *name) const { return m_dir.filePath(QString(name) + ".pt"); }

private Q_SLOTS:
    void initTestCase()
    {
        QProcess python;
        python.start(
            "/usr/bin/python3",
            {QString(DRAGON_TEST_DATA_DIR) + "/fixtures/export_encoder_plugins.py", m_dir.path()});
        QVERIFY2(python.waitForFinished(120000) && python.exitCode() == 0,
                 python.readAllStandardError().constData());
    }

    void pluginMatchesPython()
    {
        QFile meta(m_dir.filePath("probe.json"));
        QVERIFY(meta.open(QIODevice::ReadOnly));
        const QJsonObject probe = QJsonDocument::fromJson(meta.readAll()).object();
        TorchScriptEncoder encoder(plugin("good").toStdString());
        QCOMPARE(encoder.sampleRate(), 16000);
        QCOMPARE(encoder.dimension(), 8);
        QVERIFY(encoder.hasTextTower());
        QVERIFY(QString::fromStdString(encoder.id()).startsWith("ts:tiny-test-encoder@1.0:"));
        QCOMPARE(TorchScriptEncoder(plugin("good").toStdString()).id(), encoder.id()); // stable

        const auto audio = readFloats(m_dir.filePath("probe_audio.f32"));
        const auto expected = readFloats(m_dir.filePath("probe_frames.f32"));
        const QJsonArray frameShape = probe["frames_shape"].toArray();
        const int frames = frameShape[1].toInt(), dim = frameShape[2].toInt();
        const std::size_t samples = audio.size() / 2;
        for (int clip = 0; clip < 2; ++clip) {
            std::vector<float> one(audio.begin() + long(clip * samples),
                                   audio.begin() + long((clip + 1) * samples));
            const Embedding e = encoder.embed(AudioBuffer(one, 1, 16000));
            QCOMPARE(e.frames, frames);
            QCOMPARE(e.dimension, dim);
            for (int i = 0; i < frames * dim; ++i)
                QVERIFY2(std::fabs(e.frameData[std::size_t(i)] -
                                   expected[std::size_t(clip * frames * dim + i)]) < 1e-5f,
                         qPrintable(QString("clip %1 value %2").arg(clip).arg(i)));
        }
        std::vector<std::string> texts;
        for (const auto &t : probe["texts"].toArray())
            texts.push_back(t.toString().toStdString());
        const auto text = encoder.embedText(texts);
        const auto expectedText = readFloats(m_dir.filePath("probe_text.f32"));
        QCOMPARE(text.size(), std::size_t(2));
        for (std::size_t i = 0; i < 2; ++i)
            for (std::size_t d = 0; d < 8; ++d)
                QVERIFY(std::fabs(text[i][d] - expectedText[i * 8 + d]) < 1e-5f);

        // Audio at another rate and in stereo is mixed down and resampled to the plug-in's rate.
        const Embedding resampled = encoder.embed(sine(440, 2.0, 44100));
        QCOMPARE(resampled.frames, 20);
    }

    void pluginIntegrityIsChecked()
    {
        const std::string good = plugin("good").toStdString();
        QCOMPARE(TorchScriptEncoder(good).integrityWarning(), std::string()); // verified
        const std::string reference = readFile(TorchScriptEncoder::referencePath(good));
        const std::string bytes = readFile(good);

        // Without a reference beside it: loads, and says it cannot check.
        const std::string bare = m_dir.filePath("bare.pt").toStdString();
        writeFile(bare, bytes);
        QVERIFY(TorchScriptEncoder(bare).integrityWarning().find("not verified") !=
                std::string::npos);

        // One flipped byte inside the first weight tensor's data: before the
        // reference check such a file loaded and shifted every embedding.
        const std::string flipped = m_dir.filePath("flipped.pt").toStdString();
        std::string damaged = bytes;
        const std::size_t tensor = damaged.find("/data/0"); // the first weight's zip entry
        QVERIFY(tensor != std::string::npos && tensor + 400 < damaged.size());
        damaged[tensor + 400] = char(damaged[tensor + 400] ^ 0x40);
        writeFile(flipped, damaged);
        writeFile(TorchScriptEncoder::referencePath(flipped), reference);
        try {
            TorchScriptEncoder encoder(flipped);
            QFAIL("a plug-in with a flipped byte was accepted");
        } catch (const EncoderError &e) {
            QVERIFY2(QString(e.what()).contains("flipped.pt"), e.what());
            QVERIFY2(QString(e.what()).contains("damaged"), e.what());
        }

        // A reference without a file checksum still catches a model that computes otherwise:
        // its stored output is moved by 0.5 in one value.
        auto j = nlohmann::json::parse(reference);
        j.erase("file_crc32");
        j["embed_audio"][0][0] = j["embed_audio"][0][0].get<double>() + 0.5;
        const std::string changed = m_dir.filePath("changed.pt").toStdString();
        writeFile(changed, bytes);
        writeFile(TorchScriptEncoder::referencePath(changed), j.dump());
        try {
            TorchScriptEncoder encoder(changed);
            QFAIL("a plug-in whose output differs from its reference was accepted");
        } catch (const EncoderError &e) {
            QVERIFY2(QString(e.what()).contains("differs from the reference"), e.what());
        }
        // A damaged reference file is named as such.
        writeFile(TorchScriptEncoder::referencePath(changed), "{\"format\": ");
        QVERIFY_THROWS_EXCEPTION(EncoderError, TorchScriptEncoder{changed});
    }

    void pluginWhoseCodeDoesNotParseIsRefused()
    {
        // Found by fuzz_plugin: a plug-in whose TorchScript code does not parse made libtorch
        // throw a torch::jit::ErrorReport whose what() throws again: the app aborted.
        const std::string file =
            std::string(DRAGON_TEST_DATA_DIR) + "/fixtures/damaged/plugin-code-does-not-parse.pt";
        try {
            TorchScriptEncoder encoder(file);
            QFAIL("a plug-in whose code does not parse was accepted");
        } catch (const EncoderError &e) {
            QVERIFY2(QString(e.what()).contains("plugin-code-does-not-parse.pt"), e.what());
            QVERIFY2(QString(e.what()).contains("not a loadable TorchScript file"), e.what());
        }
    }

    void brokenPluginsAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing method") << "missing_method"
                                        << "embed_audio() is missing";
        QTest::newRow("wrong shape") << "wrong_shape"
                                     << "returned shape [2, 8]";
        QTest::newRow("float64") << "float64"
                                 << "dtype Double; expected float32";
        QTest::newRow("nan") << "nan_output"
                             << "NaN or infinite";
        QTest::newRow("wrong dim") << "wrong_dim"
                                   << "embedding_dim() = 8";
        QTest::newRow("batch dependent") << "batch_dependent"
                                         << "alone and in a batch";
        QTest::newRow("future version") << "future_version"
                                        << "newer PyTorch";
        QTest::newRow("not torchscript") << "not_torchscript"
                                         << "not a loadable TorchScript file";
        QTest::newRow("missing file") << "does_not_exist"
                                      << "does not exist";
    }
    void brokenPluginsAreRefused()
    {
        QFETCH(QString, name);
        QFETCH(QString, message);
        try {
            TorchScriptEncoder encoder(plugin(qPrintable(name)).toStdString());
            QFAIL("a broken plug-in was accepted");
        } catch (const EncoderError &e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
            QVERIFY2(QString(e.what()).contains(name), "the message names the file");
        }
    }

    void factoryKnowsTheBuiltIns()
    {
        QCOMPARE(createEncoder("mel-stats")->dimension(), 64);
        QCOMPARE(createEncoder("music-features")->dimension(), 41);
        QCOMPARE(createEncoder(plugin("good").toStdString())->dimension(), 8);
        QVERIFY_THROWS_EXCEPTION(EncoderError, createEncoder("no-such-encoder"));
        QVERIFY_THROWS_EXCEPTION(EncoderError, createEncoder("mel-stats")->embedText({"x"}));
        QVERIFY_THROWS_EXCEPTION(EncoderError, createEncoder("mel-stats")->embed(AudioBuffer()));
        std::vector<float> bad(24000, 0.1f);
        bad[100] = std::nanf("");
        QVERIFY_THROWS_EXCEPTION(EncoderError,
                                 createEncoder("mel-stats")->embed(AudioBuffer(bad, 1, 24000)));
    }

    void melStatsFrames()
    {
        const Embedding e = createEncoder("mel-stats")->embed(sine(1000, 6.0, 24000));
        QCOMPARE(e.frames, 6 * 24000 / 256 + 1);
        QCOMPARE(e.dimension, 64);
        // A 1 kHz tone: the loudest band is the same in every frame, and the clip is their mean.
        int loudest = 0;
        for (int d = 1; d < 64; ++d)
            if (e.clip[std::size_t(d)] > e.clip[std::size_t(loudest)])
                loudest = d;
        QVERIFY(loudest > 15 && loudest < 40);
    }

    void musicFeaturesAreInterpretable()
    {
        MusicFeaturesEncoder encoder;
        const auto names = encoder.dimensionNames();
        QCOMPARE(int(names.size()), encoder.dimension());
        const Embedding a440 = encoder.embed(sine(440, 3.0, 24000));
        QCOMPARE(a440.frames, 6); // 0.5 s blocks
        const auto index = [&](const std::string &n) {
            return std::size_t(std::find(names.begin(), names.end(), n) - names.begin());
        };
        // Chroma: A dominates; centroid near 0.44 kHz; a pure tone is not flat; no onsets.
        for (const char *other : {"chroma_C", "chroma_D", "chroma_E", "chroma_G"})
            QVERIFY(a440.clip[index("chroma_A")] > 5 * a440.clip[index(other)]);
        QVERIFY(std::fabs(a440.clip[index("centroid_khz")] - 0.44) < 0.05);
        QVERIFY(a440.clip[index("flatness")] < 0.01);
        // White noise is flat and bright.
        std::vector<float> noise(72000);
        std::uint32_t state = 1;
        for (float &v : noise) {
            state = state * 1664525u + 1013904223u;
            v = float(state >> 8) / float(1 << 24) - 0.5f;
        }
        const Embedding white = encoder.embed(AudioBuffer(noise, 1, 24000));
        QVERIFY(white.clip[index("flatness")] > 0.3);
        QVERIFY(white.clip[index("centroid_khz")] > 4.0);
        // Clicks every 0.25 s give onset strength; the tone has almost none.
        std::vector<float> clicks(72000, 0.f);
        for (std::size_t i = 0; i < clicks.size(); i += 6000)
            for (std::size_t k = 0; k < 200; ++k)
                clicks[i + k] = 0.8f * float(std::exp(-double(k) / 40.0));
        const Embedding c = encoder.embed(AudioBuffer(clicks, 1, 24000));
        QVERIFY(c.clip[index("onset_strength")] > 10 * a440.clip[index("onset_strength")] + 1e-3);
    }

    void pocketClapLinksCaptionsToAudio()
    {
        PocketClapEncoder clap; // the shipped checkpoint
        QVERIFY(clap.hasTextTower());
        QCOMPARE(clap.dimension(), 128);
        QVERIFY(QString::fromStdString(clap.id()).startsWith("pocket-clap-1:"));
        // Words outside the caption grammar are named, each once, in order.
        QCOMPARE(clap.unknownWords("an orchestral adventure soundtrack, an adventure"),
                 (std::vector<std::string>{"an", "adventure", "soundtrack"}));
        QVERIFY(
            clap.unknownWords("a slow dreamy ambient piece in d minor with soft drums").empty());
        // Every example word the hint gives (inside its parentheses) is one the tower knows.
        const std::string hint = clap.knownWordsHint();
        QVERIFY2(hint.rfind("it knows styles (", 0) == 0, hint.c_str());
        int examples = 0;
        for (std::size_t open = hint.find('('); open != std::string::npos;
             open = hint.find('(', open + 1), ++examples) {
            const std::string inside = hint.substr(open + 1, hint.find(')', open) - open - 1);
            QVERIFY2(clap.unknownWords(inside).empty(), inside.c_str());
        }
        QCOMPARE(examples, 6);
        // Held-out clips of two contrasting styles: each clip is closer to its own style's word.
        const CorpusGenerator corpus;
        const Synthesizer synth;
        const auto texts = clap.embedText({"ambient", "techno"});
        int correct = 0, total = 0;
        for (int i = 0; i < 6; ++i)
            for (Style style : {Style::Ambient, Style::Techno}) {
                const Embedding e = clap.embed(synth.render(corpus.generate(
                    CorpusGenerator::kHeldOutSeedStart + 77000 + std::uint64_t(i), style)));
                QCOMPARE(e.dimension, 128);
                double norm = 0;
                for (float v : e.clip)
                    norm += double(v) * v;
                QVERIFY(std::fabs(norm - 1.0) < 1e-4); // clip embeddings are unit length
                double s[2] = {0, 0};
                for (int k = 0; k < 2; ++k)
                    for (int d = 0; d < 128; ++d)
                        s[k] +=
                            double(e.clip[std::size_t(d)]) * texts[std::size_t(k)][std::size_t(d)];
                correct += (style == Style::Ambient) == (s[0] > s[1]);
                ++total;
            }
        QVERIFY2(correct >= total - 1, qPrintable(QString("%1 of %2").arg(correct).arg(total)));
        // Long audio is windowed: 20 s of audio gives about 12 frames per second.
        const Embedding longer = clap.embed(sine(330, 20.0, 24000));
        QVERIFY(longer.frames > 200 && longer.frames < 260);
        // A 0.2 s clip still embeds.
        QVERIFY(clap.embed(sine(330, 0.2, 24000)).frames >= 1);
    }

    void pocketClapRefusesBadCheckpoints()
    {
        QVERIFY_THROWS_EXCEPTION(EncoderError,
                                 PocketClapEncoder(m_dir.filePath("none.pt").toStdString()));
        QVERIFY_THROWS_EXCEPTION(EncoderError,
                                 PocketClapEncoder(plugin("not_torchscript").toStdString()));
        QVERIFY_THROWS_EXCEPTION(EncoderError, PocketClapEncoder(plugin("good").toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestEncoders)
#include "tst_encoders.moc"

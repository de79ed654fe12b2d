#include "model/PocketEvaluator.h"

#include "audio/MusicFeatures.h"
#include "metrics/FrechetDistance.h"
#include "model/CorpusGenerator.h"
#include "model/DdimSampler.h"
#include "model/Synthesizer.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

namespace dragon {
namespace {

struct Labelled
{
    std::vector<float> features;
    int style, tempo, mode;
    AudioBuffer audio;
};

Labelled labelled(const Score &s, AudioBuffer audio)
{
    Labelled l{MusicFeatures::clip(audio), static_cast<int>(s.style),
               static_cast<int>(tempoBucket(s.bpm)), s.minor ? 1 : 0, std::move(audio)};
    return l;
}

// Multinomial logistic regression on standardised features (full batch Adam, weight decay).
class LinearClassifier
{
public:
    void fit(const torch::Tensor &x, const torch::Tensor &y, int classes)
    {
        torch::AutoGradMode gradients(true); // the evaluator runs under NoGradGuard
        m_mean = x.mean(0);
        m_std = x.std(0) + 1e-6;
        const auto z = (x - m_mean) / m_std;
        m_w = torch::zeros({x.size(1), classes}, torch::requires_grad());
        m_b = torch::zeros({classes}, torch::requires_grad());
        torch::optim::Adam opt({m_w, m_b}, torch::optim::AdamOptions(0.05).weight_decay(1e-3));
        for (int i = 0; i < 300; ++i) {
            opt.zero_grad();
            auto loss = torch::nn::functional::cross_entropy(torch::matmul(z, m_w) + m_b, y);
            loss.backward();
            opt.step();
        }
    }
    double accuracy(const torch::Tensor &x, const torch::Tensor &y) const
    {
        torch::NoGradGuard noGrad;
        const auto predicted = (torch::matmul((x - m_mean) / m_std, m_w) + m_b).argmax(1);
        return (predicted == y).to(torch::kFloat64).mean().item<double>();
    }

private:
    torch::Tensor m_mean, m_std, m_w, m_b;
};

torch::Tensor featureMatrix(const std::vector<Labelled> &items)
{
    std::vector<float> flat;
    for (const auto &i : items)
        flat.insert(flat.end(), i.features.begin(), i.features.end());
    return torch::tensor(flat).view({static_cast<int64_t>(items.size()), MusicFeatures::kSize});
}

torch::Tensor labels(const std::vector<Labelled> &items, int Labelled::*field)
{
    std::vector<int64_t> v;
    for (const auto &i : items)
        v.push_back(i.*field);
    return torch::tensor(v, torch::kInt64);
}

Eigen::MatrixXd toEigen(const torch::Tensor &t)
{
    const auto d = t.to(torch::kFloat64).contiguous();
    return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        d.data_ptr<double>(), d.size(0), d.size(1));
}

double meanPairwiseDistance(const torch::Tensor &standardised)
{
    const auto d = torch::cdist(standardised, standardised);
    const auto n = standardised.size(0);
    return d.sum().item<double>() / double(n * (n - 1));
}

void writeSpectrogramPgm(const std::string &path, const AudioBuffer &audio)
{
    const auto frames = MusicFeatures::logMelFrames(audio); // [F, 64]
    const auto lo = frames.max().item<float>() - 12.0f;     // 12 nepers of range
    const auto img = ((frames - lo) / 12.0f).clamp(0, 1).mul(255).to(torch::kUInt8).contiguous();
    std::ofstream out(path, std::ios::binary);
    const int64_t w = img.size(0), h = img.size(1);
    out << "P5\n" << w << " " << h << "\n255\n";
    const uint8_t *pixels = img.data_ptr<uint8_t>(); // [w][h]
    for (int64_t row = h - 1; row >= 0; --row)       // low frequencies at the bottom
        for (int64_t col = 0; col < w; ++col)
            out.put(static_cast<char>(pixels[col * h + row]));
}

} // namespace

std::string PocketEvaluationReport::toJson() const
{
    return nlohmann::json{{"styleAccuracy", styleAccuracy},
                          {"tempoAccuracy", tempoAccuracy},
                          {"modeAccuracy", modeAccuracy},
                          {"styleCeiling", styleCeiling},
                          {"tempoCeiling", tempoCeiling},
                          {"modeCeiling", modeCeiling},
                          {"perSongFadGenerated", perSongFadGenerated},
                          {"perSongFadCorpus", perSongFadCorpus},
                          {"diversityGenerated", diversityGenerated},
                          {"diversityCorpus", diversityCorpus},
                          {"generatedClips", generatedClips},
                          {"generationSeconds", generationSeconds}}
        .dump(2);
}

PocketEvaluationReport PocketEvaluator::run(Generator &g, const PocketEvaluationConfig &c,
                                            const Log &log)
{
    auto say = [&](const std::string &m) {
        if (log)
            log(m);
    };
    torch::NoGradGuard noGrad;
    const CorpusGenerator corpus;
    const Synthesizer synth(g.sampleRate());
    PocketEvaluationReport r;

    say("rendering training corpus for the classifiers");
    std::vector<Labelled> train;
    for (int style = 0; style < kStyleCount; ++style)
        for (int i = 0; i < c.trainClipsPerStyle; ++i) {
            const Score s = corpus.generate(500000 + style * 10000 + i, static_cast<Style>(style));
            train.push_back(labelled(s, synth.render(s)));
        }
    const auto trainX = featureMatrix(train);
    LinearClassifier style, tempo, mode;
    style.fit(trainX, labels(train, &Labelled::style), kStyleCount);
    tempo.fit(trainX, labels(train, &Labelled::tempo), 3);
    mode.fit(trainX, labels(train, &Labelled::mode), 2);

    say("held-out corpus and captions");
    std::vector<Labelled> heldOut;
    std::vector<std::string> captions;
    std::vector<Score> heldOutScores;
    std::mt19937_64 rng(2024);
    for (int i = 0; i < c.heldOutCaptions; ++i) {
        const Score s = corpus.generate(CorpusGenerator::kHeldOutSeedStart + 7 + i,
                                        static_cast<Style>(i % kStyleCount));
        heldOutScores.push_back(s);
        // Phrasings that name style, tempo and key (0, 2, 5) or style, tempo, mode (1).
        static const int phrasings[] = {0, 1, 2, 5};
        captions.push_back(CorpusGenerator::caption(s, phrasings[i % 4] + 6 * (rng() % 6)));
        heldOut.push_back(labelled(s, synth.render(s)));
    }
    const auto heldX = featureMatrix(heldOut);
    r.styleCeiling = style.accuracy(heldX, labels(heldOut, &Labelled::style));
    r.tempoCeiling = tempo.accuracy(heldX, labels(heldOut, &Labelled::tempo));
    r.modeCeiling = mode.accuracy(heldX, labels(heldOut, &Labelled::mode));

    say("generating " + std::to_string(c.heldOutCaptions) + " clips");
    SamplerSettings settings;
    settings.steps = c.steps;
    settings.guidance = c.guidance;
    std::vector<Labelled> generated;
    const auto started = std::chrono::steady_clock::now();
    for (int first = 0; first < c.heldOutCaptions; first += c.batch) {
        const int n = std::min(c.batch, c.heldOutCaptions - first);
        std::vector<std::string> prompts(captions.begin() + first, captions.begin() + first + n);
        std::vector<std::uint64_t> seeds;
        for (int i = 0; i < n; ++i)
            seeds.push_back(static_cast<std::uint64_t>(first + i));
        const auto clips = g.decode(DdimSampler::sample(g, prompts, seeds, settings));
        for (int i = 0; i < n; ++i)
            generated.push_back(labelled(heldOutScores[static_cast<std::size_t>(first + i)],
                                         clips[static_cast<std::size_t>(i)]));
        say("  " + std::to_string(first + n) + "/" + std::to_string(c.heldOutCaptions));
    }
    r.generationSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    r.generatedClips = static_cast<int>(generated.size());
    const auto genX = featureMatrix(generated);
    r.styleAccuracy = style.accuracy(genX, labels(generated, &Labelled::style));
    r.tempoAccuracy = tempo.accuracy(genX, labels(generated, &Labelled::tempo));
    r.modeAccuracy = mode.accuracy(genX, labels(generated, &Labelled::mode));

    say("per-song FAD");
    // Reference: frames of the first half of the held-out corpus; the second half is scored as
    // the corpus's own figure, so neither side is scored against itself.
    const int half = c.heldOutCaptions / 2;
    std::vector<torch::Tensor> refFrames;
    for (int i = 0; i < half; ++i)
        refFrames.push_back(
            MusicFeatures::logMelFrames(heldOut[static_cast<std::size_t>(i)].audio));
    const GaussianStats reference = GaussianStats::fromRows(toEigen(torch::cat(refFrames, 0)));
    auto perSong = [&](const std::vector<Labelled> &items, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; ++i)
            sum += frechetDistance(GaussianStats::fromRows(toEigen(MusicFeatures::logMelFrames(
                                       items[static_cast<std::size_t>(i)].audio))),
                                   reference);
        return sum / (to - from);
    };
    r.perSongFadCorpus = perSong(heldOut, half, c.heldOutCaptions);
    r.perSongFadGenerated = perSong(generated, half, c.heldOutCaptions);

    say("diversity");
    // Standardise with the training features so distances are comparable across sets.
    const auto mean = trainX.mean(0), stdev = trainX.std(0) + 1e-6;
    double genDiversity = 0, corpusDiversity = 0;
    for (int s = 0; s < kStyleCount; ++s) {
        const Style styleId = static_cast<Style>(s);
        const std::string prompt =
            CorpusGenerator::caption(corpus.generate(1, styleId), 4); // style only
        std::vector<std::uint64_t> seeds;
        for (int i = 0; i < c.diversitySeeds; ++i)
            seeds.push_back(static_cast<std::uint64_t>(1000 + i));
        const auto clips = g.decode(DdimSampler::sample(
            g, std::vector<std::string>(seeds.size(), prompt), seeds, settings));
        std::vector<float> genFlat, corpusFlat;
        AudioBuffer firstCorpusClip;
        for (std::size_t i = 0; i < clips.size(); ++i) {
            const auto f = MusicFeatures::clip(clips[i]);
            genFlat.insert(genFlat.end(), f.begin(), f.end());
            AudioBuffer corpusClip = synth.render(
                corpus.generate(CorpusGenerator::kHeldOutSeedStart + 50000 + i, styleId));
            const auto cf = MusicFeatures::clip(corpusClip);
            corpusFlat.insert(corpusFlat.end(), cf.begin(), cf.end());
            if (i == 0)
                firstCorpusClip = std::move(corpusClip);
        }
        const auto n = static_cast<int64_t>(clips.size());
        genDiversity += meanPairwiseDistance((torch::tensor(genFlat).view({n, -1}) - mean) / stdev);
        corpusDiversity +=
            meanPairwiseDistance((torch::tensor(corpusFlat).view({n, -1}) - mean) / stdev);
        if (!c.spectrogramDir.empty()) {
            std::filesystem::create_directories(c.spectrogramDir);
            const std::string name = std::to_string(s);
            writeSpectrogramPgm(c.spectrogramDir + "/" + name + "-generated.pgm", clips[0]);
            writeSpectrogramPgm(c.spectrogramDir + "/" + name + "-corpus.pgm", firstCorpusClip);
            std::ofstream(c.spectrogramDir + "/" + name + "-prompt.txt") << prompt << "\n";
        }
    }
    r.diversityGenerated = genDiversity / kStyleCount;
    r.diversityCorpus = corpusDiversity / kStyleCount;
    return r;
}

} // namespace dragon

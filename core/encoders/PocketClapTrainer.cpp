#include "encoders/PocketClapTrainer.h"

#include "encoders/PocketClapModel.h"
#include "model/ArchiveFile.h"
#include "model/ComputeThreads.h"
#include "model/CorpusGenerator.h"
#include "model/Synthesizer.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

namespace dragon {
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kRetrievalSeeds = CorpusGenerator::kHeldOutSeedStart + 300000;
constexpr std::uint64_t kZeroShotSeeds = CorpusGenerator::kHeldOutSeedStart + 400000;

// Renders clips in parallel and returns their raw audio [N, samples].
torch::Tensor renderClips(const std::vector<Score> &scores, int sampleRate)
{
    const Synthesizer synth(sampleRate);
    const int64_t samples = int64_t(std::llround(6.0 * sampleRate));
    auto audio = torch::zeros({int64_t(scores.size()), samples});
    const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> threads;
    for (unsigned w = 0; w < workers; ++w)
        threads.emplace_back([&, w] {
            for (size_t i = w; i < scores.size(); i += workers) {
                const auto clip = synth.render(scores[i]).cropOrPad(0, size_t(samples));
                std::memcpy(audio[int64_t(i)].data_ptr<float>(), clip.interleaved().data(),
                            sizeof(float) * size_t(samples));
            }
        });
    for (auto &t : threads)
        t.join();
    return audio;
}

torch::Tensor logMelInChunks(PocketClap &clap, const torch::Tensor &audio)
{
    std::vector<torch::Tensor> chunks;
    for (int64_t i = 0; i < audio.size(0); i += 256)
        chunks.push_back(
            clap.normalisedLogMel(audio.narrow(0, i, std::min<int64_t>(256, audio.size(0) - i))));
    return torch::cat(chunks, 0);
}

double learningRateAt(const ClapTrainConfig &c, int step)
{
    if (step < c.warmupSteps)
        return c.learningRate * (step + 1) / c.warmupSteps;
    const double progress = double(step - c.warmupSteps) / std::max(1, c.steps - c.warmupSteps);
    return c.learningRate * (0.02 + 0.98 * 0.5 * (1 + std::cos(M_PI * std::min(progress, 1.0))));
}

torch::Tensor clipEmbeddings(PocketClap &clap, const torch::Tensor &mel)
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> out;
    for (int64_t i = 0; i < mel.size(0); i += 128)
        out.push_back(PocketClapNetImpl::clipFromFrames(
            clap.net()->audioFrames(mel.narrow(0, i, std::min<int64_t>(128, mel.size(0) - i)))));
    return torch::cat(out, 0);
}

} // namespace

std::string ClapEvaluation::toJson() const
{
    return nlohmann::json{{"pairs", pairs},
                          {"recall_at_1", recallAt1},
                          {"recall_at_5", recallAt5},
                          {"zero_shot_clips", zeroShotClips},
                          {"zero_shot_style_accuracy", zeroShotStyleAccuracy}}
        .dump(2);
}

void PocketClapTrainer::run(const ClapTrainConfig &c, const Callback &callback,
                            const std::atomic<bool> *stop)
{
    fs::create_directories(c.outDir);
    ComputeThreads::use(c.threads > 0 ? c.threads
                                      : int(std::max(1u, std::thread::hardware_concurrency())));
    torch::manual_seed(c.seed);
    const CorpusGenerator corpus;
    PocketClap clap;

    // The pool: a pure function of the seed, so a resumed run trains on the same clips.
    if (callback)
        callback({0, c.steps, 0, 0, 0, "rendering"});
    std::mt19937_64 poolRng(c.seed * 0x9E3779B97F4A7C15ULL);
    std::uniform_int_distribution<std::uint64_t> seedDist(0,
                                                          CorpusGenerator::kHeldOutSeedStart - 1);
    std::vector<Score> scores;
    std::vector<std::vector<std::string>> captions;
    for (int i = 0; i < c.poolClips; ++i) {
        scores.push_back(corpus.generate(seedDist(poolRng)));
        std::vector<std::string> options;
        for (int k = 0; k < c.captionsPerClip; ++k)
            options.push_back(CorpusGenerator::caption(scores.back(), poolRng()));
        captions.push_back(std::move(options));
    }
    const auto audio = renderClips(scores, clap.config().sampleRate);
    scores.clear();
    {
        // Input normalisation measured on the pool (a model constant, stored in the config).
        const auto raw =
            logMelInChunks(clap, audio.narrow(0, 0, std::min<int64_t>(512, audio.size(0))));
        clap.mutableConfig().inputMean = raw.mean().item<double>();
        clap.mutableConfig().inputStd = raw.std().item<double>();
    }
    const auto mel = logMelInChunks(clap, audio).to(torch::kHalf); // [N, M, T], half to save memory

    auto &net = clap.net();
    net->train();
    torch::optim::AdamW optimizer(
        net->parameters(),
        torch::optim::AdamWOptions(c.learningRate).weight_decay(c.weightDecay).betas({0.9, 0.98}));
    int step = 0;
    const fs::path statePath = fs::path(c.outDir) / "train-state.pt";
    if (fs::exists(statePath)) {
        torch::serialize::InputArchive archive, weights, optimizerState;
        ArchiveFile::read(statePath.string(), archive, "a pocket-CLAP training state");
        c10::IValue saved;
        archive.read("step", saved);
        step = int(saved.toInt());
        archive.read("model", weights);
        archive.read("optimizer", optimizerState);
        net->load(weights);
        optimizer.load(optimizerState);
    }
    std::ofstream log(fs::path(c.outDir) / "loss.csv", std::ios::app);
    if (step == 0)
        log << "step,loss,accuracy,lr,seconds_per_step\n";
    auto checkpoint = [&] {
        torch::serialize::OutputArchive archive, weights, optimizerState;
        net->save(weights);
        optimizer.save(optimizerState);
        archive.write("step", c10::IValue(int64_t(step)));
        archive.write("model", weights);
        archive.write("optimizer", optimizerState);
        ArchiveFile::write(statePath.string(), archive);
        net->eval();
        clap.save((fs::path(c.outDir) / "pocket-clap.pt").string());
        net->train();
        log.flush();
    };
    while (step < c.steps) {
        if (stop && stop->load())
            break;
        const auto started = std::chrono::steady_clock::now();
        std::mt19937_64 rng(c.seed * 1000003ULL + std::uint64_t(step));
        std::uniform_int_distribution<int> pick(0, c.poolClips - 1);
        std::uniform_int_distribution<int> pickCaption(0, c.captionsPerClip - 1);
        std::uniform_real_distribution<double> gainDb(-9.0, 3.0);
        std::vector<int64_t> index;
        std::vector<std::string> texts;
        std::vector<float> shifts;
        for (int i = 0; i < c.batch; ++i) {
            const int clip = pick(rng);
            index.push_back(clip);
            texts.push_back(captions[size_t(clip)][size_t(pickCaption(rng))]);
            // A gain of g dB shifts log power by g ln(10) / 10.
            shifts.push_back(float(gainDb(rng) * std::log(10.0) / 10.0 / clap.config().inputStd));
        }
        const auto batchMel = mel.index_select(0, torch::tensor(index)).to(torch::kFloat32) +
                              torch::tensor(shifts).view({-1, 1, 1});
        const double lr = learningRateAt(c, step);
        for (auto &group : optimizer.param_groups())
            static_cast<torch::optim::AdamWOptions &>(group.options()).lr(lr);
        optimizer.zero_grad();
        const auto audioEmb = PocketClapNetImpl::clipFromFrames(net->audioFrames(batchMel));
        const auto textEmb = net->text(clap.tokenize(texts));
        const auto scale = net->logitScale.clamp(0.0, std::log(100.0)).exp();
        const auto logits = scale * torch::matmul(textEmb, audioEmb.t());
        // Identical captions in one batch are not negatives of each other.
        std::vector<float> sameText(size_t(c.batch) * size_t(c.batch), 0.f);
        for (int i = 0; i < c.batch; ++i)
            for (int j = 0; j < c.batch; ++j)
                if (i != j && texts[size_t(i)] == texts[size_t(j)])
                    sameText[size_t(i) * size_t(c.batch) + size_t(j)] = 1.f;
        const auto mask =
            torch::from_blob(sameText.data(), {c.batch, c.batch}).clone().to(torch::kBool);
        const auto masked = logits.masked_fill(mask, -1e4);
        const auto labels = torch::arange(c.batch);
        const auto loss = 0.5 * (torch::nn::functional::cross_entropy(masked, labels) +
                                 torch::nn::functional::cross_entropy(masked.t(), labels));
        const double lossValue = loss.item<double>();
        if (!std::isfinite(lossValue)) {
            ++step;
            continue;
        }
        loss.backward();
        torch::nn::utils::clip_grad_norm_(net->parameters(), 1.0);
        optimizer.step();
        const double accuracy =
            (masked.argmax(1) == labels).to(torch::kFloat64).mean().item<double>();
        ++step;
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        log << step << "," << lossValue << "," << accuracy << "," << lr << "," << seconds << "\n";
        if (callback)
            callback({step, c.steps, lossValue, accuracy, seconds, "training"});
        if (step % c.checkpointEvery == 0 || step == c.steps)
            checkpoint();
    }
    if (step % c.checkpointEvery != 0)
        checkpoint();
}

ClapEvaluation PocketClapTrainer::evaluate(PocketClap &clap, int pairs, int clipsPerStyle)
{
    const CorpusGenerator corpus;
    clap.net()->eval();
    ClapEvaluation result;
    {
        std::vector<Score> scores;
        std::vector<std::string> texts;
        for (int i = 0; i < pairs; ++i) {
            scores.push_back(corpus.generate(kRetrievalSeeds + std::uint64_t(i)));
            texts.push_back(CorpusGenerator::caption(scores.back(), std::uint64_t(i) * 7919ULL));
        }
        const auto audio = clipEmbeddings(
            clap, logMelInChunks(clap, renderClips(scores, clap.config().sampleRate)));
        const auto text = clap.embedText(texts);
        const auto similarity = torch::matmul(text, audio.t()); // [texts, audios]
        const auto correct = similarity.diagonal().unsqueeze(1);
        const auto rank = (similarity > correct).sum(1); // 0 = best
        result.pairs = pairs;
        result.recallAt1 = (rank < 1).to(torch::kFloat64).mean().item<double>();
        result.recallAt5 = (rank < 5).to(torch::kFloat64).mean().item<double>();
    }
    {
        std::vector<Score> scores;
        std::vector<int64_t> labels;
        for (int s = 0; s < kStyleCount; ++s)
            for (int i = 0; i < clipsPerStyle; ++i) {
                scores.push_back(corpus.generate(
                    kZeroShotSeeds + std::uint64_t(s * clipsPerStyle + i), Style(s)));
                labels.push_back(s);
            }
        std::vector<std::string> prompts;
        for (int s = 0; s < kStyleCount; ++s) {
            Score styleOnly;
            styleOnly.style = Style(s);
            prompts.push_back(CorpusGenerator::caption(styleOnly, 4)); // the style word alone
        }
        const auto audio = clipEmbeddings(
            clap, logMelInChunks(clap, renderClips(scores, clap.config().sampleRate)));
        const auto predicted = torch::matmul(audio, clap.embedText(prompts).t()).argmax(1);
        result.zeroShotClips = int(scores.size());
        result.zeroShotStyleAccuracy =
            (predicted == torch::tensor(labels)).to(torch::kFloat64).mean().item<double>();
    }
    return result;
}

} // namespace dragon

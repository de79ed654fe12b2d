#include "ModelCommands.h"

#include "CliOptions.h"
#include "CommandUsage.h"
#include "audio/AudioFileWriter.h"
#include "facade/GeneratorService.h"
#include "model/ComputeThreads.h"
#include "model/CorpusGenerator.h"
#include "model/DdimSampler.h"
#include "model/ParallelShards.h"
#include "model/PocketEvaluator.h"
#include "model/PocketGenerator.h"
#include "model/Pretrainer.h"
#include "model/Synthesizer.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace dragon::cli {
namespace fs = std::filesystem;

int pretrain(const Args &input)
{
    Args args = input;
    PretrainConfig c;
    c.outDir = takeOption(args, "--out", "");
    c.steps = toInt(takeOption(args, "--steps", std::to_string(c.steps)), "--steps");
    c.batch = toInt(takeOption(args, "--batch", std::to_string(c.batch)), "--batch");
    c.learningRate = toDouble(takeOption(args, "--lr", std::to_string(c.learningRate)), "--lr");
    c.checkpointEvery =
        toInt(takeOption(args, "--checkpoint-every", std::to_string(c.checkpointEvery)),
              "--checkpoint-every");
    c.seed = static_cast<std::uint64_t>(toInt(takeOption(args, "--seed", "1"), "--seed"));
    c.threads = toInt(takeOption(args, "--threads", "0"), "--threads");
    if (c.outDir.empty() || !args.empty() || c.steps < 1 || c.batch < 1) {
        return usageError("pretrain");
    }
    const auto started = std::chrono::steady_clock::now();
    Pretrainer::run(c, [&](const PretrainProgress &p) {
        if (p.step % 10 == 0 || p.step == p.steps) {
            const double elapsed =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            std::cout << "step " << p.step << "/" << p.steps << "  loss " << std::fixed
                      << std::setprecision(4) << p.loss << "  lr " << std::scientific
                      << std::setprecision(2) << p.learningRate << std::fixed << "  "
                      << std::setprecision(2) << p.secondsPerStep << " s/step  elapsed "
                      << std::setprecision(0) << elapsed << " s" << std::endl;
        }
    });
    std::cout << "wrote " << (fs::path(c.outDir) / "pocket.pt").string() << "\n";
    return 0;
}

int generate(const Args &input)
{
    Args args = input;
    const std::string spec =
        takeOption(args, "--generator", takeOption(args, "--checkpoint", "pocket"));
    const std::string device = takeOption(args, "--device", "auto");
    GenerationRequest request;
    request.prompt = takeOption(args, "--prompt", "");
    request.seed = static_cast<std::uint64_t>(toInt(takeOption(args, "--seed", "0"), "--seed"));
    request.steps = toInt(takeOption(args, "--steps", "20"), "--steps");
    request.guidance =
        static_cast<float>(toDouble(takeOption(args, "--guidance", "3.0"), "--guidance"));
    request.count = toInt(takeOption(args, "--count", "1"), "--count");
    const std::string out = takeOption(args, "--out", "");
    if (out.empty() || !args.empty() || request.count < 1 ||
        request.count > GeneratorService::kMaxClips)
        return usageError("generate");
    auto service = GeneratorService::load(spec, device);
    const GenerationCheck check = service->check(request);
    for (const auto &note : check.messages)
        std::cerr << "note: " << note << "\n";
    const auto started = std::chrono::steady_clock::now();
    const auto clips = service->generate(request, {}, nullptr);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (const auto &path : service->save(clips, out, check))
        std::cout << path << "\n";
    std::cerr << "generated " << clips.size() << " clip(s) with " << service->description()
              << " in " << std::fixed << std::setprecision(2) << seconds << " s\n";
    return 0;
}

int renderCorpus(const Args &input)
{
    Args args = input;
    const int count = toInt(takeOption(args, "--count", "8"), "--count");
    const auto first =
        static_cast<std::uint64_t>(toInt(takeOption(args, "--first-seed", "0"), "--first-seed"));
    const std::string out = takeOption(args, "--out", "");
    const std::string styleName = takeOption(args, "--style", "");
    int style = -1;
    for (int s = 0; s < kStyleCount; ++s)
        if (styleName == dragon::styleName(Style(s)))
            style = s;
    if (out.empty() || !args.empty() || (!styleName.empty() && style < 0)) {
        return usageError("render-corpus");
    }
    fs::create_directories(out);
    const CorpusGenerator corpus;
    const Synthesizer synth(PocketGenerator::kSampleRate);
    for (int i = 0; i < count; ++i) {
        const std::uint64_t seed = first + static_cast<std::uint64_t>(i);
        const Score score = style < 0 ? corpus.generate(seed) : corpus.generate(seed, Style(style));
        const fs::path wav = fs::path(out) / ("corpus-" + std::to_string(seed) + ".wav");
        AudioFileWriter::write(wav.string(), synth.render(score),
                               {AudioContainer::Wav, SampleEncoding::Pcm16});
        std::cout << wav.string() << "\t" << CorpusGenerator::caption(score, 0) << "\n";
    }
    return 0;
}

int benchGenerate(const Args &input)
{
    Args args = input;
    const std::string checkpoint =
        takeOption(args, "--checkpoint", GeneratorService::defaultPocketCheckpoint());
    const int batch = toInt(takeOption(args, "--batch", "16"), "--batch");
    SamplerSettings settings;
    settings.steps = toInt(takeOption(args, "--steps", "20"), "--steps");
    settings.guidance =
        static_cast<float>(toDouble(takeOption(args, "--guidance", "3.0"), "--guidance"));
    const int threads = toInt(takeOption(args, "--threads", "0"), "--threads");
    if (!args.empty() || batch < 1 || threads < 0) {
        return usageError("bench-generate");
    }
    ComputeThreads::use(threads); // the peak below is measured with the same threads
    auto g = PocketGenerator::load(checkpoint);
    if (torch::cuda::is_available())
        g->to(torch::kCUDA);
    torch::NoGradGuard noGrad;
    using Clock = std::chrono::steady_clock;
    // This machine's fp32 matmul peak, measured now (the machine is shared and noisy).
    const auto a = torch::randn({2048, 2048}), b = torch::randn({2048, 2048});
    torch::matmul(a, b);
    auto t0 = Clock::now();
    const int reps = 8;
    for (int i = 0; i < reps; ++i)
        torch::matmul(a, b);
    const double peak = reps * 2.0 * 2048.0 * 2048.0 * 2048.0 /
                        std::chrono::duration<double>(Clock::now() - t0).count();
    std::vector<std::string> prompts;
    std::vector<std::uint64_t> seeds;
    for (int i = 0; i < batch; ++i) {
        prompts.push_back(CorpusGenerator::caption(
            CorpusGenerator().generate(CorpusGenerator::kHeldOutSeedStart + i), 0));
        seeds.push_back(static_cast<std::uint64_t>(i));
    }
    SamplerSettings warm = settings;
    warm.steps = 1;
    DdimSampler::sample(*g, prompts, seeds, warm); // warm-up: allocations, thread pool
    t0 = Clock::now();
    const auto latents = DdimSampler::sample(*g, prompts, seeds, settings);
    const double sampling = std::chrono::duration<double>(Clock::now() - t0).count();
    t0 = Clock::now();
    const auto clips = g->decode(latents);
    const double decoding = std::chrono::duration<double>(Clock::now() - t0).count();
    const bool guided = settings.guidance != 1.0f;
    // FLOPs the sampler executes: the prompts' text at the longest prompt's token count
    // (tokenize() drops the all-padding columns), the unconditional half of each guided step at
    // the learned first token alone (the denoiser runs those rows as their own batch), and the
    // last block on the latent tokens only (PocketModelConfig::denoiserFlops). On the CPU the
    // sampler runs the batch as shards side by side (ParallelShards), each padded to its own
    // longest prompt: counted per shard.
    const auto &model = g->config();
    const int shards = ParallelShards::count(batch, g->device());
    double flops = 0;
    int textTokens = 0;
    for (const auto &[begin, end] : ParallelShards::ranges(batch, shards)) {
        const int rows = end - begin;
        const int tokens = int(
            g->tokenize(std::vector<std::string>(prompts.begin() + begin, prompts.begin() + end))
                .size(1));
        textTokens = std::max(textTokens, tokens);
        flops += double(settings.steps) * rows *
                     (model.denoiserFlops(tokens) + (guided ? model.denoiserFlops(0) : 0.0)) +
                 rows * (guided ? 2 : 1) * model.textEncoderFlops(tokens);
    }
    const double wall = sampling + decoding;
    const double audio = batch * clips.front().durationSeconds();
    std::cout << std::fixed << std::setprecision(3) << "threads " << ComputeThreads::describe()
              << "\nsampling_shards " << shards << "\nparameters " << g->parameterCount()
              << "\nbatch " << batch << " clips of " << clips.front().durationSeconds() << " s, "
              << settings.steps << " steps, guidance " << settings.guidance << "\nwall_seconds "
              << wall << " (sampling " << sampling << ", decode " << decoding
              << ")\nreal_time_factor " << audio / wall << "x\ntext_tokens " << textTokens << " of "
              << model.maxTokens << "\nmodel_gflop " << flops / 1e9 << "\nmatmul_peak_gflops "
              << peak / 1e9 << "\nachieved_gflops_sampling " << flops / sampling / 1e9
              << "\nmfu_sampling " << flops / (sampling * peak) << "\nmfu_wall "
              << flops / (wall * peak) << "\n";
    return 0;
}

int evaluatePocket(const Args &input)
{
    Args args = input;
    const std::string checkpoint =
        takeOption(args, "--checkpoint", GeneratorService::defaultPocketCheckpoint());
    PocketEvaluationConfig c;
    c.heldOutCaptions =
        toInt(takeOption(args, "--captions", std::to_string(c.heldOutCaptions)), "--captions");
    c.trainClipsPerStyle =
        toInt(takeOption(args, "--train-per-style", std::to_string(c.trainClipsPerStyle)),
              "--train-per-style");
    c.steps = toInt(takeOption(args, "--steps", std::to_string(c.steps)), "--steps");
    c.guidance = static_cast<float>(toDouble(takeOption(args, "--guidance", "3.0"), "--guidance"));
    c.spectrogramDir = takeOption(args, "--spectrograms", "");
    const std::string json = takeOption(args, "--json", "");
    if (!args.empty() || c.heldOutCaptions < 16) {
        return usageError("evaluate-pocket");
    }
    auto g = PocketGenerator::load(checkpoint);
    const auto r =
        PocketEvaluator::run(*g, c, [](const std::string &m) { std::cerr << m << std::endl; });
    std::cout << std::fixed << std::setprecision(3) << "text adherence on " << r.generatedClips
              << " held-out captions (classifier on corpus audio)\n"
              << "  style  " << r.styleAccuracy << "   (corpus ceiling " << r.styleCeiling
              << ", chance 0.125)\n"
              << "  tempo  " << r.tempoAccuracy << "   (ceiling " << r.tempoCeiling
              << ", chance ~0.33)\n"
              << "  mode   " << r.modeAccuracy << "   (ceiling " << r.modeCeiling
              << ", chance ~0.5)\n"
              << "per-song FAD (log-mel frames vs held-out corpus): generated "
              << r.perSongFadGenerated << ", held-out corpus " << r.perSongFadCorpus << "\n"
              << "diversity (mean pairwise feature distance, 8 seeds per style prompt): generated "
              << r.diversityGenerated << ", corpus " << r.diversityCorpus << "\n"
              << "generation of " << r.generatedClips << " clips took " << r.generationSeconds
              << " s\n";
    if (!json.empty())
        std::ofstream(json) << r.toJson() << "\n";
    return 0;
}

} // namespace dragon::cli

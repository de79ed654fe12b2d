#include "ModelCommands.h"

#include "CliOptions.h"
#include "audio/AudioFileWriter.h"
#include "model/CorpusGenerator.h"
#include "model/DdimSampler.h"
#include "model/PocketGenerator.h"
#include "model/Pretrainer.h"
#include "model/Synthesizer.h"

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

std::string defaultCheckpoint()
{
    if (const char *env = std::getenv("DRAGON_POCKET_CHECKPOINT"))
        return env;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path().parent_path() / "share/dragon-studio/pocket.pt";
        if (fs::exists(installed))
            return installed.string();
    }
    return DRAGON_SOURCE_DIR "/resources/pocket.pt";
}

int pretrain(const Args &input)
{
    Args args = input;
    PretrainConfig c;
    c.outDir = takeOption(args, "--out", "");
    c.steps = toInt(takeOption(args, "--steps", std::to_string(c.steps)), "--steps");
    c.batch = toInt(takeOption(args, "--batch", std::to_string(c.batch)), "--batch");
    c.learningRate = toDouble(takeOption(args, "--lr", std::to_string(c.learningRate)), "--lr");
    c.checkpointEvery = toInt(takeOption(args, "--checkpoint-every", std::to_string(c.checkpointEvery)), "--checkpoint-every");
    c.seed = static_cast<std::uint64_t>(toInt(takeOption(args, "--seed", "1"), "--seed"));
    c.threads = toInt(takeOption(args, "--threads", "0"), "--threads");
    if (c.outDir.empty() || !args.empty() || c.steps < 1 || c.batch < 1) {
        std::cerr << "usage: dragon pretrain --out DIR [--steps N] [--batch B] [--lr LR] "
                     "[--checkpoint-every K] [--seed S] [--threads T]\n"
                     "(resumes when DIR/train-state.pt exists)\n";
        return 2;
    }
    const auto started = std::chrono::steady_clock::now();
    Pretrainer::run(c, [&](const PretrainProgress &p) {
        if (p.step % 10 == 0 || p.step == p.steps) {
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
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
    const std::string checkpoint = takeOption(args, "--checkpoint", defaultCheckpoint());
    const std::string prompt = takeOption(args, "--prompt", "");
    const auto seed = static_cast<std::uint64_t>(toInt(takeOption(args, "--seed", "0"), "--seed"));
    SamplerSettings settings;
    settings.steps = toInt(takeOption(args, "--steps", "20"), "--steps");
    settings.guidance = static_cast<float>(toDouble(takeOption(args, "--guidance", "3.0"), "--guidance"));
    const int count = toInt(takeOption(args, "--count", "1"), "--count");
    const std::string out = takeOption(args, "--out", "");
    if (out.empty() || !args.empty() || count < 1 || count > 256) {
        std::cerr << "usage: dragon generate --out DIR [--prompt TEXT] [--seed S] [--steps N] "
                     "[--guidance G] [--count N (1-256)] [--checkpoint FILE]\n";
        return 2;
    }
    auto generator = PocketGenerator::load(checkpoint);
    const SamplerSettings used = DdimSampler::clamped(settings, generator->trainSteps());
    if (used.steps != settings.steps)
        std::cerr << "note: steps clamped from " << settings.steps << " to " << used.steps << "\n";
    if (used.guidance != settings.guidance)
        std::cerr << "note: guidance clamped from " << settings.guidance << " to " << used.guidance << "\n";
    const auto tokens = generator->tokenizer().encode(prompt);
    if (tokens.truncated)
        std::cerr << "note: the prompt is longer than " << generator->tokenizer().maxTokens()
                  << " words; the rest is ignored\n";
    fs::create_directories(out);
    std::vector<std::string> prompts(static_cast<std::size_t>(count), prompt);
    std::vector<std::uint64_t> seeds;
    for (int i = 0; i < count; ++i)
        seeds.push_back(seed + static_cast<std::uint64_t>(i));
    const auto started = std::chrono::steady_clock::now();
    const auto latents = DdimSampler::sample(*generator, prompts, seeds, used);
    const auto clips = generator->decode(latents);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (int i = 0; i < count; ++i) {
        const std::string stem = "clip-seed" + std::to_string(seeds[static_cast<std::size_t>(i)]);
        const fs::path wav = fs::path(out) / (stem + ".wav");
        AudioFileWriter::write(wav.string(), clips[static_cast<std::size_t>(i)], {AudioContainer::Wav, SampleEncoding::Pcm16});
        const nlohmann::json sidecar = {
            {"prompt", prompt}, {"seed", seeds[static_cast<std::size_t>(i)]}, {"steps", used.steps},
            {"guidance", used.guidance}, {"model", "pocket"}, {"checkpoint", fs::absolute(checkpoint).string()},
            {"sampleRate", clips[static_cast<std::size_t>(i)].sampleRate()},
            {"seconds", clips[static_cast<std::size_t>(i)].durationSeconds()},
            {"promptTruncated", tokens.truncated}, {"unknownWords", tokens.unknownWords}};
        std::ofstream(fs::path(out) / (stem + ".json")) << sidecar.dump(2) << "\n";
        std::cout << wav.string() << "\n";
    }
    std::cerr << "generated " << count << " clip(s) in " << std::fixed << std::setprecision(2) << seconds << " s\n";
    return 0;
}

int renderCorpus(const Args &input)
{
    Args args = input;
    const int count = toInt(takeOption(args, "--count", "8"), "--count");
    const auto first = static_cast<std::uint64_t>(toInt(takeOption(args, "--first-seed", "0"), "--first-seed"));
    const std::string out = takeOption(args, "--out", "");
    if (out.empty() || !args.empty()) {
        std::cerr << "usage: dragon render-corpus --out DIR [--count N] [--first-seed S]\n";
        return 2;
    }
    fs::create_directories(out);
    const CorpusGenerator corpus;
    const Synthesizer synth(PocketGenerator::kSampleRate);
    for (int i = 0; i < count; ++i) {
        const std::uint64_t seed = first + static_cast<std::uint64_t>(i);
        const Score score = corpus.generate(seed);
        const fs::path wav = fs::path(out) / ("corpus-" + std::to_string(seed) + ".wav");
        AudioFileWriter::write(wav.string(), synth.render(score), {AudioContainer::Wav, SampleEncoding::Pcm16});
        std::cout << wav.string() << "\t" << CorpusGenerator::caption(score, 0) << "\n";
    }
    return 0;
}

} // namespace dragon::cli

#include "model/PocketGenerator.h"

#include "model/CorpusGenerator.h"
#include "model/HalfPrecisionCheckpoint.h"
#include "model/ParallelShards.h"

#include <filesystem>
#include <random>
#include <sstream>
#include <stdexcept>

namespace dragon {

namespace {
constexpr const char *kFormat = "dragon-pocket-checkpoint-1";
}

PocketModelConfig PocketGenerator::defaultConfig()
{
    PocketModelConfig c;
    c.channels = LatentCodec::kChannels;
    c.frames = LatentCodec(6.0).frames();
    c.vocabulary = TextTokenizer(CorpusGenerator::vocabulary()).vocabularySize();
    return c;
}

PocketGenerator::PocketGenerator(const PocketModelConfig &config)
    : m_config(config), m_tokenizer(CorpusGenerator::vocabulary(), config.maxTokens),
      m_codec(double(config.frames) / LatentCodec::kFrameRate), m_synth(kSampleRate),
      m_model(config), m_alphasCumprod(diffusion::cosineAlphasCumprod(kTrainSteps))
{
    if (config.vocabulary != m_tokenizer.vocabularySize())
        throw std::runtime_error("model vocabulary (" + std::to_string(config.vocabulary) +
                                 ") does not match this version's caption vocabulary (" +
                                 std::to_string(m_tokenizer.vocabularySize()) + ")");
}

std::vector<int64_t> PocketGenerator::latentShape() const
{
    return {m_config.channels, m_config.frames};
}

torch::Tensor PocketGenerator::tokenize(const std::vector<std::string> &prompts) const
{
    // Only as many columns as the longest prompt needs: the columns after it are padding in
    // every row, masked out of all attention, so dropping them changes no output (beyond float
    // rounding) and saves their share of every forward pass (captions use about half of the
    // 24 tokens, an empty prompt none).
    std::vector<int64_t> ids;
    std::size_t longest = 0;
    for (const auto &p : prompts) {
        const auto r = m_tokenizer.encode(p);
        ids.insert(ids.end(), r.ids.begin(), r.ids.end());
        for (std::size_t i = r.ids.size(); i > longest; --i)
            if (r.ids[i - 1] != 0) {
                longest = i;
                break;
            }
    }
    return torch::tensor(ids, torch::kInt64)
        .view({static_cast<int64_t>(prompts.size()), m_config.maxTokens})
        .narrow(1, 0, static_cast<int64_t>(longest))
        .contiguous();
}

TextCondition PocketGenerator::encodeIds(const torch::Tensor &ids)
{
    auto [tokens, padding] = m_model->text->forward(ids.to(m_device));
    return {tokens, padding};
}

TextCondition PocketGenerator::encodeText(const std::vector<std::string> &prompts)
{
    return encodeIds(tokenize(prompts));
}

torch::Tensor PocketGenerator::denoise(const torch::Tensor &xt, const torch::Tensor &steps,
                                       const TextCondition &condition)
{
    const auto t = steps.to(xt.device()).to(torch::kFloat32) / float(kTrainSteps);
    return m_model->denoiser->forward(xt, t, condition.tokens, condition.padding);
}

std::vector<AudioBuffer> PocketGenerator::decode(const torch::Tensor &latents) const
{
    const auto z = latents.detach().to(torch::kCPU).to(torch::kFloat32).contiguous();
    const int clips = int(z.size(0));
    std::vector<AudioBuffer> out(static_cast<std::size_t>(clips));
    // Each clip renders alone (plain C++, no torch), so the clips split over the job's cores.
    const float *base = z.data_ptr<float>();
    const int64_t stride = clips > 0 ? z[0].numel() : 0;
    ParallelShards::run(ParallelShards::ranges(clips, ParallelShards::count(clips, torch::kCPU)),
                        [&](int, ParallelShards::Range r) {
                            for (int b = r.first; b < r.second; ++b)
                                out[std::size_t(b)] =
                                    m_synth.render(m_codec.decode(base + b * stride));
                        });
    return out;
}

PromptCheck PocketGenerator::checkPrompt(const std::string &prompt) const
{
    PromptCheck c;
    const auto tokens = m_tokenizer.encode(prompt);
    c.truncated = tokens.truncated;
    c.maxWords = m_tokenizer.maxTokens();
    c.unknownWords = tokens.unknownWords;
    if (c.truncated)
        c.messages.push_back("the prompt is longer than " + std::to_string(c.maxWords) +
                             " words; only the first " + std::to_string(c.maxWords) + " are used");
    if (c.unknownWords > 0) {
        // Name the words, so the user knows which to rephrase, and say which words it knows.
        c.messages.push_back(std::to_string(c.unknownWords) +
                             " word(s) are outside the pocket model's vocabulary and carry little "
                             "meaning: " +
                             TextTokenizer::quoteWords(tokens.unknown) + "; it knows " +
                             CorpusGenerator::vocabularySummary());
    }
    return c;
}

void PocketGenerator::to(const torch::Device &device)
{
    m_device = device;
    m_model->to(device);
}

std::unique_ptr<Generator> PocketGenerator::clone() const
{
    auto copy = std::make_unique<PocketGenerator>(m_config);
    torch::NoGradGuard noGrad;
    auto src = m_model->named_parameters();
    auto dst = copy->m_model->named_parameters();
    for (const auto &item : src)
        dst[item.key()].copy_(item.value());
    copy->to(m_device);
    return copy;
}

bool PocketGenerator::pretrainingBatch(int n, std::uint64_t seed, torch::Tensor &latents,
                                       std::vector<std::string> &captions) const
{
    corpusBatch(n, seed, 0.1, latents, captions);
    return true;
}

void PocketGenerator::corpusBatch(int n, std::uint64_t seed, double emptyCaptionRate,
                                  torch::Tensor &latents, std::vector<std::string> &captions) const
{
    const CorpusGenerator corpus;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::uint64_t> seedDist(0,
                                                          CorpusGenerator::kHeldOutSeedStart - 1);
    std::uniform_real_distribution<double> unit(0, 1);
    std::vector<float> values;
    captions.clear();
    for (int i = 0; i < n; ++i) {
        const Score score = corpus.generate(seedDist(rng));
        const auto z = m_codec.encode(score);
        values.insert(values.end(), z.begin(), z.end());
        captions.push_back(unit(rng) < emptyCaptionRate ? std::string()
                                                        : CorpusGenerator::caption(score, rng()));
    }
    const auto shape = latentShape();
    latents = torch::from_blob(values.data(), {n, shape[0], shape[1]}, torch::kFloat32).clone();
}

void PocketGenerator::save(const std::string &path) const
{
    // Half precision storage: the checkpoint is half the size and float32 is restored on load.
    PocketModel half(m_config);
    HalfPrecisionCheckpoint::save(*m_model, *half, kFormat, m_config.toJson(), path);
}

std::unique_ptr<PocketGenerator> PocketGenerator::load(const std::string &path)
{
    torch::serialize::InputArchive archive;
    const std::string configJson =
        HalfPrecisionCheckpoint::open(path, kFormat, "pocket-model", archive);
    std::unique_ptr<PocketGenerator> generator;
    try {
        generator = std::make_unique<PocketGenerator>(PocketModelConfig::fromJson(configJson));
    } catch (const std::exception &e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    PocketModel half(generator->m_config);
    HalfPrecisionCheckpoint::loadWeights(archive, *half, *generator->m_model, path);
    generator->m_model->eval();
    return generator;
}

} // namespace dragon

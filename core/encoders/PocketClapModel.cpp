#include "encoders/PocketClapModel.h"

#include "model/CorpusGenerator.h"
#include "model/HalfPrecisionCheckpoint.h"
#include "util/JsonFormatError.h"
#include "util/JsonObject.h"
#include "util/StrictJson.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace dragon {

namespace {
constexpr const char *kFormat = "dragon-pocket-clap-1";

MelConfig melConfigFor(const PocketClapConfig &c)
{
    MelConfig m;
    m.sampleRate = c.sampleRate;
    m.nFft = c.nFft;
    m.hopLength = c.hopLength;
    m.nMels = c.nMels;
    return m;
}
} // namespace

std::string PocketClapConfig::toJson() const
{
    return nlohmann::json{
        {"arch", "pocket-clap-1"},  {"sampleRate", sampleRate}, {"nFft", nFft},
        {"hopLength", hopLength},   {"nMels", nMels},           {"windowFrames", windowFrames},
        {"width", width},           {"heads", heads},           {"audioLayers", audioLayers},
        {"textLayers", textLayers}, {"dimension", dimension},   {"maxTokens", maxTokens},
        {"vocabulary", vocabulary}, {"inputMean", inputMean},   {"inputStd", inputStd}}
        .dump();
}

PocketClapConfig PocketClapConfig::fromJson(const std::string &text)
{
    try {
        const auto j = StrictJson::parse(text);
        const JsonObject f(j, "the pocket-clap config");
        if (f.text("arch", std::string()) != "pocket-clap-1")
            throw std::runtime_error("unknown architecture '" + f.text("arch", "?") + "'");
        auto size = [&](const char *key) { return int(f.requiredInteger(key, 1, 1 << 16)); };
        PocketClapConfig c;
        c.sampleRate = int(f.requiredInteger("sampleRate", 1000, 768000));
        c.nFft = size("nFft");
        c.hopLength = size("hopLength");
        c.nMels = size("nMels");
        c.windowFrames = size("windowFrames");
        c.width = size("width");
        c.heads = size("heads");
        c.audioLayers = int(f.requiredInteger("audioLayers", 1, 256));
        c.textLayers = int(f.requiredInteger("textLayers", 1, 256));
        c.dimension = size("dimension");
        c.maxTokens = int(f.requiredInteger("maxTokens", 1, 4096));
        c.vocabulary = size("vocabulary");
        c.inputMean = f.requiredNumber("inputMean");
        c.inputStd = f.requiredNumber("inputStd");
        if (c.width % c.heads != 0 || c.windowFrames < 8 || !(c.inputStd > 0))
            throw std::runtime_error("inconsistent sizes");
        return c;
    } catch (const JsonFormatError &e) {
        throw std::runtime_error(std::string("bad pocket-clap config: ") + e.what());
    }
}

int PocketClapConfig::tokensPerWindow() const
{
    const int afterFirst = (windowFrames - 1) / 2 + 1;
    return (afterFirst - 1) / 2 + 1;
}

PocketClapNetImpl::PocketClapNetImpl(const PocketClapConfig &c) : config(c)
{
    conv1 = register_module(
        "conv1",
        torch::nn::Conv1d(torch::nn::Conv1dOptions(c.nMels, c.width, 5).stride(2).padding(2)));
    conv2 = register_module(
        "conv2",
        torch::nn::Conv1d(torch::nn::Conv1dOptions(c.width, c.width, 5).stride(2).padding(2)));
    audioPositions = register_parameter("audioPositions",
                                        torch::randn({1, c.tokensPerWindow(), c.width}) * 0.02);
    audioBlocks = register_module("audioBlocks", torch::nn::ModuleList());
    for (int i = 0; i < c.audioLayers; ++i)
        audioBlocks->push_back(TransformerBlock(c.width, c.heads, 4));
    audioNorm =
        register_module("audioNorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.width})));
    audioProjection = register_module("audioProjection", torch::nn::Linear(c.width, c.dimension));
    textEmbedding = register_module("textEmbedding", torch::nn::Embedding(c.vocabulary, c.width));
    textPositions =
        register_parameter("textPositions", torch::randn({1, c.maxTokens, c.width}) * 0.02);
    textBlocks = register_module("textBlocks", torch::nn::ModuleList());
    for (int i = 0; i < c.textLayers; ++i)
        textBlocks->push_back(TransformerBlock(c.width, c.heads, 4));
    textNorm =
        register_module("textNorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.width})));
    textProjection = register_module("textProjection", torch::nn::Linear(c.width, c.dimension));
    logitScale = register_parameter("logitScale", torch::full({1}, std::log(1.0 / 0.07)));
}

torch::Tensor PocketClapNetImpl::audioFrames(const torch::Tensor &mel)
{
    auto x = torch::gelu(conv2(torch::gelu(conv1(mel)))).transpose(1, 2); // [B, N, W]
    const auto tokens = x.size(1);
    x = x + audioPositions.narrow(1, 0, std::min<int64_t>(tokens, audioPositions.size(1)));
    for (auto &block : *audioBlocks)
        x = block->as<TransformerBlock>()->forward(x, torch::Tensor());
    return audioProjection(audioNorm(x));
}

torch::Tensor PocketClapNetImpl::clipFromFrames(const torch::Tensor &frames)
{
    return torch::nn::functional::normalize(frames.mean(1),
                                            torch::nn::functional::NormalizeFuncOptions().dim(1));
}

torch::Tensor PocketClapNetImpl::text(const torch::Tensor &ids)
{
    const auto L = ids.size(1);
    auto padding = ids == 0;
    // An empty prompt would leave nothing to attend to: let it see its first (pad) token.
    padding.select(1, 0).fill_(false);
    auto x = textEmbedding(ids) + textPositions.narrow(1, 0, L);
    for (auto &block : *textBlocks)
        x = block->as<TransformerBlock>()->forward(x, padding);
    x = textNorm(x);
    const auto keep = (~padding).unsqueeze(2).to(x.scalar_type());
    const auto pooled = (x * keep).sum(1) / keep.sum(1).clamp_min(1.0);
    return torch::nn::functional::normalize(textProjection(pooled),
                                            torch::nn::functional::NormalizeFuncOptions().dim(1));
}

PocketClapConfig PocketClap::defaultConfig()
{
    PocketClapConfig c;
    c.vocabulary = TextTokenizer(CorpusGenerator::vocabulary(), c.maxTokens).vocabularySize();
    return c;
}

PocketClap::PocketClap(const PocketClapConfig &config)
    : m_config(config), m_tokenizer(CorpusGenerator::vocabulary(), config.maxTokens),
      m_mel(melConfigFor(config)), m_net(config)
{
    if (m_tokenizer.vocabularySize() != config.vocabulary)
        throw std::runtime_error("pocket-clap vocabulary size " +
                                 std::to_string(config.vocabulary) +
                                 " does not match this build's caption grammar (" +
                                 std::to_string(m_tokenizer.vocabularySize()) + ")");
    m_net->eval();
}

torch::Tensor PocketClap::normalisedLogMel(const torch::Tensor &audio) const
{
    return (m_mel(audio) - m_config.inputMean) / m_config.inputStd;
}

torch::Tensor PocketClap::tokenize(const std::vector<std::string> &texts) const
{
    std::vector<int64_t> ids;
    for (const auto &t : texts) {
        const auto r = m_tokenizer.encode(t);
        ids.insert(ids.end(), r.ids.begin(), r.ids.end());
    }
    return torch::from_blob(ids.data(), {int64_t(texts.size()), m_config.maxTokens}, torch::kInt64)
        .clone();
}

torch::Tensor PocketClap::embedFrames(const std::vector<float> &mono)
{
    torch::NoGradGuard noGrad;
    // The longest audio whose mel has at most windowFrames frames (6 s clips are one window).
    const int64_t window = int64_t(m_config.windowFrames) * m_config.hopLength - 1;
    const int64_t minimum = m_config.sampleRate / 2;
    auto audio =
        torch::from_blob(const_cast<float *>(mono.data()), {int64_t(mono.size())}, torch::kFloat32);
    if (audio.size(0) < minimum) // very short clips: pad with silence to half a second
        audio = torch::constant_pad_nd(audio, {0, minimum - audio.size(0)});
    const int64_t total = audio.size(0);
    auto embed = [&](int64_t start, int64_t length) {
        const auto mel = normalisedLogMel(audio.narrow(0, start, length).unsqueeze(0));
        const auto usable = std::min<int64_t>(mel.size(2), m_config.windowFrames);
        return m_net->audioFrames(mel.narrow(2, 0, usable)).squeeze(0);
    };
    // Whole 6 s windows; a remainder of at least half a second gets its own shorter window, a
    // shorter one is covered by a last full window aligned to the end (audio over 6 s only).
    std::vector<torch::Tensor> pieces;
    int64_t start = 0;
    for (; start + window <= total; start += window)
        pieces.push_back(embed(start, window));
    const int64_t rest = total - start;
    if (rest >= minimum || pieces.empty())
        pieces.push_back(embed(start, rest));
    else if (rest > 0)
        pieces.push_back(embed(total - window, window));
    return torch::cat(pieces, 0).contiguous();
}

torch::Tensor PocketClap::embedText(const std::vector<std::string> &texts)
{
    torch::NoGradGuard noGrad;
    return m_net->text(tokenize(texts));
}

void PocketClap::save(const std::string &path) const
{
    PocketClapNet half(m_config);
    HalfPrecisionCheckpoint::save(*m_net, *half, kFormat, m_config.toJson(), path);
}

std::unique_ptr<PocketClap> PocketClap::load(const std::string &path)
{
    torch::serialize::InputArchive archive;
    const std::string configJson =
        HalfPrecisionCheckpoint::open(path, kFormat, "pocket-clap", archive);
    std::unique_ptr<PocketClap> clap;
    try {
        clap = std::make_unique<PocketClap>(PocketClapConfig::fromJson(configJson));
    } catch (const std::exception &e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    PocketClapNet half(clap->m_config);
    HalfPrecisionCheckpoint::loadWeights(archive, *half, *clap->m_net, path);
    clap->m_net->eval();
    return clap;
}

} // namespace dragon

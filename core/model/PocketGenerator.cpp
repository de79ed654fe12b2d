#include "model/PocketGenerator.h"

#include "model/CorpusGenerator.h"

#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace dragon {

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
    std::vector<int64_t> ids;
    for (const auto &p : prompts) {
        const auto r = m_tokenizer.encode(p);
        ids.insert(ids.end(), r.ids.begin(), r.ids.end());
    }
    return torch::tensor(ids, torch::kInt64).view({static_cast<int64_t>(prompts.size()), m_config.maxTokens});
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
    std::vector<AudioBuffer> out;
    for (int64_t b = 0; b < z.size(0); ++b)
        out.push_back(m_synth.render(m_codec.decode(z[b].data_ptr<float>())));
    return out;
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

void PocketGenerator::save(const std::string &path) const
{
    // Half precision storage: the checkpoint is half the size and float32 is restored on load.
    PocketModel half(m_config);
    {
        torch::NoGradGuard noGrad;
        auto src = m_model->named_parameters();
        for (auto &item : half->named_parameters())
            item.value().copy_(src[item.key()].to(torch::kCPU));
    }
    half->to(torch::kHalf);
    torch::serialize::OutputArchive archive;
    archive.write("config", c10::IValue(m_config.toJson()));
    archive.write("format", c10::IValue(std::string("dragon-pocket-checkpoint-1")));
    half->save(archive);
    const std::string temp = path + ".part";
    archive.save_to(temp);
    std::filesystem::rename(temp, path);
}

std::unique_ptr<PocketGenerator> PocketGenerator::load(const std::string &path)
{
    if (!std::filesystem::exists(path))
        throw std::runtime_error(path + ": checkpoint does not exist");
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path);
    } catch (const c10::Error &) {
        throw std::runtime_error(path + ": not a readable checkpoint (damaged, truncated or not a "
                                        "DRAGON Studio model file)");
    }
    c10::IValue format, configValue;
    if (!archive.try_read("format", format) || !format.isString() ||
        format.toStringRef() != "dragon-pocket-checkpoint-1" ||
        !archive.try_read("config", configValue) || !configValue.isString())
        throw std::runtime_error(path + ": not a pocket-model checkpoint (no format/config record)");
    PocketModelConfig config;
    try {
        config = PocketModelConfig::fromJson(configValue.toStringRef());
    } catch (const std::exception &e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    std::unique_ptr<PocketGenerator> generator;
    try {
        generator = std::make_unique<PocketGenerator>(config);
    } catch (const std::exception &e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    PocketModel half(config);
    half->to(torch::kHalf);
    try {
        half->load(archive);
    } catch (const c10::Error &e) {
        throw std::runtime_error(path + ": weights do not match the architecture (" +
                                 std::string(e.what_without_backtrace()).substr(0, 200) + ")");
    }
    torch::NoGradGuard noGrad;
    auto dst = generator->m_model->named_parameters();
    for (const auto &item : half->named_parameters()) {
        if (!torch::isfinite(item.value()).all().item<bool>())
            throw std::runtime_error(path + ": weight '" + item.key() + "' holds NaN or infinite values");
        torch::Tensor &target = dst[item.key()];
        if (target.sizes() != item.value().sizes())
            throw std::runtime_error(path + ": weights do not match the architecture ('" + item.key() +
                                     "' has shape " + c10::str(item.value().sizes()) + ", expected " +
                                     c10::str(target.sizes()) + ")");
        target.copy_(item.value().to(torch::kFloat32));
    }
    generator->m_model->eval();
    return generator;
}

} // namespace dragon

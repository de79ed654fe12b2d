#pragma once

#include "model/Generator.h"
#include "model/LatentCodec.h"
#include "model/PocketModel.h"
#include "model/Synthesizer.h"
#include "model/TextTokenizer.h"

namespace dragon {

// The embedded text-to-music model: PocketModel (text encoder + transformer denoiser, v-pred,
// cosine schedule) over LatentCodec latents, decoded by the Synthesizer at 24 kHz.
class PocketGenerator : public Generator
{
public:
    static constexpr int kSampleRate = 24000;
    static constexpr int kTrainSteps = 1000;

    explicit PocketGenerator(const PocketModelConfig &config = defaultConfig());
    static PocketModelConfig defaultConfig();

    // Loads a checkpoint written by save(). Throws std::runtime_error naming the file and the
    // problem: unreadable or truncated, another architecture, damaged (checksum), non-finite
    // weights.
    static std::unique_ptr<PocketGenerator> load(const std::string &path);
    void save(const std::string &path) const override;

    std::string name() const override { return "pocket"; }
    int sampleRate() const override { return kSampleRate; }
    std::vector<int64_t> latentShape() const override;
    const torch::Tensor &alphasCumprod() const override { return m_alphasCumprod; }
    bool predictsV() const override { return true; }
    TextCondition encodeText(const std::vector<std::string> &prompts) override;
    torch::Tensor denoise(const torch::Tensor &xt, const torch::Tensor &steps,
                          const TextCondition &condition) override;
    std::vector<AudioBuffer> decode(const torch::Tensor &latents) const override;
    std::vector<torch::Tensor> parameters() override { return m_model->parameters(); }
    void setTraining(bool training) override { m_model->train(training); }
    void to(const torch::Device &device) override;
    torch::Device device() const override { return m_device; }
    std::unique_ptr<Generator> clone() const override;
    void saveWeights(torch::serialize::OutputArchive &archive) const override
    {
        m_model->save(archive);
    }
    void loadWeights(torch::serialize::InputArchive &archive) override { m_model->load(archive); }
    std::vector<torch::Tensor> textEncoderParameters() override
    {
        return m_model->text->parameters();
    }
    bool hasPretrainingData() const override { return true; }
    // Words beyond the text encoder's length and outside the vocabulary.
    PromptCheck checkPrompt(const std::string &prompt) const override;
    // Clips of the procedural corpus's training split, captioned, 10 % with an empty caption.
    bool pretrainingBatch(int n, std::uint64_t seed, torch::Tensor &latents,
                          std::vector<std::string> &captions) const override;
    // The same with the empty-caption rate chosen (the pretrainer's batches).
    void corpusBatch(int n, std::uint64_t seed, double emptyCaptionRate, torch::Tensor &latents,
                     std::vector<std::string> &captions) const;

    PocketModel &model() { return m_model; }
    const PocketModelConfig &config() const { return m_config; }
    const TextTokenizer &tokenizer() const { return m_tokenizer; }
    const LatentCodec &codec() const { return m_codec; }
    // Token ids for prompts [B, L]: L is the longest prompt's token count (at most maxTokens;
    // the columns after it would be padding in every row). Used by training to skip
    // re-tokenising.
    torch::Tensor tokenize(const std::vector<std::string> &prompts) const;
    TextCondition encodeIds(const torch::Tensor &ids);

private:
    PocketModelConfig m_config;
    TextTokenizer m_tokenizer;
    LatentCodec m_codec;
    Synthesizer m_synth;
    PocketModel m_model;
    torch::Tensor m_alphasCumprod;
    torch::Device m_device = torch::kCPU;
};

} // namespace dragon

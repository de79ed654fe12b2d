#pragma once

#include "model/Generator.h"

#include <memory>
#include <string>

namespace dragon {

// A text-to-audio diffusion model brought as a TorchScript file (the generator plug-in contract,
// core/model/README.md): sample_rate() -> int, latent_shape() -> List[int] ([C, T]),
// prediction_type() -> str ("v" or "eps"), alphas_cumprod() -> Tensor[steps] float32,
// encode_text(List[str]) -> Tensor[B, ...] (the empty prompt is the unconditional one),
// denoise(x_t[B, C, T], t int64 [B], cond) -> Tensor[B, C, T], decode(z[B, C, T]) ->
// Tensor[B, samples] at sample_rate(); optional name(), version(). Parameters under a submodule
// named text_encoder are its text encoder (frozen unless a run trains it); all others are
// fine-tuned. Validated at load on probe inputs (methods, shapes, dtypes, finite outputs, the
// same output for the same input); every failure is a std::runtime_error naming the file and
// what is wrong. save() writes plain TorchScript (PyTorch loads it with torch.jit.load) and a
// PATH.xxh3 checksum sidecar, verified on load when present.
class TorchScriptGenerator : public Generator
{
public:
    explicit TorchScriptGenerator(const std::string &path);
    ~TorchScriptGenerator() override;
    // Whether `path` is a zip archive (TorchScript files are; pocket checkpoints are framed by
    // ChecksummedFile, except the oldest); never throws.
    static bool isZipArchive(const std::string &path);

    std::string name() const override;
    int sampleRate() const override;
    std::vector<int64_t> latentShape() const override;
    const torch::Tensor &alphasCumprod() const override;
    bool predictsV() const override;
    TextCondition encodeText(const std::vector<std::string> &prompts) override;
    torch::Tensor denoise(const torch::Tensor &xt, const torch::Tensor &steps,
                          const TextCondition &condition) override;
    std::vector<AudioBuffer> decode(const torch::Tensor &latents) const override;
    std::vector<torch::Tensor> parameters() override;
    void setTraining(bool training) override;
    void to(const torch::Device &device) override;
    torch::Device device() const override;
    std::unique_ptr<Generator> clone() const override;
    void save(const std::string &path) const override;
    void saveWeights(torch::serialize::OutputArchive &archive) const override;
    void loadWeights(torch::serialize::InputArchive &archive) override;
    std::vector<torch::Tensor> textEncoderParameters() override;

private:
    TorchScriptGenerator();
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace dragon

#pragma once

#include "audio/AudioBuffer.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace dragon {

// Text conditioning as a generator produces it: embeddings and, optionally, a key padding mask.
struct TextCondition
{
    torch::Tensor tokens;  // [B, L, D] (or [B, D] for pooled encoders)
    torch::Tensor padding; // [B, L] bool, true = ignore; may be undefined
    TextCondition select(const torch::Tensor &index) const;
    static TextCondition cat(const TextCondition &a, const TextCondition &b);
};

// What everything downstream (sampler, DRAGON losses, CLI, facade) needs from a text-to-music
// diffusion model. The pocket model implements it; TorchScript generators will too.
// Timesteps are integers in [0, trainSteps) indexing alphasCumprod().
class Generator
{
public:
    virtual ~Generator() = default;

    virtual std::string name() const = 0;
    virtual int sampleRate() const = 0;
    virtual std::vector<int64_t> latentShape() const = 0; // [C, T]
    virtual const torch::Tensor &alphasCumprod() const = 0; // [trainSteps] float32
    virtual bool predictsV() const = 0;                     // else epsilon

    virtual TextCondition encodeText(const std::vector<std::string> &prompts) = 0;
    virtual torch::Tensor denoise(const torch::Tensor &xt, const torch::Tensor &steps,
                                  const TextCondition &condition) = 0;
    virtual std::vector<AudioBuffer> decode(const torch::Tensor &latents) const = 0;

    virtual std::vector<torch::Tensor> parameters() = 0;
    virtual void setTraining(bool training) = 0;
    virtual void to(const torch::Device &device) = 0;
    virtual torch::Device device() const = 0;
    // A deep copy (the frozen reference for DRAGON's losses).
    virtual std::unique_ptr<Generator> clone() const = 0;
    virtual void save(const std::string &path) const = 0;
    // A fresh batch from the distribution the model was pretrained on (latents [n, C, T] on the
    // CPU and their captions, some empty as in pretraining), for DRAGON's pretraining anchor.
    // The same seed gives the same batch. Generators that have no such data return false.
    virtual bool pretrainingBatch(int n, std::uint64_t seed, torch::Tensor &latents,
                                  std::vector<std::string> &captions) const
    {
        (void)n, (void)seed, (void)latents, (void)captions;
        return false;
    }

    int64_t parameterCount();
    int trainSteps() const { return static_cast<int>(alphasCumprod().size(0)); }
};

// Forward process and training target shared by pretraining and DRAGON's losses.
namespace diffusion {
// x_t = sqrt(acp) x0 + sqrt(1 - acp) noise
torch::Tensor addNoise(const torch::Tensor &acp, const torch::Tensor &x0, const torch::Tensor &steps,
                       const torch::Tensor &noise);
// v = sqrt(acp) noise - sqrt(1 - acp) x0, or noise for epsilon models
torch::Tensor target(const Generator &g, const torch::Tensor &x0, const torch::Tensor &steps,
                     const torch::Tensor &noise);
// Per-sample mean squared error of the model's prediction: [B]
torch::Tensor perSampleMse(Generator &g, const torch::Tensor &x0, const torch::Tensor &steps,
                           const torch::Tensor &noise, const TextCondition &condition);
// Cosine schedule (Nichol & Dhariwal) discretised to `steps` training steps.
torch::Tensor cosineAlphasCumprod(int steps);
} // namespace diffusion

} // namespace dragon

#pragma once

#include "audio/AudioBuffer.h"

#include <memory>
#include <string>
#include <torch/torch.h>
#include <vector>

namespace dragon {

// Text conditioning as a generator produces it: embeddings and, optionally, a key padding mask.
struct TextCondition
{
    torch::Tensor tokens;  // [B, L, D] (or [B, D] for pooled encoders)
    torch::Tensor padding; // [B, L] bool, true = ignore; may be undefined
    static TextCondition cat(const TextCondition &a, const TextCondition &b);
};

// What a generator says about a prompt before it is used (the Generate tab shows it).
struct PromptCheck
{
    bool truncated = false; // longer than the text encoder reads
    int maxWords = 0;       // 0: no limit known
    int unknownWords = 0;   // outside the vocabulary
    std::vector<std::string> messages;
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
    virtual std::vector<int64_t> latentShape() const = 0;   // [C, T]
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
    // The weights as records of a run checkpoint (full precision), and back.
    virtual void saveWeights(torch::serialize::OutputArchive &archive) const = 0;
    virtual void loadWeights(torch::serialize::InputArchive &archive) = 0;
    // The text encoder's parameters (frozen unless a run trains it); none when the generator has
    // no separate text encoder.
    virtual std::vector<torch::Tensor> textEncoderParameters() { return {}; }
    // Whether pretrainingBatch() supplies data (DRAGON's pretraining anchor needs it).
    virtual bool hasPretrainingData() const { return false; }
    virtual PromptCheck checkPrompt(const std::string &prompt) const
    {
        (void)prompt;
        return {};
    }
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
    // Parameters with requires_grad (what an optimizer updates).
    std::vector<torch::Tensor> trainableParameters();
    // For a generator of the same architecture (a clone): copy its parameters, or move this
    // one's toward them (this = keep * this + (1 - keep) * source: the EMA update).
    void copyParametersFrom(Generator &source);
    void blendParametersToward(Generator &source, double keep);
    int trainSteps() const { return static_cast<int>(alphasCumprod().size(0)); }
};

// Forward process and training target shared by pretraining and DRAGON's losses.
namespace diffusion {
// x_t = sqrt(acp) x0 + sqrt(1 - acp) noise
torch::Tensor addNoise(const torch::Tensor &acp, const torch::Tensor &x0,
                       const torch::Tensor &steps, const torch::Tensor &noise);
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

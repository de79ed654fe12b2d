#pragma once

#include "audio/AudioBuffer.h"
#include "audio/MelSpectrogram.h"
#include "model/PocketModel.h"
#include "model/TextTokenizer.h"

#include <memory>
#include <string>
#include <torch/torch.h>
#include <vector>

namespace dragon {

// Architecture of pocket CLAP, stored in its checkpoint.
struct PocketClapConfig
{
    int sampleRate = 24000;
    int nFft = 1024;
    int hopLength = 512;
    int nMels = 64;
    int windowFrames = 282; // mel frames per 6 s window
    int width = 128;
    int heads = 4;
    int audioLayers = 2;
    int textLayers = 2;
    int dimension = 128; // embedding size (frames, clips and text)
    int maxTokens = 24;
    int vocabulary = 0;
    double inputMean = 0.0; // log-mel normalisation measured on the training pool
    double inputStd = 1.0;

    std::string toJson() const;
    static PocketClapConfig fromJson(const std::string &json); // throws std::runtime_error
    int tokensPerWindow() const; // audio tokens after two stride-2 convolutions
};

// Audio tower: log-mel [B, M, T] -> two strided 1-D convolutions -> transformer -> per-token
// projection (the frame embeddings). Text tower: caption tokens -> transformer -> masked mean
// -> projection. Clip and text embeddings are L2-normalised, so their dot product is a cosine.
struct PocketClapNetImpl : torch::nn::Module
{
    explicit PocketClapNetImpl(const PocketClapConfig &config);
    torch::Tensor audioFrames(const torch::Tensor &normalisedLogMel); // [B, F, dimension]
    static torch::Tensor clipFromFrames(const torch::Tensor &frames); // [B, dimension], unit
    torch::Tensor text(const torch::Tensor &ids);                     // [B, dimension], unit

    PocketClapConfig config;
    torch::nn::Conv1d conv1{nullptr}, conv2{nullptr};
    torch::Tensor audioPositions, textPositions, logitScale;
    torch::nn::ModuleList audioBlocks, textBlocks;
    torch::nn::LayerNorm audioNorm{nullptr}, textNorm{nullptr};
    torch::nn::Linear audioProjection{nullptr}, textProjection{nullptr};
    torch::nn::Embedding textEmbedding{nullptr};
};
TORCH_MODULE(PocketClapNet);

// Pocket CLAP with its tokenizer and mel front end; checkpoints in half precision.
class PocketClap
{
public:
    explicit PocketClap(const PocketClapConfig &config = defaultConfig());
    static PocketClapConfig defaultConfig();
    // Throws std::runtime_error naming the file and the problem.
    static std::unique_ptr<PocketClap> load(const std::string &path);
    void save(const std::string &path) const;

    // Mono audio at config().sampleRate -> frame embeddings [F, dimension]. Long audio is cut
    // into 6 s windows (a last window shorter than 0.5 s joins the previous one's tail).
    torch::Tensor embedFrames(const std::vector<float> &mono);
    // [N, dimension], unit length.
    torch::Tensor embedText(const std::vector<std::string> &texts);
    // Normalised log-mel [B, M, T] of a batch of equal-length clips (training and tests).
    torch::Tensor normalisedLogMel(const torch::Tensor &audio) const;
    torch::Tensor tokenize(const std::vector<std::string> &texts) const;
    const TextTokenizer &tokenizer() const { return m_tokenizer; }

    PocketClapNet &net() { return m_net; }
    const PocketClapConfig &config() const { return m_config; }
    PocketClapConfig &mutableConfig() { return m_config; } // input stats, set by the trainer

private:
    PocketClapConfig m_config;
    TextTokenizer m_tokenizer;
    MelSpectrogram m_mel;
    PocketClapNet m_net;
};

} // namespace dragon

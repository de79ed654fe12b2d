#pragma once

#include <string>
#include <torch/torch.h>

namespace dragon {

// Architecture of the pocket text-to-music model. Stored in every checkpoint; a checkpoint whose
// config differs from the code's expectations is refused by name.
struct PocketModelConfig
{
    int channels = 35; // LatentCodec::kChannels
    int frames = 192;  // 6 s at 32 frames/s
    int patch = 4;     // frames per latent token (125 ms)
    int width = 192;
    int heads = 6;
    int layers = 6;
    int textLayers = 2;
    int vocabulary = 0; // TextTokenizer::vocabularySize()
    int maxTokens = 24;
    int mlpRatio = 4;

    std::string toJson() const;
    // Multiply-adds x 2 of one denoiser forward pass for one sample as DenoiserImpl executes it
    // (text tokens included, the last block on the latent tokens only), and of one text-encoder
    // pass, with `textTokens` caption tokens besides the learned first one (-1: maxTokens; the
    // pocket generator runs only as many as the batch's longest prompt has, and 0 for the
    // unconditional rows of a guided batch): for model FLOP utilisation reports.
    double denoiserFlops(int textTokens = -1) const;
    double textEncoderFlops(int textTokens = -1) const;
    static PocketModelConfig fromJson(const std::string &json); // throws std::runtime_error
    bool operator==(const PocketModelConfig &o) const { return toJson() == o.toJson(); }
};

// Pre-norm transformer block with a key padding mask (true = ignore that key).
struct TransformerBlockImpl : torch::nn::Module
{
    TransformerBlockImpl(int width, int heads, int mlpRatio);
    // x [B, N, D] -> [B, N - queryStart, D]: every token is a key, only the tokens from
    // queryStart on are computed further (a last block whose earlier outputs nobody reads).
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &keyPadding,
                          int64_t queryStart = 0);

    int heads;
    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Linear qkv{nullptr}, proj{nullptr}, fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(TransformerBlock);

// Caption tokens -> contextual embeddings. A learned first token is always present (and is all
// there is for an empty prompt), so attention never sees only padding.
struct TextEncoderImpl : torch::nn::Module
{
    explicit TextEncoderImpl(const PocketModelConfig &config);
    // ids [B, L] (0 = pad) -> tokens [B, L+1, D], padding mask [B, L+1]
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor &ids);

    torch::nn::Embedding embedding{nullptr};
    torch::Tensor first, positions;
    torch::nn::ModuleList blocks;
    torch::nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(TextEncoder);

// Transformer denoiser over patched latent frames with in-context conditioning on a timestep
// token and the text tokens. Predicts v (v-parameterisation).
struct DenoiserImpl : torch::nn::Module
{
    explicit DenoiserImpl(const PocketModelConfig &config);
    // x_t [B, C, T], t [B] in [0, 1), text [B, L, D], textPadding [B, L] -> v [B, C, T]
    // Rows whose caption needs at most half the text columns of the batch's longest (the
    // unconditional half of a guided batch: the learned first token only) run as their own
    // batch with the padding columns cut: masked keys add nothing, so only the work changes.
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &text,
                          const torch::Tensor &textPadding);
    // forward() on rows that share one text width.
    torch::Tensor forwardRows(const torch::Tensor &x, const torch::Tensor &t,
                              const torch::Tensor &text, const torch::Tensor &textPadding);

    PocketModelConfig config;
    torch::nn::Linear input{nullptr}, output{nullptr}, time1{nullptr}, time2{nullptr};
    torch::Tensor positions;
    torch::nn::ModuleList blocks;
    torch::nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(Denoiser);

struct PocketModelImpl : torch::nn::Module
{
    explicit PocketModelImpl(const PocketModelConfig &config);
    PocketModelConfig config;
    TextEncoder text{nullptr};
    Denoiser denoiser{nullptr};
};
TORCH_MODULE(PocketModel);

} // namespace dragon

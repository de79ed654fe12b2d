#include "model/PocketModel.h"

#include "model/BatchedMatmul.h"
#include "util/JsonFormatError.h"
#include "util/JsonObject.h"
#include "util/StrictJson.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

namespace dragon {

std::string PocketModelConfig::toJson() const
{
    return nlohmann::json{
        {"arch", "pocket-dit-1"}, {"channels", channels},     {"frames", frames},
        {"patch", patch},         {"width", width},           {"heads", heads},
        {"layers", layers},       {"textLayers", textLayers}, {"vocabulary", vocabulary},
        {"maxTokens", maxTokens}, {"mlpRatio", mlpRatio}}
        .dump();
}

namespace {
// Multiply-adds x 2 of `layers` blocks over `tokens` tokens; the last block computes only
// `lastQueries` of them past its qkv projection (all tokens stay keys).
double transformerFlops(double tokens, double width, int layers, int mlpRatio, double lastQueries)
{
    auto layer = [&](double queries) {
        return 2 * tokens * width * 3 * width                // qkv
               + 2 * 2 * queries * tokens * width            // scores and weighted sum
               + 2 * queries * width * width                 // projection
               + 2 * 2 * queries * width * mlpRatio * width; // MLP
    };
    return (layers - 1) * layer(tokens) + layer(lastQueries);
}
} // namespace

double PocketModelConfig::denoiserFlops(int textTokens) const
{
    const double latentTokens = double(frames) / patch;
    const double tokens = 1 + ((textTokens < 0 ? maxTokens : textTokens) + 1) + latentTokens;
    // The denoiser's last block computes only the latent tokens (their outputs are all it reads).
    return transformerFlops(tokens, width, layers, mlpRatio, latentTokens) +
           2 * 2 * latentTokens * channels * patch * width // input and output projections
           + 2 * (256 * width + width * width);            // timestep MLP
}

double PocketModelConfig::textEncoderFlops(int textTokens) const
{
    const double tokens = (textTokens < 0 ? maxTokens : textTokens) + 1;
    return transformerFlops(tokens, width, textLayers, mlpRatio, tokens);
}

PocketModelConfig PocketModelConfig::fromJson(const std::string &text)
{
    try {
        const auto j = StrictJson::parse(text);
        const JsonObject f(j, "the model config");
        if (f.text("arch", std::string()) != "pocket-dit-1")
            throw std::runtime_error("unknown architecture '" + f.text("arch", "?") + "'");
        // Sizes are bounded so a damaged record can neither be cast out of range nor ask for
        // a model that cannot be allocated.
        auto size = [&](const char *key) { return int(f.requiredInteger(key, 1, 1 << 16)); };
        PocketModelConfig c;
        c.channels = size("channels");
        c.frames = size("frames");
        c.patch = size("patch");
        c.width = size("width");
        c.heads = size("heads");
        c.layers = int(f.requiredInteger("layers", 1, 256));
        c.textLayers = int(f.requiredInteger("textLayers", 1, 256));
        c.vocabulary = size("vocabulary");
        c.maxTokens = int(f.requiredInteger("maxTokens", 1, 4096));
        c.mlpRatio = int(f.requiredInteger("mlpRatio", 1, 64));
        if (c.width % c.heads != 0 || c.frames % c.patch != 0)
            throw std::runtime_error("inconsistent sizes");
        return c;
    } catch (const JsonFormatError &e) {
        throw std::runtime_error(std::string("bad model config: ") + e.what());
    }
}

TransformerBlockImpl::TransformerBlockImpl(int width, int heads_, int mlpRatio) : heads(heads_)
{
    norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({width})));
    norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({width})));
    qkv = register_module("qkv", torch::nn::Linear(width, 3 * width));
    proj = register_module("proj", torch::nn::Linear(width, width));
    fc1 = register_module("fc1", torch::nn::Linear(width, mlpRatio * width));
    fc2 = register_module("fc2", torch::nn::Linear(mlpRatio * width, width));
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor &x, const torch::Tensor &keyPadding,
                                            int64_t queryStart)
{
    const auto B = x.size(0), N = x.size(1), D = x.size(2);
    const auto dh = D / heads;
    auto q_k_v = qkv(norm1(x)).view({B, N, 3, heads, dh}).permute({2, 0, 3, 1, 4});
    auto q = q_k_v[0], k = q_k_v[1], v = q_k_v[2];
    const auto queries = N - queryStart;
    if (queryStart > 0)
        q = q.narrow(2, queryStart, queries);
    auto scores = BatchedMatmul::apply(q, k.transpose(-2, -1), 1.0 / std::sqrt(double(dh)));
    if (keyPadding.defined())
        scores = scores.masked_fill(keyPadding.view({B, 1, 1, N}), -1e9);
    // [B, H, queries, dh] stored as [B, queries, H, dh]: the heads' concatenation, no copy.
    auto attended = BatchedMatmul::apply(torch::softmax(scores, -1), v, 1.0, {0, 2, 1, 3})
                        .transpose(1, 2)
                        .reshape({B, queries, D});
    auto h = (queryStart > 0 ? x.narrow(1, queryStart, queries) : x) + proj(attended);
    return h + fc2(torch::gelu(fc1(norm2(h))));
}

TextEncoderImpl::TextEncoderImpl(const PocketModelConfig &c)
{
    embedding = register_module("embedding", torch::nn::Embedding(c.vocabulary, c.width));
    first = register_parameter("first", torch::randn({1, 1, c.width}) * 0.02);
    positions = register_parameter("positions", torch::randn({1, c.maxTokens + 1, c.width}) * 0.02);
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int i = 0; i < c.textLayers; ++i)
        blocks->push_back(TransformerBlock(c.width, c.heads, c.mlpRatio));
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.width})));
}

std::pair<torch::Tensor, torch::Tensor> TextEncoderImpl::forward(const torch::Tensor &ids)
{
    const auto B = ids.size(0), L = ids.size(1);
    auto x = torch::cat({first.expand({B, 1, first.size(2)}), embedding(ids)}, 1);
    x = x + positions.narrow(1, 0, L + 1);
    auto padding =
        torch::cat({torch::zeros({B, 1}, ids.options().dtype(torch::kBool)), ids == 0}, 1);
    for (auto &block : *blocks)
        x = block->as<TransformerBlock>()->forward(x, padding);
    return {norm(x), padding};
}

DenoiserImpl::DenoiserImpl(const PocketModelConfig &c) : config(c)
{
    const int tokens = c.frames / c.patch;
    input = register_module("input", torch::nn::Linear(c.channels * c.patch, c.width));
    output = register_module("output", torch::nn::Linear(c.width, c.channels * c.patch));
    time1 = register_module("time1", torch::nn::Linear(256, c.width));
    time2 = register_module("time2", torch::nn::Linear(c.width, c.width));
    positions = register_parameter("positions", torch::randn({1, tokens, c.width}) * 0.02);
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int i = 0; i < c.layers; ++i)
        blocks->push_back(TransformerBlock(c.width, c.heads, c.mlpRatio));
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.width})));
    // Start from a zero prediction: stabler early training.
    torch::NoGradGuard noGrad;
    output->weight.zero_();
    output->bias.zero_();
}

torch::Tensor DenoiserImpl::forward(const torch::Tensor &x, const torch::Tensor &t,
                                    const torch::Tensor &text, const torch::Tensor &textPadding)
{
    const auto B = x.size(0), L = textPadding.size(1);
    // Text columns each row needs: up to its last unmasked one.
    const auto columns = torch::arange(1, L + 1, textPadding.options().dtype(torch::kLong));
    const auto need = ((~textPadding).to(torch::kLong) * columns).amax(1).to(torch::kCPU);
    const auto *n = need.data_ptr<int64_t>();
    const int64_t longest = *std::max_element(n, n + B);
    std::vector<int64_t> longRows, shortRows;
    int64_t shortest = 0;
    for (int64_t i = 0; i < B; ++i) {
        if (2 * n[i] <= longest) {
            shortRows.push_back(i);
            shortest = std::max(shortest, n[i]);
        } else {
            longRows.push_back(i);
        }
    }
    auto rows = [&](const std::vector<int64_t> &r, int64_t width) {
        const auto index = torch::tensor(r, torch::kLong).to(x.device());
        return forwardRows(x.index_select(0, index), t.index_select(0, index),
                           text.index_select(0, index).narrow(1, 0, width),
                           textPadding.index_select(0, index).narrow(1, 0, width));
    };
    if (shortRows.empty() || longRows.empty())
        return forwardRows(x, t, text.narrow(1, 0, longest), textPadding.narrow(1, 0, longest));
    const auto joined = torch::cat({rows(longRows, longest), rows(shortRows, shortest)});
    // Back to the batch's order (the guided batch [cond; uncond] is already in it).
    std::vector<int64_t> order(longRows);
    order.insert(order.end(), shortRows.begin(), shortRows.end());
    if (std::is_sorted(order.begin(), order.end()))
        return joined;
    std::vector<int64_t> inverse(order.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        inverse[std::size_t(order[i])] = int64_t(i);
    return joined.index_select(0, torch::tensor(inverse, torch::kLong).to(x.device()));
}

torch::Tensor DenoiserImpl::forwardRows(const torch::Tensor &x, const torch::Tensor &t,
                                        const torch::Tensor &text, const torch::Tensor &textPadding)
{
    const auto B = x.size(0);
    const int C = config.channels, P = config.patch, N = config.frames / config.patch;
    // [B, C, T] -> [B, N, C*P]
    auto tokens = x.view({B, C, N, P}).permute({0, 2, 1, 3}).reshape({B, N, C * P});
    tokens = input(tokens) + positions;
    // Sinusoidal timestep features (t scaled to 0..1000 like discrete DDPM steps).
    const auto half = 128;
    auto freqs = torch::exp(torch::arange(half, x.options()) * (-std::log(10000.0) / half));
    auto angles = (t.to(x.dtype()) * 1000.0).unsqueeze(1) * freqs.unsqueeze(0);
    auto timeToken =
        time2(torch::silu(time1(torch::cat({angles.sin(), angles.cos()}, 1)))).unsqueeze(1);
    auto h = torch::cat({timeToken, text, tokens}, 1);
    auto padding = torch::cat({torch::zeros({B, 1}, textPadding.options()), textPadding,
                               torch::zeros({B, N}, textPadding.options())},
                              1);
    // Only the latent tokens' outputs are read: the last block computes just those.
    const std::size_t last = blocks->size() - 1;
    for (std::size_t i = 0; i < blocks->size(); ++i)
        h = blocks[i]->as<TransformerBlock>()->forward(h, padding, i == last ? h.size(1) - N : 0);
    if (h.size(1) != N) // no blocks
        h = h.narrow(1, h.size(1) - N, N);
    auto out = output(norm(h)); // [B, N, C*P]
    return out.view({B, N, C, P}).permute({0, 2, 1, 3}).reshape({B, C, N * P});
}

PocketModelImpl::PocketModelImpl(const PocketModelConfig &c) : config(c)
{
    text = register_module("text", TextEncoder(c));
    denoiser = register_module("denoiser", Denoiser(c));
}

} // namespace dragon

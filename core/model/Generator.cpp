#include "model/Generator.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dragon {

TextCondition TextCondition::cat(const TextCondition &a, const TextCondition &b)
{
    if (a.tokens.dim() != 3 || !a.padding.defined() || a.tokens.size(1) == b.tokens.size(1))
        return {torch::cat({a.tokens, b.tokens}, 0),
                a.padding.defined() ? torch::cat({a.padding, b.padding}, 0) : torch::Tensor()};
    // Token sequences of different lengths (a generator that keeps only the columns its prompts
    // use): the shorter gets masked padding tokens, which no attention sees.
    const int64_t length = std::max(a.tokens.size(1), b.tokens.size(1));
    auto widen = [&](const TextCondition &c) {
        const int64_t extra = length - c.tokens.size(1);
        if (extra == 0)
            return c;
        return TextCondition{
            torch::cat({c.tokens, c.tokens.new_zeros({c.tokens.size(0), extra, c.tokens.size(2)})},
                       1),
            torch::cat({c.padding, c.padding.new_ones({c.padding.size(0), extra})}, 1)};
    };
    const TextCondition wa = widen(a), wb = widen(b);
    return {torch::cat({wa.tokens, wb.tokens}, 0), torch::cat({wa.padding, wb.padding}, 0)};
}

int64_t Generator::parameterCount()
{
    int64_t n = 0;
    for (const auto &p : parameters())
        n += p.numel();
    return n;
}

std::vector<torch::Tensor> Generator::trainableParameters()
{
    std::vector<torch::Tensor> out;
    for (const auto &p : parameters())
        if (p.requires_grad())
            out.push_back(p);
    return out;
}

namespace {
std::pair<std::vector<torch::Tensor>, std::vector<torch::Tensor>> matched(Generator &dst,
                                                                          Generator &src)
{
    auto d = dst.parameters(), s = src.parameters();
    if (d.size() != s.size())
        throw std::invalid_argument("generators of different architectures (" +
                                    std::to_string(d.size()) + " vs " + std::to_string(s.size()) +
                                    " parameters)");
    return {d, s};
}
} // namespace

void Generator::copyParametersFrom(Generator &source)
{
    torch::NoGradGuard noGrad;
    auto [dst, src] = matched(*this, source);
    for (std::size_t i = 0; i < dst.size(); ++i)
        dst[i].copy_(src[i]);
}

void Generator::blendParametersToward(Generator &source, double keep)
{
    torch::NoGradGuard noGrad;
    auto [dst, src] = matched(*this, source);
    for (std::size_t i = 0; i < dst.size(); ++i)
        dst[i].mul_(keep).add_(src[i], 1.0 - keep);
}

namespace diffusion {
namespace {
torch::Tensor gather(const torch::Tensor &acp, const torch::Tensor &steps,
                     const torch::Tensor &like)
{
    auto a = acp.to(like.device()).index_select(0, steps.to(like.device()));
    std::vector<int64_t> shape(like.dim(), 1);
    shape[0] = like.size(0);
    return a.view(shape).to(like.dtype());
}
} // namespace

torch::Tensor addNoise(const torch::Tensor &acp, const torch::Tensor &x0,
                       const torch::Tensor &steps, const torch::Tensor &noise)
{
    const auto a = gather(acp, steps, x0);
    return a.sqrt() * x0 + (1 - a).sqrt() * noise;
}

torch::Tensor target(const Generator &g, const torch::Tensor &x0, const torch::Tensor &steps,
                     const torch::Tensor &noise)
{
    if (!g.predictsV())
        return noise;
    const auto a = gather(g.alphasCumprod(), steps, x0);
    return a.sqrt() * noise - (1 - a).sqrt() * x0;
}

torch::Tensor perSampleMse(Generator &g, const torch::Tensor &x0, const torch::Tensor &steps,
                           const torch::Tensor &noise, const TextCondition &condition)
{
    const auto xt = addNoise(g.alphasCumprod(), x0, steps, noise);
    const auto prediction = g.denoise(xt, steps, condition);
    return (prediction - target(g, x0, steps, noise)).pow(2).flatten(1).mean(1);
}

torch::Tensor cosineAlphasCumprod(int steps)
{
    const double s = 0.008;
    auto f = [&](double t) { return std::pow(std::cos((t + s) / (1 + s) * M_PI / 2), 2); };
    std::vector<float> values(static_cast<std::size_t>(steps));
    for (int i = 0; i < steps; ++i)
        values[static_cast<std::size_t>(i)] =
            static_cast<float>(std::clamp(f((i + 1.0) / steps) / f(0.0), 1e-4, 0.9999));
    return torch::tensor(values);
}

} // namespace diffusion
} // namespace dragon

#include "dragon/DragonLoss.h"

#include <cmath>

namespace dragon {

torch::Tensor diffusionDpoLoss(const torch::Tensor &modelW, const torch::Tensor &modelL,
                               const torch::Tensor &refW, const torch::Tensor &refL, double beta,
                               LossStats *stats)
{
    const auto modelDiff = modelW - modelL;
    const auto refDiff = refW - refL;
    const auto inside = -0.5 * beta * (modelDiff - refDiff);
    const auto loss = -torch::nn::functional::logsigmoid(inside).mean();
    if (stats) {
        torch::NoGradGuard noGrad;
        stats->loss = loss.item<double>();
        stats->implicitAccuracy = (inside > 0).to(torch::kFloat64).mean().item<double>();
        stats->rewardsChosen = (-0.5 * beta * (modelW - refW)).mean().item<double>();
        stats->rewardsRejected = (-0.5 * beta * (modelL - refL)).mean().item<double>();
        stats->margin = inside.mean().item<double>();
    }
    return loss;
}

torch::Tensor diffusionKtoLoss(const torch::Tensor &modelMse, const torch::Tensor &refMse,
                               const torch::Tensor &labels, double beta, double lambdaDesirable,
                               double lambdaUndesirable, LossStats *stats, double meanGap)
{
    const auto g = refMse - modelMse;
    const auto z = std::isnan(meanGap) ? g.mean().detach().clamp_min(0.0)
                                       : torch::full({}, std::max(0.0, meanGap), g.options());
    const auto y = labels.to(g.scalar_type());
    const auto h = torch::sigmoid(y * beta * (g - z));
    const auto lambda = torch::where(y > 0, torch::full_like(y, lambdaDesirable),
                                     torch::full_like(y, lambdaUndesirable));
    const auto loss = (lambda * (1 - h)).mean();
    if (stats) {
        torch::NoGradGuard noGrad;
        const auto implicit = beta * (g - z);
        const auto positive = y > 0, negative = y < 0;
        stats->loss = loss.item<double>();
        stats->implicitAccuracy = ((implicit * y) > 0).to(torch::kFloat64).mean().item<double>();
        stats->rewardsChosen =
            positive.any().item<bool>() ? (beta * g).index({positive}).mean().item<double>() : 0.0;
        stats->rewardsRejected =
            negative.any().item<bool>() ? (beta * g).index({negative}).mean().item<double>() : 0.0;
        stats->margin = stats->rewardsChosen - stats->rewardsRejected;
    }
    return loss;
}

} // namespace dragon

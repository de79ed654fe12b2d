#pragma once

#include "dragon/LossStats.h"

#include <limits>
#include <torch/torch.h>

namespace dragon {

// Diffusion-DPO (Wallace et al., reference code): with per-sample MSEs of the policy and the
// frozen reference on the winner (w) and loser (l) at the same t and noise,
//   inside = -beta/2 * ((mse_w - mse_l) - (ref_w - ref_l)),   loss = -mean(log sigmoid(inside)).
// Implicit rewards: chosen = -beta/2 (mse_w - ref_w), rejected = -beta/2 (mse_l - ref_l).
torch::Tensor diffusionDpoLoss(const torch::Tensor &modelW, const torch::Tensor &modelL,
                               const torch::Tensor &refW, const torch::Tensor &refL, double beta,
                               LossStats *stats = nullptr);

// Diffusion-KTO (Li et al.): g = mse_ref - mse_theta, z = clamp(mean(g).detach(), min 0),
//   h = sigmoid(y * beta * (g - z)),   loss = mean(lambda_y * (1 - h)),  y = +1 (D+) / -1 (D-).
// `meanGap`, if given (not NaN), replaces mean(g) in z: multi-process training passes the mean
// over all ranks' samples.
torch::Tensor diffusionKtoLoss(const torch::Tensor &modelMse, const torch::Tensor &refMse,
                               const torch::Tensor &labels, double beta,
                               double lambdaDesirable = 1.0, double lambdaUndesirable = 1.0,
                               LossStats *stats = nullptr,
                               double meanGap = std::numeric_limits<double>::quiet_NaN());

} // namespace dragon

#pragma once

#include "dragon/DemoBuilder.h"
#include "dragon/DragonConfig.h"
#include "dragon/DragonEvents.h"
#include "model/Generator.h"

#include <atomic>
#include <memory>
#include <torch/torch.h>
#include <utility>
#include <vector>

namespace dragon {

class DistributedGroup;

// One round's fine-tuning step on any Generator (DESIGN section 3): `gradientPasses` passes of
// the Diffusion-DPO (pairs) or Diffusion-KTO (labels) loss against the frozen reference, each
// with fresh timesteps and noise drawn from the round's seed (the same draw for a pair's winner
// and loser), optionally on the guided (CFG) prediction, plus the pretraining anchor when the
// generator has pretraining data; AdamW with gradient clipping, one step per round from the
// passes' mean gradient (or one per pass), then the EMA copy. A pass whose loss is not finite
// on any rank is skipped on all ranks (the NaN vote), so no NaN reaches the weights. In a
// multi-process run each rank takes the loss units j with j % worldSize == rank and gradients
// are summed, which equals the single-process mean.
class PreferenceUpdate
{
public:
    // `ema` may be null. The text encoder's parameters are frozen unless the config trains it.
    PreferenceUpdate(const DragonConfig &config, Generator &policy, Generator &reference,
                     Generator *ema, DistributedGroup &group);
    ~PreferenceUpdate();

    // The learning rate of round `round` (linear warm-up), applied to the optimizer.
    double setRound(int round);
    // Updates the policy from the demonstrations of a round (latents [N, C, T], prompts and
    // prompt indices of the N samples); fills the loss, gradient and anchor fields of `stats`.
    void apply(const Demonstrations &demos, const torch::Tensor &latents,
               const std::vector<std::string> &prompts, const std::vector<int> &promptOf,
               std::uint64_t roundSeed, RoundStats &stats, const std::atomic<bool> *stop);

    torch::optim::AdamW &optimizer() { return *m_optimizer; }
    bool anchorOn() const { return m_anchorOn; }
    // Per-sample MSE of the prediction the sampler uses (guided when the config says so).
    torch::Tensor mse(Generator &g, const torch::Tensor &x0, const torch::Tensor &steps,
                      const torch::Tensor &noise, const TextCondition &condition) const;

private:
    // This rank's rows of a pass's pretraining-anchor batch, on the policy's device.
    struct AnchorRows
    {
        torch::Tensor latents, steps, noise;
        std::vector<std::string> captions;
        bool empty() const { return captions.empty(); }
    };
    bool guidedLoss() const;
    static torch::Tensor repeatRows(const torch::Tensor &t, int64_t count);
    // A condition for `count` passes' rows at once (mse() on rows repeated pass after pass).
    TextCondition repeated(const TextCondition &c, int64_t count) const;
    AnchorRows anchorRows(std::uint64_t roundSeed, int pass);
    // The frozen reference's per-sample MSE (mse() without gradients). On the CPU its rows run
    // as parallel shards (model/ParallelShards): a row's value does not depend on the others.
    torch::Tensor referenceMse(const torch::Tensor &x0, const torch::Tensor &steps,
                               const torch::Tensor &noise, const TextCondition &condition) const;
    // Rows [begin, end) of a condition for mse()'s rows ([cond; uncond] when the loss is guided).
    TextCondition conditionRows(const TextCondition &c, int64_t begin, int64_t end) const;
    // The anchor's part of the objective: its rows' MSE summed, over the batch size (undefined
    // without rows).
    torch::Tensor anchorPart(const torch::Tensor &anchorMse) const;
    // That part, and the batch mean summed over ranks (every rank sees the same value).
    std::pair<torch::Tensor, double> anchorLoss(const torch::Tensor &anchorMse);

    DragonConfig m_config;
    Generator &m_policy;
    Generator &m_reference;
    Generator *m_ema;
    DistributedGroup &m_group;
    std::vector<torch::Tensor> m_params;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    bool m_anchorOn = false;
    bool m_textFrozen = false; // the policy's text encoder does not train: encode once per round
};

} // namespace dragon

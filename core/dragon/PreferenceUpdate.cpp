#include "dragon/PreferenceUpdate.h"

#include "dragon/DistributedGroup.h"
#include "dragon/DragonLoss.h"
#include "dragon/SeedMix.h"
#include "model/ParallelShards.h"

#include <ATen/CPUGeneratorImpl.h>
#include <cmath>
#include <limits>

namespace dragon {

PreferenceUpdate::PreferenceUpdate(const DragonConfig &config, Generator &policy,
                                   Generator &reference, Generator *ema, DistributedGroup &group)
    : m_config(config), m_policy(policy), m_reference(reference), m_ema(ema), m_group(group)
{
    m_anchorOn = config.anchorWeight > 0 && policy.hasPretrainingData();
    torch::optim::AdamWOptions options(config.learningRate);
    options.weight_decay(config.weightDecay).betas({0.9, 0.999});
    if (!config.trainTextEncoder) {
        const auto textParameters = policy.textEncoderParameters();
        for (const auto &p : textParameters)
            p.set_requires_grad(false);
        m_textFrozen = !textParameters.empty();
    }
    m_params = policy.trainableParameters();
    m_optimizer = std::make_unique<torch::optim::AdamW>(m_params, options);
}

PreferenceUpdate::~PreferenceUpdate() = default;

double PreferenceUpdate::setRound(int round)
{
    const double lr =
        m_config.learningRate * std::min(1.0, double(round) / std::max(1, m_config.warmupRounds));
    for (auto &paramGroup : m_optimizer->param_groups())
        static_cast<torch::optim::AdamWOptions &>(paramGroup.options()).lr(lr);
    return lr;
}

bool PreferenceUpdate::guidedLoss() const
{
    return m_config.guidedLoss && m_config.guidance != 1.0f;
}

// With classifier-free guidance: uncond + g (cond - uncond) (condition = [cond; uncond], one
// batched forward). Training the conditional branch alone on guided samples pulls it toward
// the guided outputs, which the sampler then amplifies again (measured: diversity and CLAP
// adherence fell round by round).
torch::Tensor PreferenceUpdate::mse(Generator &g, const torch::Tensor &x0,
                                    const torch::Tensor &steps, const torch::Tensor &noise,
                                    const TextCondition &condition) const
{
    if (!guidedLoss())
        return diffusion::perSampleMse(g, x0, steps, noise, condition);
    const auto xt = diffusion::addNoise(g.alphasCumprod(), x0, steps, noise);
    const auto both =
        g.denoise(torch::cat({xt, xt}), torch::cat({steps, steps}), condition).chunk(2, 0);
    const auto guided = both[1] + double(m_config.guidance) * (both[0] - both[1]);
    return (guided - diffusion::target(g, x0, steps, noise)).pow(2).flatten(1).mean(1);
}

void PreferenceUpdate::apply(const Demonstrations &demos, const torch::Tensor &latents,
                             const std::vector<std::string> &prompts,
                             const std::vector<int> &promptOf, std::uint64_t roundSeed,
                             RoundStats &stats, const std::atomic<bool> *stop)
{
    const DragonConfig &config = m_config;
    m_policy.setTraining(true);
    // Units of the loss: pairs (DPO) or labelled samples (KTO). Unit j is this rank's when
    // j % worldSize == rank; each rank's loss is scaled by its share so that the summed
    // gradients equal the single-process mean over all units.
    const bool paired = !demos.pairs.empty();
    const int64_t units = paired ? int64_t(demos.pairs.size()) : int64_t(demos.labels.size());
    std::vector<int64_t> myUnits;
    for (int64_t j = 0; j < units; ++j)
        if (j % config.worldSize == config.rank)
            myUnits.push_back(j);
    const int64_t mineCount = int64_t(myUnits.size());
    std::vector<int64_t> index;
    std::vector<float> labels;
    if (paired) {
        for (int64_t j : myUnits)
            index.push_back(demos.pairs[std::size_t(j)].winner);
        for (int64_t j : myUnits)
            index.push_back(demos.pairs[std::size_t(j)].loser);
    } else {
        for (int64_t j : myUnits) {
            index.push_back(demos.labels[std::size_t(j)].index);
            labels.push_back(float(demos.labels[std::size_t(j)].label));
        }
    }
    std::vector<std::string> texts;
    for (int64_t i : index)
        texts.push_back(prompts[std::size_t(i)]);
    const auto device = m_policy.device();
    const auto &params = m_params;
    const auto unitRows = torch::tensor(myUnits, torch::kInt64);
    torch::Tensor x0;
    TextCondition refCondition, frozenCondition;
    auto policyCondition = [&] {
        auto condition = m_policy.encodeText(texts);
        if (guidedLoss())
            condition = TextCondition::cat(
                condition, m_policy.encodeText(std::vector<std::string>(texts.size())));
        return condition;
    };
    if (mineCount > 0) {
        x0 = latents.index_select(0, torch::tensor(index).to(latents.device())).to(device);
        torch::NoGradGuard noGrad;
        refCondition = m_reference.encodeText(texts);
        if (guidedLoss())
            refCondition = TextCondition::cat(
                refCondition, m_reference.encodeText(std::vector<std::string>(texts.size())));
        // A frozen text encoder gives the same condition in every pass: encode it once.
        if (m_textFrozen)
            frozenCondition = policyCondition();
    }
    const auto shape = latents.sizes();
    LossStats total;
    double gradNorm = 0;
    int applied = 0, measured = 0, backwards = 0;
    const bool accumulate = config.accumulatePasses;
    auto applyStep = [&] {
        if (m_group.active()) {
            std::vector<torch::Tensor> grads;
            for (const auto &p : params) {
                if (!p.grad().defined())
                    p.mutable_grad() = torch::zeros_like(p);
                grads.push_back(p.grad());
            }
            m_group.allReduceSum(grads);
        }
        gradNorm += torch::nn::utils::clip_grad_norm_(params, config.gradClip);
        m_optimizer->step();
        ++applied;
        if (m_ema)
            m_ema->blendParametersToward(m_policy, config.emaDecay);
    };
    double anchorTotal = 0;
    m_optimizer->zero_grad();
    // t and noise for every unit, drawn identically on all ranks; the same for a pair's winner
    // and loser, and (labels against the prompt's mean) for all samples of one prompt: then what
    // differs between a prompt's D+ and D- terms is the sample, not the draw, which removes most
    // of the gradient's timestep noise.
    const bool perPrompt = !paired && config.labelBaseline == LabelBaseline::Prompt;
    // Per prompt: one row per prompt index (at least `units` rows, so the usual case draws
    // exactly what one row per unit would).
    const int64_t drawRows = perPrompt ? std::max<int64_t>(units, config.promptsPerRound) : units;
    auto drawPass = [&](int pass) {
        auto generator =
            at::make_generator<at::CPUGeneratorImpl>(mixSeed(roundSeed, 77, std::uint64_t(pass)));
        auto allSteps =
            torch::randint(0, m_policy.trainSteps(), {drawRows}, generator, torch::kInt64);
        auto allNoise = torch::randn({drawRows, shape[1], shape[2]}, generator, torch::kFloat32);
        if (perPrompt) {
            std::vector<int64_t> draw;
            for (const auto &l : demos.labels)
                draw.push_back(promptOf[std::size_t(l.index)]);
            const auto rows = torch::tensor(draw, torch::kInt64);
            allSteps = allSteps.index_select(0, rows);
            allNoise = allNoise.index_select(0, rows);
        }
        auto steps = allSteps.index_select(0, unitRows);
        auto noise = allNoise.index_select(0, unitRows);
        if (paired) {
            steps = torch::cat({steps, steps});
            noise = torch::cat({noise, noise});
        }
        return std::make_pair(steps, noise);
    };
    // The per-sample MSE of several passes in one forward pass of each model (rows pass after
    // pass): the reference's without gradients, the policy's and the anchor's with them. The
    // passes' draws are independent of the weights, so batching them changes no value beyond
    // float rounding; the matrix products are 4x larger and the per-operator overhead is paid
    // once instead of once per pass.
    struct PassRows
    {
        torch::Tensor refMse, modelMse, anchorMse;
    };
    auto forward = [&](const std::vector<int> &passes) {
        PassRows r;
        const int64_t count = int64_t(passes.size());
        if (mineCount > 0) {
            std::vector<torch::Tensor> stepParts, noiseParts;
            for (int pass : passes) {
                auto [steps, noise] = drawPass(pass);
                stepParts.push_back(steps);
                noiseParts.push_back(noise);
            }
            const auto steps = torch::cat(stepParts).to(device);
            const auto noise = torch::cat(noiseParts).to(device);
            const auto rows = count == 1 ? x0 : repeatRows(x0, count);
            r.refMse = referenceMse(rows, steps, noise, repeated(refCondition, count));
            const TextCondition condition =
                frozenCondition.tokens.defined() ? frozenCondition : policyCondition();
            r.modelMse = mse(m_policy, rows, steps, noise, repeated(condition, count));
        }
        if (m_anchorOn) {
            std::vector<torch::Tensor> latentParts, stepParts, noiseParts;
            std::vector<std::string> captions;
            for (int pass : passes) {
                AnchorRows part = anchorRows(roundSeed, pass);
                if (part.empty())
                    continue;
                latentParts.push_back(part.latents);
                stepParts.push_back(part.steps);
                noiseParts.push_back(part.noise);
                captions.insert(captions.end(), part.captions.begin(), part.captions.end());
            }
            if (!captions.empty())
                r.anchorMse = diffusion::perSampleMse(m_policy, torch::cat(latentParts),
                                                      torch::cat(stepParts), torch::cat(noiseParts),
                                                      m_policy.encodeText(captions));
        }
        return r;
    };
    auto slice = [](const torch::Tensor &t, int64_t k, int64_t count) {
        if (!t.defined())
            return t;
        const int64_t n = t.size(0) / count;
        return t.narrow(0, k * n, n);
    };
    const torch::Tensor labelTensor = paired ? torch::Tensor() : torch::tensor(labels).to(device);
    // This rank's share of the units: its loss is scaled by it so that the summed gradients
    // equal the single-process mean.
    const double share = double(mineCount) / double(units);
    // What a kept pass adds to the objective: its loss (when this rank has units) and the
    // weighted anchor part (when it has anchor rows).
    auto passObjective = [&](const torch::Tensor &loss, const torch::Tensor &anchor) {
        torch::Tensor objective;
        if (loss.defined())
            objective = loss * share;
        if (anchor.defined())
            objective = objective.defined() ? objective + config.anchorWeight * anchor
                                            : config.anchorWeight * anchor;
        return objective;
    };
    // One pass's loss from its rows (KTO's mean gap from the ranks' collective, or NaN).
    auto passLoss = [&](const torch::Tensor &modelMse, const torch::Tensor &refMse, double meanGap,
                        LossStats *s) {
        if (paired)
            return diffusionDpoLoss(modelMse.narrow(0, 0, mineCount),
                                    modelMse.narrow(0, mineCount, mineCount),
                                    refMse.narrow(0, 0, mineCount),
                                    refMse.narrow(0, mineCount, mineCount), config.beta, s);
        return diffusionKtoLoss(modelMse, refMse, labelTensor, config.beta,
                                config.ktoLambdaDesirable, config.ktoLambdaUndesirable, s, meanGap);
    };
    // Accumulated passes run as one batch; otherwise each pass is its own step.
    const int passes = config.gradientPasses;
    const int groupSize = accumulate ? passes : 1;
    for (int first = 0; first < passes; first += groupSize) {
        if (stop && stop->load())
            break; // the round is dropped anyway: stop without finishing the update
        std::vector<int> group;
        for (int pass = first; pass < std::min(passes, first + groupSize); ++pass)
            group.push_back(pass);
        const int64_t count = int64_t(group.size());
        if (!accumulate)
            m_optimizer->zero_grad();
        const PassRows rows = forward(group);
        if (stop && stop->load())
            break; // the backward (about twice the forward) would be thrown away with the round
        std::vector<int> kept;
        std::vector<double> meanGaps;
        std::vector<torch::Tensor> objectives;
        for (int64_t k = 0; k < count; ++k) {
            LossStats s;
            double finite = 1;
            double meanGap = std::numeric_limits<double>::quiet_NaN();
            torch::Tensor loss;
            const auto modelMse = slice(rows.modelMse, k, count);
            const auto refMse = slice(rows.refMse, k, count);
            if (mineCount > 0) {
                if (!paired && m_group.active()) { // z uses the mean gap over every rank's samples
                    std::vector<torch::Tensor> gap{torch::stack(
                        {(refMse - modelMse).detach().sum().to(torch::kCPU, torch::kFloat32),
                         torch::full({}, float(mineCount))})};
                    m_group.allReduceSum(gap);
                    meanGap = gap[0][0].item<double>() / gap[0][1].item<double>();
                }
                loss = passLoss(modelMse, refMse, meanGap, &s);
                finite = std::isfinite(s.loss) ? 1 : 0;
            } else if (!paired && m_group.active()) {
                std::vector<torch::Tensor> gap{torch::zeros({2})};
                m_group.allReduceSum(gap);
            }
            // The anchor's value is summed over ranks, so every rank sees the same one.
            std::pair<torch::Tensor, double> anchor;
            if (m_anchorOn) {
                anchor = anchorLoss(slice(rows.anchorMse, k, count));
                if (!std::isfinite(anchor.second))
                    finite = 0;
            }
            // Every rank must agree to skip a non-finite step.
            std::vector<torch::Tensor> votes{torch::tensor({float(finite)})};
            m_group.allReduceSum(votes);
            if (votes[0].item<float>() < float(config.worldSize)) {
                stats.warning += (stats.warning.empty() ? "" : "; ") +
                                 std::string("non-finite loss: pass skipped");
                ++stats.skippedPasses;
                continue; // no backward: the gradients stay clean
            }
            if (m_anchorOn)
                anchorTotal += anchor.second;
            kept.push_back(int(k));
            meanGaps.push_back(meanGap);
            objectives.push_back(passObjective(loss, anchor.first));
            // Statistics over all units: weighted by each rank's share.
            std::vector<torch::Tensor> sums{
                torch::tensor({float(s.loss * share), float(s.implicitAccuracy * share),
                               float(s.rewardsChosen * share), float(s.rewardsRejected * share),
                               float(s.margin * share)})};
            m_group.allReduceSum(sums);
            total.loss += sums[0][0].item<double>();
            total.implicitAccuracy += sums[0][1].item<double>();
            total.rewardsChosen += sums[0][2].item<double>();
            total.rewardsRejected += sums[0][3].item<double>();
            total.margin += sums[0][4].item<double>();
            ++measured;
        }
        const double scale = accumulate ? 1.0 / passes : 1.0;
        if (int64_t(kept.size()) == count) {
            torch::Tensor objective;
            for (const auto &o : objectives)
                if (o.defined())
                    objective = objective.defined() ? objective + o : o;
            if (objective.defined())
                (objective * scale).backward();
        } else {
            // A skipped pass's rows may hold NaN, which a backward through the shared batch
            // would carry into every gradient: the kept passes run again one by one.
            for (std::size_t i = 0; i < kept.size(); ++i) {
                if (!objectives[i].defined())
                    continue;
                const PassRows again = forward({group[std::size_t(kept[i])]});
                const torch::Tensor loss =
                    mineCount > 0 ? passLoss(again.modelMse, again.refMse, meanGaps[i], nullptr)
                                  : torch::Tensor();
                (passObjective(loss, anchorPart(again.anchorMse)) * scale).backward();
            }
        }
        backwards += int(kept.size());
        if (!accumulate && !kept.empty())
            applyStep();
    }
    // Accumulated: one optimizer step per round from the mean gradient of all passes (each
    // pass with fresh t and noise), which averages out much of the timestep noise.
    if (accumulate && backwards > 0 && !(stop && stop->load()))
        applyStep();
    m_policy.setTraining(false);
    if (applied > 0 && measured > 0) {
        stats.updated = true;
        stats.loss = {total.loss / measured, total.implicitAccuracy / measured,
                      total.rewardsChosen / measured, total.rewardsRejected / measured,
                      total.margin / measured};
        stats.gradNorm = gradNorm / applied;
        stats.anchorLoss = m_anchorOn ? anchorTotal / measured : 0;
    }
}

torch::Tensor PreferenceUpdate::repeatRows(const torch::Tensor &t, int64_t count)
{
    std::vector<int64_t> times(std::size_t(t.dim()), 1);
    times[0] = count;
    return t.repeat(times);
}

TextCondition PreferenceUpdate::repeated(const TextCondition &c, int64_t count) const
{
    if (count == 1)
        return c;
    auto repeat = [&](const torch::Tensor &tokens, const torch::Tensor &padding) {
        return TextCondition{repeatRows(tokens, count),
                             padding.defined() ? repeatRows(padding, count) : padding};
    };
    if (!guidedLoss())
        return repeat(c.tokens, c.padding);
    // [cond; uncond] -> [cond x count; uncond x count], as mse() pairs them with [xt; xt].
    const int64_t n = c.tokens.size(0) / 2;
    auto half = [&](const torch::Tensor &t, int64_t start) {
        return t.defined() ? t.narrow(0, start, n) : t;
    };
    return TextCondition::cat(repeat(half(c.tokens, 0), half(c.padding, 0)),
                              repeat(half(c.tokens, n), half(c.padding, n)));
}

TextCondition PreferenceUpdate::conditionRows(const TextCondition &c, int64_t begin,
                                              int64_t end) const
{
    auto rows = [&](const torch::Tensor &t, int64_t start) {
        return t.defined() ? t.narrow(0, start + begin, end - begin) : t;
    };
    if (!guidedLoss())
        return {rows(c.tokens, 0), rows(c.padding, 0)};
    const int64_t n = c.tokens.size(0) / 2; // [cond; uncond]
    return TextCondition::cat({rows(c.tokens, 0), rows(c.padding, 0)},
                              {rows(c.tokens, n), rows(c.padding, n)});
}

torch::Tensor PreferenceUpdate::referenceMse(const torch::Tensor &x0, const torch::Tensor &steps,
                                             const torch::Tensor &noise,
                                             const TextCondition &condition) const
{
    torch::NoGradGuard noGrad;
    return ParallelShards::concatRows(
        int(x0.size(0)), m_reference.device(), [&](int, ParallelShards::Range r) {
            const int64_t length = r.second - r.first;
            return mse(m_reference, x0.narrow(0, r.first, length), steps.narrow(0, r.first, length),
                       noise.narrow(0, r.first, length),
                       conditionRows(condition, r.first, r.second));
        });
}

// The pretraining objective on this rank's rows of a fresh corpus batch (rows split over ranks
// like the loss units; the sum over ranks is the batch mean).
PreferenceUpdate::AnchorRows PreferenceUpdate::anchorRows(std::uint64_t roundSeed, int pass)
{
    const DragonConfig &config = m_config;
    torch::Tensor latents;
    std::vector<std::string> captions;
    m_policy.pretrainingBatch(config.anchorBatch, mixSeed(roundSeed, 313, std::uint64_t(pass)),
                              latents, captions);
    auto generator =
        at::make_generator<at::CPUGeneratorImpl>(mixSeed(roundSeed, 317, std::uint64_t(pass)));
    const auto steps =
        torch::randint(0, m_policy.trainSteps(), {config.anchorBatch}, generator, torch::kInt64);
    const auto noise = torch::randn(latents.sizes(), generator, torch::kFloat32);
    std::vector<int64_t> rows;
    AnchorRows mine;
    for (int j = 0; j < config.anchorBatch; ++j)
        if (j % config.worldSize == config.rank) {
            rows.push_back(j);
            mine.captions.push_back(captions[std::size_t(j)]);
        }
    if (rows.empty())
        return mine;
    const auto device = m_policy.device();
    const auto r = torch::tensor(rows, torch::kInt64);
    mine.latents = latents.index_select(0, r).to(device);
    mine.steps = steps.index_select(0, r).to(device);
    mine.noise = noise.index_select(0, r).to(device);
    return mine;
}

torch::Tensor PreferenceUpdate::anchorPart(const torch::Tensor &anchorMse) const
{
    return anchorMse.defined() ? anchorMse.sum() / double(m_config.anchorBatch) : anchorMse;
}

std::pair<torch::Tensor, double> PreferenceUpdate::anchorLoss(const torch::Tensor &anchorMse)
{
    const torch::Tensor part = anchorPart(anchorMse);
    const double sum = part.defined() ? part.item<double>() : 0.0;
    std::vector<torch::Tensor> total{torch::tensor({float(sum)})};
    m_group.allReduceSum(total);
    return {part, total[0][0].item<double>()};
}

} // namespace dragon

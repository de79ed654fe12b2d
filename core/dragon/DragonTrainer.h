#pragma once

#include "dragon/DragonConfig.h"
#include "dragon/DragonEvents.h"

#include <atomic>
#include <memory>
#include <string>

namespace dragon {

class Generator;

// One DRAGON run (DESIGN sections 3 and 7). Each round: prompts x K seeds sampled on-policy with
// `demoSteps`, decoded, encoded, scored; DemoBuilder makes D+/D-; the DPO or KTO loss against a
// frozen copy of the starting model drives AdamW for `gradientPasses` passes with fresh t and
// noise. Every `evalEvery` rounds the fixed eval prompts/seeds are generated and compared with
// the base model's (generated once and cached in the run folder). Set rewards: the win rate is
// the fraction of bootstrap draws (shared prompt subsets) where the policy's set is better, p is
// the bootstrap p-value, and the interval agrees with p (bootstrapWinInterval).
//
// Run folder: config.json, metrics.jsonl + metrics.csv (one row per round), eval.jsonl,
// audition/ (D+ and D- WAVs), checkpoints/round-NNNNNN.pt (atomic; last K kept; policy,
// optimizer, counters, baseline state; per-round randomness is derived from (seed, round), so
// no RNG stream needs saving), policy.pt (half precision, loadable by `dragon generate`),
// best-policy.pt (+ .json) whenever an evaluation with its guardrails held has a lower win-rate
// bound above every earlier such one and 0.5 (becomesBestPolicy).
// Constructing on a folder with checkpoints resumes from the newest readable one (checksums
// verified); metrics.jsonl is rebuilt from the rows the checkpoint carries (RunCheckpoint's
// journal), so rows of saved rounds are never lost and rows after it are dropped. Write order
// per round: the row joins the journal, the checkpoint is written, then the row is appended to
// metrics.jsonl (synced). Throws std::runtime_error for unusable configurations.
class DragonTrainer
{
public:
    DragonTrainer(const DragonConfig &config, const std::string &runDir,
                  DragonCallbacks callbacks = {});
    ~DragonTrainer();

    // Runs until config.rounds rounds are complete or `stop` becomes true (checked between
    // sampler steps and phases); `pause` holds the run between phases. Returns rounds done.
    int run(const std::atomic<bool> *stop = nullptr, const std::atomic<bool> *pause = nullptr);
    int completedRounds() const;
    // Empty when everything the run did is on disk; else what is not, in words ("rounds 2-3 not
    // saved (the last checkpoint written is round 1; ...)", failed metrics or evaluation rows).
    // The CLI exits non-zero and the GUI shows a stopped state when it is not empty.
    std::string unsavedWork() const;
    Generator &policy();
    // The model the run evaluates, saves as policy.pt and best-policy.pt, and a user generates
    // from: the EMA copy of the policy when config.emaDecay > 0, else policy() itself.
    Generator &shippedModel();
    // Sum and sum of absolute values of every policy parameter (float64): compares ranks.
    std::pair<double, double> parameterChecksum();
    // Evaluates now (also used by run()); throws if there are no eval prompts. `asRound` >= 0
    // labels the result with that round instead of the rounds done; above 0 the policy is always
    // sampled (at round 0 its clips are the base clips), e.g. after
    // shippedModel().copyParametersFrom() put a model trained elsewhere in place (the reward
    // suite's cross-evaluation).
    EvalStats evaluate(const std::atomic<bool> *stop = nullptr, int asRound = -1);
    // Whether an evaluation's policy replaces best-policy.pt, whose lower bound is `bestLower`
    // (0.5 before any): a later round, a higher lower bound, and guardrails that held
    // (GuardrailCheck), so that a win by reward hacking never becomes the best model.
    static bool becomesBestPolicy(const EvalStats &e, double bestLower);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace dragon

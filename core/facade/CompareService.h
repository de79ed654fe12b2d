#pragma once

#include "preview/CompareResult.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dragon {

// A fine-tuned model a run can be compared with: a round checkpoint (the exact weights the run
// evaluated), best-policy.pt (the evaluation with the best lower bound) or policy.pt (the
// newest round; it and best-policy.pt are stored in half precision).
struct CompareModel
{
    std::string path;
    std::string label; // e.g. "round 20 (newest)", "best so far: round 15, lower bound 0.62"
    int round = -1;    // -1: unknown
    enum class Kind
    {
        Newest,
        Best,
        Round
    } kind = Kind::Round;
    // A generator file of its own (best-policy.pt, policy.pt), which the Generate tab and
    // `dragon generate --checkpoint` load; a round checkpoint holds the run's training state
    // and is read only against the run's base model.
    bool loadsAlone = false;
};

struct CompareRequest
{
    std::string runFolder;
    std::string model; // one of models(runFolder), or any pocket checkpoint of the same base
    // Empty: the run's evaluation plan (its eval prompts and seeds, RoundPlan::forEvaluation);
    // else these prompts, each with seeds seed, seed + 1, ... (seedsPerPrompt of them).
    std::vector<std::string> prompts;
    std::uint64_t seed = 1;
    int seedsPerPrompt = 1; // 0 with the evaluation plan: the run's evalSeedsPerPrompt
    int maxPrompts = 0;     // evaluation plan: at most this many prompts (0: all)
    int steps = 0;          // 0: the run's evaluation steps
    std::string device = "auto";
    int threads = 0;      // CPU cores (ComputeThreads::use; 0: its default)
    std::string cacheDir; // the embedding cache ("": the run's project's, as training uses)
};

// Torch-free entry point of the base-vs-tuned compare for the UI and the CLI: loads the run's
// base generator (config.json) and the chosen fine-tuned weights, generates the same prompts
// with the same seeds with both (the base clips are cached in RUN/compare/base-cache, keyed by
// prompt, seed, steps and guidance), scores both with the run's reward on one scale (the
// run's frozen scales when a round checkpoint carries them), counts the wins per pair and per
// prompt as the run's evaluation does, and saves RUN/compare/STAMP (CompareStore). Call run()
// on a worker thread; the generators stay loaded between calls on the same run.
class CompareService
{
public:
    using Progress = std::function<void(const std::string &stage, int done, int total)>;
    CompareService();
    ~CompareService();

    // The run's fine-tuned models: round checkpoints newest first (the first is Kind::Newest),
    // then best-policy.pt and policy.pt.
    static std::vector<CompareModel> models(const std::string &runFolder);

    // Returns false (and leaves no folder) when `cancel` became true. Throws std::runtime_error
    // naming the file (config, checkpoint) or the term that stops the comparison.
    bool run(const CompareRequest &request, const Progress &progress,
             const std::atomic<bool> *cancel, CompareResult &result, std::string &folder);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace dragon

#pragma once

#include "dragon/DemoBuilder.h"
#include "project/Project.h"
#include "rewards/RewardDefinition.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dragon {

// The preference loss: Diffusion-DPO on pairs or Diffusion-KTO on labels ("dpo", "kto").
enum class PreferenceLoss
{
    Dpo,
    Kto
};
const char *preferenceLossName(PreferenceLoss loss);
bool parsePreferenceLoss(const std::string &name, PreferenceLoss &loss);
// LabelBaseline (DemoBuilder) as configs write it: "prompt", "median", "running".
const char *labelBaselineName(LabelBaseline baseline);
bool parseLabelBaseline(const std::string &name, LabelBaseline &baseline);

// Everything one DRAGON run needs; written to <run>/config.json and read back on --resume.
struct DragonConfig
{
    std::string generator;       // base generator spec (createGenerator): "" or "pocket" (the
                                 // bundled pocket model) or a pocket checkpoint; config key
                                 // "generator" ("checkpoint" in older configs)
    std::string device = "auto"; // auto | cpu | cuda | cuda:N (DeviceSpec)
    std::string guardrailEncoder = "pocket-clap"; // Vendi and CLAP guardrails (createEncoder
                                                  // spec; "" turns them off)
    Project project;         // exemplar sets, train/eval prompts, reward definition
    std::string projectPath; // where the project came from (for relative paths; may be empty)

    int rounds = 40;
    int promptsPerRound = 8;
    int seedsPerPrompt = 2; // K generations per prompt with different noise
    int demoSteps = 10;     // sampler steps for on-policy demonstrations (< evalSteps)
    int evalSteps = 20;
    float guidance = 3.0f;

    PreferenceLoss loss = PreferenceLoss::Dpo;
    double beta = 5000.0; // Diffusion-DPO's default
    double ktoLambdaDesirable = 1.0, ktoLambdaUndesirable = 1.0;
    LabelBaseline labelBaseline = LabelBaseline::Prompt; // what KTO labels are against
    double tieFraction = 0.05;
    double learningRate = 1e-5;
    int warmupRounds = 2;
    double weightDecay = 0.0;
    double gradClip = 1.0;
    int gradientPasses = 4;       // per round, each with fresh t and noise
    bool accumulatePasses = true; // one optimizer step per round from the passes' mean gradient
    bool guidedLoss = true;       // losses on the guided prediction the sampler uses (CFG)
    // Above 0: an exponential moving average of the policy (ema = d * ema + (1 - d) * policy
    // after every optimizer step) is what the run evaluates and ships (policy.pt,
    // best-policy.pt, Compare); 0: no EMA copy, the policy itself.
    double emaDecay = 0.0;
    // Pretraining anchor: the plain diffusion loss on fresh clips of the generator's own
    // pretraining distribution (when it has one), weighted and added to every pass. It pulls
    // back what the preference loss wears away without a reason (text adherence, diversity).
    // Measured (CLAP reward, KTO, lr 5e-5, 10 rounds): without it the eval CLAP score fell
    // 0.226 -> 0.085 and Vendi 7.61 -> 5.19; with weight 30 they stayed (0.236, 7.99).
    double anchorWeight = 30.0;
    int anchorBatch = 8;
    bool trainTextEncoder = false; // false: only the denoiser is fine-tuned (the text encoder,
                                   // shared with the unconditional branch of CFG, stays put)

    int evalEvery = 5;          // rounds; 0: never
    int evalPrompts = 0;        // 0: all of project.evalPrompts
    int evalSeedsPerPrompt = 4; // generations per eval prompt; a prompt's outcome uses their mean
                                // (one seed per prompt leaves most of the win rate to seed luck)
    int bootstrapDraws = 200;   // set rewards
    int checkpointEvery = 1;
    int keepCheckpoints = 3;
    int auditionEvery = 1; // D+/D- clips written every N rounds (0: never)
    std::uint64_t seed = 1;
    int threads = 0; // CPU cores (ComputeThreads::use; 0: its default)

    // Multi-process training (c10d, Gloo): prompts are sharded over ranks, embeddings and
    // latents all-gathered, gradients summed. Rank 0 writes the run folder. Not in config.json
    // (set per process on the command line).
    int worldSize = 1;
    int rank = 0;
    std::string master = "127.0.0.1:29500";

    // The project's saved training settings (the Train tab's form), where set.
    void applyTrainingSettings(const TrainingSettings &settings);
    // The settings a run leaves unset: those suggested for the project's reward kind, then,
    // with `withSavedSettings`, the project's saved training settings over them.
    void applyRewardDefaults(bool withSavedSettings);
    // The preference settings in one line: "DPO, 4 prompts x 8 seeds, beta 5000, lr 2e-05,
    // anchor 30", then emaLabel(emaDecay).
    std::string settingsSummary() const;
    // ", EMA 0.9" for a run that evaluates and saves an EMA copy of its weights; "" without one.
    static std::string emaLabel(double emaDecay);
    // A run of `project`: the engine's defaults, overridden by the settings suggested for the
    // project's reward (SuggestedSettings: the frozen per-kind defaults), overridden by the
    // project's saved training settings. The CLI's `train --project` starts from it; the Train
    // tab's form shows the same values.
    static DragonConfig forProject(const Project &project, const std::string &projectPath);
    std::string toJson() const;
    // Fields it leaves unset: as forProject (defaults < suggestion for the reward < the "project"
    // file's training settings). Throws JsonFormatError (a std::runtime_error) naming the bad
    // field, ProjectError for the project file it names; never a library exception.
    static DragonConfig fromJson(const std::string &json, const std::string &baseDir = {});
    // Reads a config file; errors name the file ("RUN/config.json: bad training config: ...").
    static DragonConfig fromFile(const std::string &path, const std::string &baseDir = {});
    // Problems that make the run impossible (empty list: OK).
    std::vector<std::string> validate() const;
};

} // namespace dragon

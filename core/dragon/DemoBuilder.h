#pragma once

#include "rewards/Reward.h"

#include <string>
#include <vector>

namespace dragon {

// D+ / D- as the losses need them (DESIGN section 3; the paper's exact rules are not public).
struct DemoPair
{
    int winner = 0, loser = 0;
};
struct DemoLabel
{
    int index = 0;
    int label = 0; // +1: D+, -1: D-
};
struct Demonstrations
{
    std::vector<DemoPair> pairs;   // paired mode (Diffusion-DPO)
    std::vector<DemoLabel> labels; // unpaired mode (Diffusion-KTO)
    int skippedTies = 0;
    bool constantReward = false; // nothing to learn from: no update this round
    double baseline = 0;         // unpaired: the value samples were labelled against
    std::string warning;
    bool empty() const { return pairs.empty() && labels.empty(); }
    int positives() const;
};

enum class DemoMode
{
    Paired,
    Unpaired
};

// What an unpaired (KTO) sample is labelled against.
enum class LabelBaseline
{
    Prompt,  // the mean of its own prompt's samples (needs K >= 2): only what the seed changed
             // counts
    Batch,   // the batch median (instance rewards) or the batch's top/bottom half (set rewards)
    Running, // an EMA of batch medians (instance rewards)
};

struct DemoBuilderConfig
{
    DemoMode mode = DemoMode::Paired;
    // Paired: a best/worst pair closer than this fraction of the batch's utility spread (std)
    // is a near-tie and skipped.
    double tieFraction = 0.05;
    // Unpaired: what a sample's utility is compared with. Per prompt by default: across a batch
    // most of an instance reward's spread is between prompts (one prompt is easier than
    // another), and labelling that teaches the model to move away from whole prompts' outputs,
    // which no seed can fix; within a prompt, only what the generation itself did differs.
    LabelBaseline baseline = LabelBaseline::Prompt;
    double baselineDecay = 0.9;
};

// Builds D+ / D- from per-sample utilities (Reward::utilities: higher is better; for set rewards
// these are leave-one-out contributions) and each sample's prompt index:
// - paired: per prompt with >= 2 samples, best vs worst (near-ties skipped);
// - unpaired, per prompt: +1 above its prompt's mean, -1 below (near-ties and prompts with one
//   sample skipped);
// - unpaired, batch: instance rewards +1 above the batch median (or running baseline), -1 below;
//   set rewards top half of contributions +1, bottom half -1.
// A batch whose utilities are all equal gives no demonstrations and a warning.
class DemoBuilder
{
public:
    explicit DemoBuilder(const DemoBuilderConfig &config = {}) : m_config(config) {}
    Demonstrations build(const std::vector<double> &utilities, const std::vector<int> &promptOf,
                         RewardKind kind);
    // Running-baseline state (saved in checkpoints).
    double baseline() const { return m_baseline; }
    bool hasBaseline() const { return m_hasBaseline; }
    void setBaseline(double value, bool has)
    {
        m_baseline = value;
        m_hasBaseline = has;
    }

private:
    DemoBuilderConfig m_config;
    double m_baseline = 0;
    bool m_hasBaseline = false;
};

} // namespace dragon

#pragma once

#include "encoders/Embedding.h"

#include <string>
#include <vector>

namespace dragon {

// The three kinds of DRAGON rewards (DESIGN section 3).
enum class RewardKind
{
    Instance,                  // a sample alone (CLAP score, loudness target)
    InstanceToDistribution,    // a sample against an exemplar set (similarity, per-song FAD)
    DistributionToDistribution // the whole batch against a set, or the batch alone (FAD, KID,
                               // Vendi)
};
enum class RewardDirection
{
    HigherIsBetter,
    LowerIsBetter
};
const char *rewardKindName(RewardKind kind);

// What a reward sees of a batch of generations: the reward encoder's embeddings, the prompts,
// and loudness when a term needs it (NaN for silence).
struct RewardBatch
{
    std::vector<Embedding> embeddings;
    std::vector<std::string> prompts;
    std::vector<double> loudnessLufs;
    std::size_t size() const
    {
        return embeddings.empty() ? loudnessLufs.size() : embeddings.size();
    }
    // Appends `other`'s samples after these (one batch scored on one scale).
    void append(const RewardBatch &other)
    {
        embeddings.insert(embeddings.end(), other.embeddings.begin(), other.embeddings.end());
        prompts.insert(prompts.end(), other.prompts.begin(), other.prompts.end());
        loudnessLufs.insert(loudnessLufs.end(), other.loudnessLufs.begin(),
                            other.loudnessLufs.end());
    }
};

// One reward. Raw values keep their natural units and direction (FAD: lower is better);
// utilities() turns any kind into per-sample goodness, higher = better, for the DemoBuilder.
class Reward
{
public:
    virtual ~Reward() = default;
    virtual std::string name() const = 0;
    virtual RewardKind kind() const = 0;
    virtual RewardDirection direction() const = 0;
    virtual bool needsLoudness() const { return false; }

    // Instance kinds: one raw value per sample. Set kind: throws std::logic_error.
    virtual std::vector<double> scoreEach(const RewardBatch &batch) const;
    // Set kind: the raw value of the batch as a set. Instance kinds: the mean of scoreEach.
    virtual double scoreSet(const RewardBatch &batch) const;
    // Instance kinds: raw values signed by direction. Set kind: leave-one-out contributions
    // R(S) - R(S \ i), signed by direction (positive: the set is better with sample i).
    virtual std::vector<double> utilities(const RewardBatch &batch) const;

    double sign() const { return direction() == RewardDirection::HigherIsBetter ? 1.0 : -1.0; }
};

} // namespace dragon

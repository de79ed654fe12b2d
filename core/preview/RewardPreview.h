#pragma once

#include "audio/AudioBuffer.h"
#include "preview/PreviewResult.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dragon {

struct Project;

// One generated clip handed to the preview: its audio, where it was saved, prompt and seed.
struct PreviewClip
{
    AudioBuffer audio;
    std::string path;
    std::string prompt;
    std::uint64_t seed = 0;
};

// Scores a batch of generations with the project's reward, the way a training run would on
// its first batch, and sets them beside the exemplars the reward names:
//  - per term, each clip's value in the term's own units (set terms: leave-one-out
//    contributions), the term's scale over the batch and the combined value (multi-term
//    rewards standardise each term by those scales, as WeightedReward::freezeScales does);
//  - each exemplar's own value where one exists: instance-to-distribution terms score an item
//    of their set against the set without it (leave-one-out), other sets' items against the
//    whole set; loudness reads the file; CLAP scores (no prompt) and set terms have none;
//  - the AUC of the toward sets' exemplars against the generations: under the combined reward
//    when every such exemplar has a value, else under the embeddings (each point's cosine to
//    the exemplars' centroid minus its cosine to the generations' centroid, leaving itself out
//    of both);
//  - a 2-D principal-component map of every clip embedding.
// Throws std::runtime_error / std::invalid_argument when the reward cannot work (the message
// names the term or the set).
class RewardPreview
{
public:
    static constexpr std::size_t kMaxExemplarsPerSet = 128; // more are sampled evenly

    static PreviewResult score(const Project &project, const std::string &cacheDir,
                               const std::vector<PreviewClip> &clips);
};

} // namespace dragon

#pragma once

#include "rewards/LevelResponse.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace dragon {

// What a reward preview found, as plain data (no torch, no Eigen): the UI draws it, the
// PreviewStore writes and reads it. Values that do not exist are NaN.
struct PreviewTerm
{
    std::string type;    // reward type key ("per-song-fad", ...)
    std::string label;   // "Per-song FAD"
    std::string kind;    // "instance", "instance-to-distribution", "distribution-to-distribution"
    std::string setName; // the exemplar set it uses, by name ("" for none)
    std::string unit;    // what its per-clip values are ("FAD, lower is better", ...)
    bool away = false;
    double weight = 1.0;
    // The batch's statistics of the term's utility (raw value signed so higher is better): the
    // scale a multi-term reward divides by, so weights compare terms of different units.
    double scaleMean = 0, scaleSd = 0;
    double batchValue = std::numeric_limits<double>::quiet_NaN(); // set terms: R(batch)
};

struct PreviewPoint
{
    bool generated = true;     // false: an exemplar
    std::string setName;       // exemplars: their set's name
    std::string label;         // generations: "seed N"; exemplars: the file name or the text
    std::string path;          // audio file ("" for a text exemplar)
    std::string prompt;        // generations
    std::uint64_t seed = 0;    // generations
    std::vector<double> terms; // per term, in the term's units (set terms: leave-one-out
                               // contribution, higher is better)
    // Higher is better: the combined utility of a multi-term reward, or a single term's value
    // signed by its direction (minus a per-song FAD). D+/D- and the AUC rank by it.
    double reward = std::numeric_limits<double>::quiet_NaN();
    bool mapped = false;
    double mapX = 0, mapY = 0;
};

struct PreviewResult
{
    std::string createdAt; // local time, YYYYmmdd-HHMMSS (also the folder name)
    std::string generator; // spec
    std::string encoder;   // display name ("" when the reward needs none)
    std::vector<PreviewTerm> terms;
    std::vector<PreviewPoint> points; // generations first, then exemplars
    // Separability of the positive exemplars (sets of terms moved toward) from the generations.
    double auc = std::numeric_limits<double>::quiet_NaN();
    std::string aucBasis; // "reward" or "embeddings" ("" when there is nothing to separate)
    std::string reading;  // one sentence for the user
    double mapExplained[2] = {0, 0};
    // The level check (RewardLevelCheck): each generated clip turned down and up, its reward's
    // change against the spread between the clips; one sentence reading it ("" when none).
    std::vector<LevelResponse> level;
    std::string levelReading;
    double seconds = 0;             // generation + scoring
    std::vector<std::string> notes; // exemplars skipped and why, caps applied

    std::size_t generatedCount() const
    {
        std::size_t n = 0;
        for (const auto &p : points)
            n += p.generated ? 1 : 0;
        return n;
    }
    bool combined() const { return terms.size() > 1 || (terms.size() == 1 && terms[0].away); }
};

} // namespace dragon

#pragma once

#include "model/Generator.h"

#include <functional>
#include <string>
#include <vector>

namespace dragon {

struct PocketEvaluationConfig
{
    int trainClipsPerStyle = 80; // corpus clips that train the classifiers
    int heldOutCaptions = 200;   // held-out captions generated and classified
    int steps = 20;
    float guidance = 3.0f;
    int batch = 16;
    int diversitySeeds = 8;
    std::string spectrogramDir; // if set: PGM spectrograms of 8 generations + corpus clips
};

struct PocketEvaluationReport
{
    // Text adherence: classifier accuracy on generations for held-out captions, and the same
    // classifiers on held-out corpus audio (the ceiling).
    double styleAccuracy = 0, tempoAccuracy = 0, modeAccuracy = 0;
    double styleCeiling = 0, tempoCeiling = 0, modeCeiling = 0;
    // Fidelity: mean per-song FAD (log-mel frames) against held-out corpus statistics.
    double perSongFadGenerated = 0, perSongFadCorpus = 0;
    // Diversity: mean pairwise distance of standardised clip features among seeds of one prompt.
    double diversityGenerated = 0, diversityCorpus = 0;
    int generatedClips = 0;
    double generationSeconds = 0;
    std::string toJson() const;
};

// Runs the pocket model's quality bars (issue: text adherence, fidelity, diversity).
class PocketEvaluator
{
public:
    using Log = std::function<void(const std::string &)>;
    static PocketEvaluationReport run(Generator &generator, const PocketEvaluationConfig &config,
                                      const Log &log = {});
};

} // namespace dragon

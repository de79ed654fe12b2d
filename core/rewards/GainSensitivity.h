#pragma once

#include "audio/AudioBuffer.h"
#include "encoders/Embedding.h"
#include "rewards/LevelResponse.h"

#include <vector>

namespace dragon {

class Encoder;

// One gain of a GainSensitivity measurement.
struct GainSensitivityRow
{
    double gainDb = 0;
    // Cosine between each clip's embedding at this gain and the same clip's at 0 dB.
    double meanCosine = 0, minCosine = 0;
    // Clips whose nearest clip at 0 dB (by cosine, over all clips) is the clip itself.
    int nearestIsItself = 0;
    // Per-song FAD against the reference at this gain against at 0 dB (all NaN when there is no
    // reference).
    LevelResponse fad;
};

struct GainSensitivityResult
{
    int clips = 0;
    // Cosine between the embeddings of different clips at 0 dB over all pairs (NaN for one clip):
    // how far apart content moves them, the scale for the rows' cosines.
    double betweenClipsMeanCosine = 0, betweenClipsMaxCosine = 0;
    bool hasReference = false;
    // Per-song FAD at 0 dB over the clips (NaN without a reference): the scale for the FAD
    // changes. The spread is the standard deviation (n - 1; 0 for one clip).
    double fadMean = 0, fadSpread = 0;
    std::vector<GainSensitivityRow> rows; // one per gain, in the order asked
};

// How much a gain change alone moves what an encoder makes of clips, against how far apart the
// clips themselves are: whether rewards built on the encoder (exemplar similarity, per-song FAD)
// prefer content or loudness. Every clip is scaled by each gain (float samples, no clipping) and
// embedded again; its clip embedding is compared with its own at 0 dB and, given a reference
// set, its per-song FAD against that set with its FAD at 0 dB.
class GainSensitivity
{
public:
    // Throws std::invalid_argument for no clips, an empty clip or a non-finite gain; encoder
    // failures propagate as EncoderError. `reference` may be empty (no FAD figures).
    static GainSensitivityResult measure(Encoder &encoder, const std::vector<AudioBuffer> &clips,
                                         const std::vector<double> &gainsDb,
                                         const std::vector<Embedding> &reference);
};

} // namespace dragon

#pragma once

#include "audio/AudioBuffer.h"

#include <torch/torch.h>
#include <vector>

namespace dragon {

// Interpretable clip-level music features (24 kHz mono in, resampled otherwise), used by the
// pocket model's evaluation (style / tempo / mode classifiers) and, later, the music-features
// encoder. Layout of clip():
//   [0, 64)    log-mel band means          [64, 128)  log-mel band standard deviations
//   [128, 140) chroma (sums to 1)          [140, 143) key fit: best major r, best minor r,
//   major-minor [143, 173) onset autocorrelation at 30 tempi from 50 to 200 bpm (log-spaced), / lag
//   0 [173, 176) spectral centroid mean, centroid std (kHz), mean onset strength
class MusicFeatures
{
public:
    static constexpr int kSize = 176;
    static constexpr int kSampleRate = 24000;
    static std::vector<float> clip(const AudioBuffer &audio);
    // Log-mel frames [frames, 64] (the "mel-stats" frame embedding used for per-song FAD).
    static torch::Tensor logMelFrames(const AudioBuffer &audio);
};

} // namespace dragon

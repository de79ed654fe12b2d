#pragma once

#include "audio/AudioBuffer.h"

#include <vector>

namespace dragon {

// Torch-free view of a log-mel spectrogram for the UI: row-major [mels][frames].
struct SpectrogramImage
{
    int mels = 0;
    int frames = 0;
    std::vector<float> values;
};

// Mixes to mono, resamples to `sampleRate` and computes the log-mel spectrogram (MelSpectrogram).
SpectrogramImage computeLogMelImage(const AudioBuffer &audio, int sampleRate = 24000, int mels = 64,
                                    int hopLength = 256);

} // namespace dragon

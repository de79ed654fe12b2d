#pragma once

#include "audio/AudioFileInfo.h"

#include <string>
#include <vector>

namespace dragon {

// A min/max summary of a file's mono mixdown in a fixed number of bins: what a waveform
// thumbnail draws. Streams the file, so a long file costs time, not memory.
struct WaveformPeaks
{
    AudioFileInfo info;
    std::vector<float> minima;
    std::vector<float> maxima;

    // With `applyDurationLimit`, files longer than limits.maxSeconds are refused (TooLong)
    // before anything is decoded.
    static WaveformPeaks fromFile(const std::string &path, int bins, const AudioLimits &limits = {},
                                  bool applyDurationLimit = false);
};

} // namespace dragon

#pragma once

#include "audio/AudioBuffer.h"

namespace dragon {

// EBU R128 / ITU-R BS.1770 measurements through libebur128.
struct LoudnessStats
{
    double integratedLufs = 0.0; // -infinity for digital silence (gated out entirely)
    double loudnessRangeLu = 0.0;
    double truePeakDbtp = 0.0; // -infinity for silence
    double samplePeak = 0.0;   // linear, max over channels
};

class Loudness
{
public:
    static LoudnessStats measure(const AudioBuffer &buffer);
    // Gain (linear) that brings the integrated loudness to `targetLufs`; 1 for silence.
    static double gainToTarget(const AudioBuffer &buffer, double targetLufs);
};

} // namespace dragon

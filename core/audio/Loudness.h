#pragma once

#include "audio/AudioBuffer.h"

namespace dragon {

// EBU R128 / ITU-R BS.1770 measurements through libebur128. A build configured without
// libebur128 compiles LoudnessMissing.cpp instead: available() is false and measure() throws
// FeatureUnavailable saying so (never a crash).
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
    static bool available();
    static LoudnessStats measure(const AudioBuffer &buffer);
    // Integrated loudness alone (LUFS; -infinity for silence), the same value as measure()'s
    // without the loudness range and the 4x oversampled true peak: what rewards, evaluations
    // and comparisons read, at a fraction of the cost.
    static double integratedLufs(const AudioBuffer &buffer);
};

} // namespace dragon

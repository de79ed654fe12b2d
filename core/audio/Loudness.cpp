#include "audio/Loudness.h"

#include <algorithm>
#include <cmath>
#include <ebur128.h>
#include <limits>
#include <memory>
#include <stdexcept>

namespace dragon {

bool Loudness::available()
{
    return true;
}

namespace {

struct StateDeleter
{
    void operator()(ebur128_state *s) const { ebur128_destroy(&s); }
};
using State = std::unique_ptr<ebur128_state, StateDeleter>;

// A meter in `mode` that has read all of `buffer` (not empty).
State meterOf(const AudioBuffer &buffer, int mode)
{
    State state(ebur128_init(static_cast<unsigned>(buffer.channels()),
                             static_cast<unsigned long>(buffer.sampleRate()), mode));
    if (!state)
        throw std::runtime_error("libebur128 could not be initialised for this buffer");
    if (ebur128_add_frames_float(state.get(), buffer.interleaved().data(), buffer.frames()) !=
        EBUR128_SUCCESS)
        throw std::runtime_error("libebur128 rejected the audio");
    return state;
}

} // namespace

double Loudness::integratedLufs(const AudioBuffer &buffer)
{
    if (buffer.empty())
        return -std::numeric_limits<double>::infinity();
    double lufs = 0.0;
    ebur128_loudness_global(meterOf(buffer, EBUR128_MODE_I).get(), &lufs);
    return lufs;
}

LoudnessStats Loudness::measure(const AudioBuffer &buffer)
{
    LoudnessStats stats;
    if (buffer.empty()) {
        stats.integratedLufs = -std::numeric_limits<double>::infinity();
        stats.truePeakDbtp = -std::numeric_limits<double>::infinity();
        return stats;
    }
    const State state = meterOf(buffer, EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK |
                                            EBUR128_MODE_SAMPLE_PEAK);
    ebur128_loudness_global(state.get(), &stats.integratedLufs);
    if (ebur128_loudness_range(state.get(), &stats.loudnessRangeLu) != EBUR128_SUCCESS)
        stats.loudnessRangeLu = 0.0;
    double truePeak = 0.0, samplePeak = 0.0;
    for (int c = 0; c < buffer.channels(); ++c) {
        double tp = 0.0, sp = 0.0;
        ebur128_true_peak(state.get(), static_cast<unsigned>(c), &tp);
        ebur128_sample_peak(state.get(), static_cast<unsigned>(c), &sp);
        truePeak = std::max(truePeak, tp);
        samplePeak = std::max(samplePeak, sp);
    }
    stats.truePeakDbtp =
        truePeak > 0.0 ? 20.0 * std::log10(truePeak) : -std::numeric_limits<double>::infinity();
    stats.samplePeak = samplePeak;
    return stats;
}

} // namespace dragon

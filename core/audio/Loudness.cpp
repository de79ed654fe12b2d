#include "audio/Loudness.h"

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

LoudnessStats Loudness::measure(const AudioBuffer &buffer)
{
    LoudnessStats stats;
    if (buffer.empty()) {
        stats.integratedLufs = -std::numeric_limits<double>::infinity();
        stats.truePeakDbtp = -std::numeric_limits<double>::infinity();
        return stats;
    }
    auto deleter = [](ebur128_state *s) { ebur128_destroy(&s); };
    std::unique_ptr<ebur128_state, decltype(deleter)> state(
        ebur128_init(static_cast<unsigned>(buffer.channels()),
                     static_cast<unsigned long>(buffer.sampleRate()),
                     EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK |
                         EBUR128_MODE_SAMPLE_PEAK),
        deleter);
    if (!state)
        throw std::runtime_error("libebur128 could not be initialised for this buffer");
    if (ebur128_add_frames_float(state.get(), buffer.interleaved().data(), buffer.frames()) !=
        EBUR128_SUCCESS)
        throw std::runtime_error("libebur128 rejected the audio");
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

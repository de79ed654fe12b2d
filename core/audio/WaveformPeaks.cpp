#include "audio/WaveformPeaks.h"

#include "audio/AudioFileReader.h"

#include <algorithm>
#include <memory>

namespace dragon {
namespace {

struct PeakAccumulator
{
    PeakAccumulator(std::int64_t totalFrames, int bins)
        : total(std::max<std::int64_t>(totalFrames, 1)), minima(bins, 0.0f), maxima(bins, 0.0f)
    {
    }
    void add(const float *mono, std::size_t count)
    {
        const auto bins = static_cast<std::int64_t>(minima.size());
        for (std::size_t i = 0; i < count; ++i, ++position) {
            const auto bin = std::min<std::int64_t>(position * bins / total, bins - 1);
            minima[bin] = std::min(minima[bin], mono[i]);
            maxima[bin] = std::max(maxima[bin], mono[i]);
        }
    }
    std::int64_t total;
    std::int64_t position = 0;
    std::vector<float> minima, maxima;
};

} // namespace

WaveformPeaks WaveformPeaks::fromFile(const std::string &path, int bins, const AudioLimits &limits,
                                      bool applyDurationLimit)
{
    WaveformPeaks peaks;
    std::unique_ptr<PeakAccumulator> acc;
    peaks.info = AudioFileReader::stream(
        path, true, limits,
        [&](const float *mono, std::size_t count, int) {
            acc->add(mono, count);
            return true;
        },
        [&](const AudioFileInfo &header) {
            if (applyDurationLimit)
                AudioFileReader::checkDuration(header, limits);
            acc = std::make_unique<PeakAccumulator>(header.frames, std::max(bins, 1));
        });
    peaks.minima = std::move(acc->minima);
    peaks.maxima = std::move(acc->maxima);
    return peaks;
}

} // namespace dragon

#pragma once

#include "audio/AudioBuffer.h"

#include <cstddef>
#include <vector>

struct soxr;

namespace dragon {

// Streaming sample-rate conversion with libsoxr (the engine behind sox's `rate` effect), at its
// high-quality setting. Feed blocks with process(), then flush() once at the end.
class Resampler
{
public:
    Resampler(double inputRate, double outputRate, int channels);
    ~Resampler();
    Resampler(const Resampler &) = delete;
    Resampler &operator=(const Resampler &) = delete;

    // Appends the converted interleaved frames for `frames` input frames to `out`.
    void process(const float *interleaved, std::size_t frames, std::vector<float> &out);
    // Drains what the filter still holds; call once after the last block.
    void flush(std::vector<float> &out);

    // One-shot conversion of a whole buffer; returns the buffer itself when the rates match.
    static AudioBuffer resample(const AudioBuffer &in, int outputRate);

private:
    void run(const float *in, std::size_t frames, std::vector<float> &out);

    soxr *m_soxr = nullptr;
    double m_ratio;
    int m_channels;
};

} // namespace dragon

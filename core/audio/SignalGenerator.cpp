#include "audio/SignalGenerator.h"

#include <cmath>

namespace dragon {
namespace {
constexpr double kTwoPi = 6.283185307179586;
}

AudioBuffer SignalGenerator::sine(double frequencyHz, double amplitude, double seconds,
                                  int sampleRate, int channels)
{
    const auto frames = static_cast<std::size_t>(std::llround(seconds * sampleRate));
    AudioBuffer buffer(channels, sampleRate, frames);
    for (std::size_t f = 0; f < frames; ++f) {
        const float v =
            static_cast<float>(amplitude * std::sin(kTwoPi * frequencyHz * f / sampleRate));
        for (int c = 0; c < channels; ++c)
            buffer.sample(f, c) = v;
    }
    return buffer;
}

AudioBuffer SignalGenerator::sineAndClicks(double frequencyHz, double amplitude,
                                           double clickPeriodSeconds, double seconds,
                                           int sampleRate, int channels)
{
    const auto frames = static_cast<std::size_t>(std::llround(seconds * sampleRate));
    const auto period = static_cast<std::size_t>(std::llround(clickPeriodSeconds * sampleRate));
    AudioBuffer buffer(channels, sampleRate, frames);
    for (std::size_t f = 0; f < frames; ++f) {
        buffer.sample(f, 0) =
            static_cast<float>(amplitude * std::sin(kTwoPi * frequencyHz * f / sampleRate));
        if (channels > 1)
            buffer.sample(f, 1) = (period > 0 && f % period == 0) ? 1.0f : 0.0f;
        for (int c = 2; c < channels; ++c)
            buffer.sample(f, c) = static_cast<float>(
                amplitude * std::sin(kTwoPi * frequencyHz * (c + 1) * f / sampleRate));
    }
    return buffer;
}

AudioBuffer SignalGenerator::chord(const double *frequencies, int count, double seconds,
                                   int sampleRate)
{
    const auto frames = static_cast<std::size_t>(std::llround(seconds * sampleRate));
    AudioBuffer buffer(1, sampleRate, frames);
    const double gain = 0.5 / std::max(count, 1);
    for (std::size_t f = 0; f < frames; ++f) {
        const double t = double(f) / sampleRate;
        const double envelope = std::min(1.0, t / 0.05) * std::exp(-1.5 * t / seconds);
        double v = 0.0;
        for (int i = 0; i < count; ++i)
            v += std::sin(kTwoPi * frequencies[i] * t) +
                 0.3 * std::sin(kTwoPi * 2 * frequencies[i] * t);
        buffer.sample(f, 0) = static_cast<float>(gain * envelope * v / 1.3);
    }
    return buffer;
}

std::string SignalGenerator::fixtureName(int sampleRate, int channels, int bits)
{
    return std::to_string(sampleRate) + "-" + std::to_string(channels) + "-" + std::to_string(bits);
}

} // namespace dragon

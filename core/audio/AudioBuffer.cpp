#include "audio/AudioBuffer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dragon {

AudioBuffer::AudioBuffer(int channels, int sampleRate, std::size_t frames)
    : m_samples(frames * static_cast<std::size_t>(std::max(channels, 0)), 0.0f),
      m_channels(channels), m_sampleRate(sampleRate)
{
    if (channels <= 0 || sampleRate <= 0)
        throw std::invalid_argument("AudioBuffer needs at least one channel and a positive rate");
}

AudioBuffer::AudioBuffer(std::vector<float> interleaved, int channels, int sampleRate)
    : m_samples(std::move(interleaved)), m_channels(channels), m_sampleRate(sampleRate)
{
    if (channels <= 0 || sampleRate <= 0)
        throw std::invalid_argument("AudioBuffer needs at least one channel and a positive rate");
    if (m_samples.size() % static_cast<std::size_t>(channels) != 0)
        throw std::invalid_argument("AudioBuffer: sample count is not a multiple of channels");
}

double AudioBuffer::durationSeconds() const
{
    return m_sampleRate > 0 ? static_cast<double>(frames()) / m_sampleRate : 0.0;
}

AudioBuffer AudioBuffer::mixdownToMono() const
{
    if (m_channels == 1)
        return *this;
    AudioBuffer mono(1, m_sampleRate, frames());
    const float scale = 1.0f / static_cast<float>(m_channels);
    const std::size_t n = frames();
    const float *in = m_samples.data();
    float *out = mono.m_samples.data();
    for (std::size_t f = 0; f < n; ++f) {
        float sum = 0.0f;
        for (int c = 0; c < m_channels; ++c)
            sum += in[f * m_channels + c];
        out[f] = sum * scale;
    }
    return mono;
}

AudioBuffer AudioBuffer::cropOrPad(std::size_t start, std::size_t length) const
{
    AudioBuffer out(m_channels, m_sampleRate, length);
    const std::size_t available = start < frames() ? std::min(length, frames() - start) : 0;
    std::copy_n(m_samples.begin() + static_cast<std::ptrdiff_t>(start * m_channels),
                available * m_channels, out.m_samples.begin());
    return out;
}

float AudioBuffer::peak() const
{
    float p = 0.0f;
    for (float s : m_samples)
        p = std::max(p, std::fabs(s));
    return p;
}

void AudioBuffer::applyGain(float gain)
{
    for (float &s : m_samples)
        s *= gain;
}

} // namespace dragon

#pragma once

#include <cstddef>
#include <vector>

namespace dragon {

// Interleaved float audio at a known sample rate. Plain data, torch-free, so the UI can hold it.
class AudioBuffer
{
public:
    AudioBuffer() = default;
    AudioBuffer(int channels, int sampleRate, std::size_t frames = 0);
    AudioBuffer(std::vector<float> interleaved, int channels, int sampleRate);

    int channels() const { return m_channels; }
    int sampleRate() const { return m_sampleRate; }
    std::size_t frames() const { return m_channels > 0 ? m_samples.size() / m_channels : 0; }
    double durationSeconds() const;
    bool empty() const { return m_samples.empty(); }

    float sample(std::size_t frame, int channel) const
    {
        return m_samples[frame * m_channels + channel];
    }
    float &sample(std::size_t frame, int channel)
    {
        return m_samples[frame * m_channels + channel];
    }
    const std::vector<float> &interleaved() const { return m_samples; }
    std::vector<float> &interleaved() { return m_samples; }

    // Average of all channels (equal weights, so a mono file mixed down is unchanged).
    AudioBuffer mixdownToMono() const;
    // Frames [start, start + length); past the end is padded with silence.
    AudioBuffer cropOrPad(std::size_t start, std::size_t length) const;
    // Largest absolute sample value.
    float peak() const;
    void applyGain(float gain);

private:
    std::vector<float> m_samples;
    int m_channels = 0;
    int m_sampleRate = 0;
};

} // namespace dragon

#pragma once

#include <torch/torch.h>

namespace dragon {

struct MelConfig
{
    int sampleRate = 24000;
    int nFft = 1024;
    int hopLength = 256;
    int nMels = 64;
    double fMin = 0.0;
    double fMax = 0.0; // 0 means sampleRate / 2
    double logFloor = 1e-6;
};

// Log-mel spectrogram on torch's STFT: Hann window, centred frames with reflect padding, power
// spectrum, HTK-scale triangular filters (peak 1, no area normalisation), natural log with a
// floor. The same formulas in numpy are in tests/fixtures/mel_reference.py.
class MelSpectrogram
{
public:
    explicit MelSpectrogram(const MelConfig &config);

    // audio [T] or [B, T] float -> log-mel [nMels, frames] or [B, nMels, frames].
    torch::Tensor operator()(const torch::Tensor &audio) const;
    // Number of STFT frames for `samples` input samples.
    int64_t framesFor(int64_t samples) const { return samples / m_config.hopLength + 1; }

    const torch::Tensor &filterbank() const { return m_filterbank; } // [nMels, nFft/2+1]
    const MelConfig &config() const { return m_config; }

    static double hzToMel(double hz);
    static double melToHz(double mel);

private:
    MelConfig m_config;
    torch::Tensor m_window;
    torch::Tensor m_filterbank;
};

} // namespace dragon

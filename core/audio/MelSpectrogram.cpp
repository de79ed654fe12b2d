#include "audio/MelSpectrogram.h"

#include <cmath>
#include <stdexcept>

namespace dragon {

double MelSpectrogram::hzToMel(double hz)
{
    return 2595.0 * std::log10(1.0 + hz / 700.0);
}

double MelSpectrogram::melToHz(double mel)
{
    return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
}

MelSpectrogram::MelSpectrogram(const MelConfig &config) : m_config(config)
{
    if (config.sampleRate <= 0 || config.nFft < 16 || config.hopLength <= 0 || config.nMels <= 0)
        throw std::invalid_argument("MelSpectrogram: invalid configuration");
    if (m_config.fMax <= 0.0)
        m_config.fMax = config.sampleRate / 2.0;
    m_window = torch::hann_window(config.nFft, torch::TensorOptions().dtype(torch::kFloat32));

    // No library here builds mel filterbanks for C++ (torchaudio is Python), so it is written out.
    const int bins = config.nFft / 2 + 1;
    const double melLow = hzToMel(m_config.fMin);
    const double melHigh = hzToMel(m_config.fMax);
    std::vector<double> edges(config.nMels + 2);
    for (int i = 0; i < config.nMels + 2; ++i)
        edges[i] = melToHz(melLow + (melHigh - melLow) * i / (config.nMels + 1));
    m_filterbank = torch::zeros({config.nMels, bins});
    auto fb = m_filterbank.accessor<float, 2>();
    for (int m = 0; m < config.nMels; ++m) {
        const double lo = edges[m], mid = edges[m + 1], hi = edges[m + 2];
        for (int k = 0; k < bins; ++k) {
            const double f = double(k) * config.sampleRate / config.nFft;
            const double up = (f - lo) / (mid - lo);
            const double down = (hi - f) / (hi - mid);
            fb[m][k] = static_cast<float>(std::max(0.0, std::min(up, down)));
        }
    }
}

torch::Tensor MelSpectrogram::operator()(const torch::Tensor &audio) const
{
    const bool batched = audio.dim() == 2;
    torch::Tensor x = batched ? audio : audio.unsqueeze(0);
    x = x.to(torch::kFloat32);
    const auto window = m_window.to(x.device());
    const auto fb = m_filterbank.to(x.device());
    const auto spec = torch::stft(x, m_config.nFft, m_config.hopLength, m_config.nFft, window,
                                  /*center=*/true, /*pad_mode=*/"reflect", /*normalized=*/false,
                                  /*onesided=*/true, /*return_complex=*/true);
    const auto power = torch::view_as_real(spec).pow(2).sum(-1); // [B, bins, frames]
    auto mel = torch::matmul(fb, power);                         // [B, nMels, frames]
    mel = torch::log(mel + m_config.logFloor);
    return batched ? mel : mel.squeeze(0);
}

} // namespace dragon

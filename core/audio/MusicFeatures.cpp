#include "audio/MusicFeatures.h"

#include "audio/MelSpectrogram.h"
#include "audio/Resampler.h"

#include <array>
#include <cmath>

namespace dragon {
namespace {

constexpr int kFft = 1024, kHop = 256, kMels = 64;

torch::Tensor monoTensor(const AudioBuffer &audio)
{
    AudioBuffer mono = Resampler::resample(audio.mixdownToMono(), MusicFeatures::kSampleRate);
    if (static_cast<int>(mono.frames()) <= kFft)
        mono = mono.cropOrPad(0, kFft + 1);
    return torch::from_blob(mono.interleaved().data(), {static_cast<int64_t>(mono.frames())},
                            torch::kFloat32)
        .clone();
}

MelConfig melConfig()
{
    MelConfig c;
    c.sampleRate = MusicFeatures::kSampleRate;
    c.nFft = kFft;
    c.hopLength = kHop;
    c.nMels = kMels;
    return c;
}

// Krumhansl-Kessler key profiles.
const std::array<double, 12> kMajorProfile = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09,
                                              2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
const std::array<double, 12> kMinorProfile = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53,
                                              2.54, 4.75, 3.98, 2.69, 3.34, 3.17};

double correlation(const std::array<double, 12> &a, const std::array<double, 12> &b)
{
    double ma = 0, mb = 0;
    for (int i = 0; i < 12; ++i) {
        ma += a[i] / 12;
        mb += b[i] / 12;
    }
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < 12; ++i) {
        ab += (a[i] - ma) * (b[i] - mb);
        aa += (a[i] - ma) * (a[i] - ma);
        bb += (b[i] - mb) * (b[i] - mb);
    }
    return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0;
}

} // namespace

torch::Tensor MusicFeatures::logMelFrames(const AudioBuffer &audio)
{
    torch::NoGradGuard noGrad;
    return MelSpectrogram(melConfig())(monoTensor(audio)).transpose(0, 1).contiguous();
}

std::vector<float> MusicFeatures::clip(const AudioBuffer &audio)
{
    torch::NoGradGuard noGrad;
    const auto x = monoTensor(audio);
    const auto mel = MelSpectrogram(melConfig())(x); // [64, F]
    std::vector<float> out;
    out.reserve(kSize);
    const auto means = mel.mean(1), stds = mel.std(1);
    for (int i = 0; i < kMels; ++i)
        out.push_back(means[i].item<float>());
    for (int i = 0; i < kMels; ++i)
        out.push_back(stds[i].item<float>());

    // Chroma from the power spectrum between 60 Hz and 2 kHz.
    const auto window = torch::hann_window(kFft);
    const auto spec = torch::stft(x, kFft, kHop, kFft, window, true, "reflect", false, true, true);
    const auto power = torch::view_as_real(spec).pow(2).sum(-1); // [bins, F]
    const auto binPower = power.sum(1);
    std::array<double, 12> chroma{};
    for (int k = 1; k < kFft / 2 + 1; ++k) {
        const double hz = double(k) * kSampleRate / kFft;
        if (hz < 60 || hz > 2000)
            continue;
        const int pc =
            ((static_cast<int>(std::lround(12 * std::log2(hz / 440.0))) + 69) % 12 + 12) % 12;
        chroma[pc] += std::sqrt(binPower[k].item<double>());
    }
    double total = 0;
    for (double c : chroma)
        total += c;
    for (double &c : chroma)
        c = total > 0 ? c / total : 1.0 / 12;
    for (double c : chroma)
        out.push_back(static_cast<float>(c));
    double bestMajor = -1, bestMinor = -1;
    for (int r = 0; r < 12; ++r) {
        std::array<double, 12> rotated{};
        for (int i = 0; i < 12; ++i)
            rotated[i] = chroma[(i + r) % 12];
        bestMajor = std::max(bestMajor, correlation(rotated, kMajorProfile));
        bestMinor = std::max(bestMinor, correlation(rotated, kMinorProfile));
    }
    out.push_back(static_cast<float>(bestMajor));
    out.push_back(static_cast<float>(bestMinor));
    out.push_back(static_cast<float>(bestMajor - bestMinor));

    // Onset strength: positive log-mel flux; its autocorrelation at tempo lags.
    const auto flux =
        torch::relu(mel.narrow(1, 1, mel.size(1) - 1) - mel.narrow(1, 0, mel.size(1) - 1)).sum(0);
    const auto centred = flux - flux.mean();
    const double zero = centred.pow(2).sum().item<double>() + 1e-9;
    const double framesPerSecond = double(kSampleRate) / kHop;
    for (int i = 0; i < 30; ++i) {
        const double bpm = 50.0 * std::pow(4.0, i / 29.0);
        const auto lag = static_cast<int64_t>(std::lround(60.0 / bpm * framesPerSecond));
        double ac = 0;
        if (lag < centred.size(0))
            ac = (centred.narrow(0, 0, centred.size(0) - lag) *
                  centred.narrow(0, lag, centred.size(0) - lag))
                     .sum()
                     .item<double>() /
                 zero;
        out.push_back(static_cast<float>(ac));
    }
    const auto freqs =
        torch::arange(kFft / 2 + 1, torch::kFloat32) * (float(kSampleRate) / kFft / 1000.0f);
    const auto centroid = (power * freqs.unsqueeze(1)).sum(0) / (power.sum(0) + 1e-9);
    out.push_back(centroid.mean().item<float>());
    out.push_back(centroid.std().item<float>());
    out.push_back(flux.mean().item<float>());
    return out;
}

} // namespace dragon

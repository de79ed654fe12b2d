#include "encoders/MusicFeaturesEncoder.h"

#include "audio/MelSpectrogram.h"
#include "encoders/EmbeddingTensors.h"

#include <cmath>

namespace dragon {
namespace {

constexpr int kRate = 24000, kFft = 1024, kHop = 256, kMels = 64, kMfcc = 20, kChroma = 12;
constexpr int kContrastBands = 6;
constexpr int kBlockFrames = 47; // 0.5 s of hops
const double kBandEdges[kContrastBands + 1] = {0, 200, 400, 800, 1600, 3200, 12000};

struct Tables
{
    MelSpectrogram mel{[] {
        MelConfig c;
        c.sampleRate = kRate;
        c.nFft = kFft;
        c.hopLength = kHop;
        c.nMels = kMels;
        return c;
    }()};
    torch::Tensor window = torch::hann_window(kFft, torch::TensorOptions().dtype(torch::kFloat32));
    torch::Tensor frequencies =
        torch::arange(kFft / 2 + 1, torch::kFloat32) * (float(kRate) / kFft);
    torch::Tensor dct, chroma;

    Tables()
    {
        dct = torch::zeros({kMfcc, kMels});
        for (int k = 0; k < kMfcc; ++k)
            for (int n = 0; n < kMels; ++n)
                dct[k][n] = std::sqrt((k == 0 ? 1.0 : 2.0) / kMels) *
                            std::cos(M_PI * k * (n + 0.5) / kMels);
        chroma = torch::zeros({kChroma, kFft / 2 + 1});
        for (int b = 1; b <= kFft / 2; ++b) {
            const double hz = double(b) * kRate / kFft;
            if (hz < 55.0 || hz > 5000.0)
                continue;
            const long midi = std::lround(69.0 + 12.0 * std::log2(hz / 440.0));
            chroma[int((midi % 12 + 12) % 12)][b] = 1.0f;
        }
    }
};

const Tables &tables()
{
    static const Tables t; // built once; read-only afterwards (thread-safe static init)
    return t;
}

} // namespace

MusicFeaturesEncoder::MusicFeaturesEncoder()
{
    tables();
}

std::vector<std::string> MusicFeaturesEncoder::dimensionNames() const
{
    std::vector<std::string> names;
    for (int i = 0; i < kMfcc; ++i)
        names.push_back("mfcc" + std::to_string(i));
    static const char *pitch[] = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
    for (const char *p : pitch)
        names.push_back(std::string("chroma_") + p);
    names.push_back("centroid_khz");
    names.push_back("flatness");
    for (int b = 0; b < kContrastBands; ++b)
        names.push_back("contrast_" + std::to_string(int(kBandEdges[b])) + "_" +
                        std::to_string(int(kBandEdges[b + 1])) + "hz");
    names.push_back("onset_strength");
    return names;
}

Embedding MusicFeaturesEncoder::embedMono(const std::vector<float> &mono)
{
    torch::NoGradGuard noGrad;
    const Tables &t = tables();
    auto x =
        torch::from_blob(const_cast<float *>(mono.data()), {int64_t(mono.size())}, torch::kFloat32);
    if (x.size(0) <= kFft)
        x = torch::constant_pad_nd(x, {0, kFft + 1 - x.size(0)});
    const auto spec =
        torch::stft(x, kFft, kHop, kFft, t.window, true, "reflect", false, true, true);
    const auto power = torch::view_as_real(spec).pow(2).sum(-1); // [bins, F]
    const auto logMel =
        torch::log(torch::matmul(t.mel.filterbank(), power).clamp_min(1e-6)); // [64, F]
    const auto total = power.sum(0);                                          // [F]

    std::vector<torch::Tensor> rows;
    rows.push_back(torch::matmul(t.dct, logMel)); // 20
    rows.push_back(torch::matmul(t.chroma, power) /
                   (torch::matmul(t.chroma, power).sum(0) + 1e-12)); // 12
    rows.push_back((torch::matmul(t.frequencies, power) / (total + 1e-12) / 1000.0).unsqueeze(0));
    rows.push_back(
        (torch::exp(torch::log(power + 1e-10).mean(0)) / (power.mean(0) + 1e-10)).unsqueeze(0));
    for (int b = 0; b < kContrastBands; ++b) {
        const auto inBand = (t.frequencies >= kBandEdges[b]) & (t.frequencies < kBandEdges[b + 1]);
        const auto band = std::get<0>(power.index({inBand}).sort(0)); // ascending, [nb, F]
        const int64_t q = std::max<int64_t>(1, std::llround(0.2 * double(band.size(0))));
        const auto valley = torch::log(band.narrow(0, 0, q).mean(0) + 1e-10);
        const auto peak = torch::log(band.narrow(0, band.size(0) - q, q).mean(0) + 1e-10);
        rows.push_back((peak - valley).unsqueeze(0));
    }
    // Onset strength as librosa computes it: positive flux of the dB mel spectrogram, floored
    // 80 dB below its peak (so near-silent bands cannot flicker into onsets).
    auto melDb = 10.0 * torch::log10(torch::matmul(t.mel.filterbank(), power).clamp_min(1e-10));
    melDb = torch::maximum(melDb, melDb.max() - 80.0);
    auto flux =
        torch::relu(melDb.narrow(1, 1, melDb.size(1) - 1) - melDb.narrow(1, 0, melDb.size(1) - 1))
            .mean(0);
    rows.push_back(torch::constant_pad_nd(flux, {1, 0}).unsqueeze(0));
    const auto perHop = torch::cat(rows, 0); // [41, F]

    // Average over 0.5 s blocks; a last partial block of at least a quarter block counts.
    std::vector<torch::Tensor> blocks;
    const int64_t hops = perHop.size(1);
    for (int64_t start = 0; start < hops; start += kBlockFrames) {
        const int64_t length = std::min<int64_t>(kBlockFrames, hops - start);
        if (length < kBlockFrames / 4 && !blocks.empty())
            break;
        blocks.push_back(perHop.narrow(1, start, length).mean(1));
    }
    return embeddingFromFrames(torch::stack(blocks, 0));
}

} // namespace dragon

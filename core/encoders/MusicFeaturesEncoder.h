#pragma once

#include "encoders/Encoder.h"

namespace dragon {

// "music-features": interpretable descriptors, one frame per 0.5 s block (STFT 1024 / hop 256 at
// 24 kHz, averaged over the block): 20 MFCCs (DCT-II of the 64-band log-mel), 12 chroma bins
// (power per pitch class 55 Hz-5 kHz, sums to 1), spectral centroid (kHz), spectral flatness,
// 6 octave-band spectral contrasts (log peak / valley, 20 % quantiles) and onset strength
// (mean positive flux of the dB mel spectrogram floored 80 dB below its peak, as librosa).
// 41 dimensions, named by dimensionNames().
class MusicFeaturesEncoder : public Encoder
{
public:
    MusicFeaturesEncoder();
    std::string id() const override { return "music-features-1"; }
    std::string displayName() const override
    {
        return "music-features (MFCC, chroma, spectral shape, onsets)";
    }
    int sampleRate() const override { return 24000; }
    int dimension() const override { return 41; }
    std::vector<std::string> dimensionNames() const override;

protected:
    Embedding embedMono(const std::vector<float> &mono) override;
};

} // namespace dragon

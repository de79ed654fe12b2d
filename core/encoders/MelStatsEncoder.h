#pragma once

#include "encoders/Encoder.h"

namespace dragon {

// "mel-stats": 64-band log-mel frames at 24 kHz (1024-point FFT, hop 256, HTK mel, natural
// log), the features of the pocket model's fidelity checks. Clip embedding: the frame mean.
class MelStatsEncoder : public Encoder
{
public:
    std::string id() const override { return "mel-stats-1"; }
    std::string displayName() const override { return "mel-stats (log-mel frames)"; }
    int sampleRate() const override { return 24000; }
    int dimension() const override { return 64; }

protected:
    Embedding embedMono(const std::vector<float> &mono) override;
};

} // namespace dragon

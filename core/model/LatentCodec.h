#pragma once

#include "model/Score.h"

#include <vector>

namespace dragon {

// The pocket model's latent: a control representation at kFrameRate frames per second, every
// value in [-1, 1]. The synthesiser decodes it, as a VAE decoder does for a latent diffusion
// model. Channels (index: meaning):
//   0-3   melody: pitch ((midi-66)/30, held between notes), gate (+1 sounding), onset (+1 on the
//         frame a note starts), level (velocity*2-1 while sounding, else -1)
//   4-7   bass: the same, pitch as (midi-36)/24
//   8-12  pad: three voice pitches ((midi-66)/30, sorted low to high), gate, level
//   13-15 drums: kick, snare, hat (0.5 + velocity/2 on the hit frame, else -1: any hit is > 0)
//   16-30 timbre one-hot per part, 5 each (saw, square, sine, fm, pluck): melody, bass, pad
//   31-33 brightness per part (b*2-1): melody, bass, pad (constant over time)
//   34    reverb (r*2-1, constant)
// The layout is [channels][frames], row-major.
class LatentCodec
{
public:
    static constexpr int kFrameRate = 32;
    static constexpr int kChannels = 35;

    explicit LatentCodec(double seconds = 6.0);
    int frames() const { return m_frames; }
    double seconds() const { return m_seconds; }

    std::vector<float> encode(const Score &score) const;
    // Inverse of encode (up to frame quantisation); style/key/bpm are not stored and come back
    // as defaults. Robust to any values (clamped), so decoding a model's output never fails.
    Score decode(const float *latent) const;

private:
    int m_frames;
    double m_seconds;
};

} // namespace dragon

#pragma once

#include "audio/AudioBuffer.h"
#include "model/Score.h"

namespace dragon {

// Renders a Score to mono audio: the pocket model's decoder. Timbres: saw and square (band-
// limited with polyBLEP), sine, two-operator FM, plucked string (Karplus-Strong); ADSR envelopes;
// a one-pole low-pass per part driven by brightness; noise/sine drums; a Schroeder reverb.
// Output never clips: the mix is scaled to a peak of at most 0.89 (-1 dBFS).
// Deterministic: drum noise comes from a fixed-seed generator.
class Synthesizer
{
public:
    explicit Synthesizer(int sampleRate = 24000) : m_sampleRate(sampleRate) {}
    AudioBuffer render(const Score &score) const;
    int sampleRate() const { return m_sampleRate; }

private:
    int m_sampleRate;
};

} // namespace dragon

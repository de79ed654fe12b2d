#pragma once

#include "audio/AudioBuffer.h"

#include <string>

namespace dragon {

// Reference signals with known properties, for fixtures, tests and the demo project. Fixture
// names carry their metadata (`44100-2-16.wav`: rate, channels, bits) and every expected value
// follows from the generator: channel 0 is a sine, channel 1 (if any) a click train.
class SignalGenerator
{
public:
    static AudioBuffer sine(double frequencyHz, double amplitude, double seconds, int sampleRate,
                            int channels = 1);
    // Channel 0 a sine at `frequencyHz`, channel 1 unit clicks every `clickPeriodSeconds`,
    // further channels a sine at (c + 1) * frequencyHz.
    static AudioBuffer sineAndClicks(double frequencyHz, double amplitude,
                                     double clickPeriodSeconds, double seconds, int sampleRate,
                                     int channels);
    // A chord of sines with a soft attack/decay envelope per note: pleasant demo material.
    static AudioBuffer chord(const double *frequencies, int count, double seconds, int sampleRate);
    // Fixture name for a rate/channels/bits triple, e.g. "44100-2-16".
    static std::string fixtureName(int sampleRate, int channels, int bits);
};

} // namespace dragon

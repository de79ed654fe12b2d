#include "util/BuildFeatures.h"

namespace dragon {

bool BuildFeatures::audioOutput()
{
    return DRAGON_HAVE_PORTAUDIO != 0;
}

bool BuildFeatures::loudness()
{
    return DRAGON_HAVE_EBUR128 != 0;
}

bool BuildFeatures::bundledXxhash()
{
    return DRAGON_BUNDLED_XXHASH != 0;
}

std::vector<std::string> BuildFeatures::summary()
{
    return {
        audioOutput() ? "audio output: PortAudio"
                      : "audio output: off (configured without PortAudio)",
        loudness() ? "loudness: libebur128" : "loudness: off (configured without libebur128)",
        bundledXxhash() ? "xxHash: bundled copy (0.8.1)" : "xxHash: system libxxhash",
    };
}

std::string BuildFeatures::missingAudioOutputMessage()
{
    return "Audio output is not in this build: it was configured without PortAudio (install "
           "portaudio19-dev and rebuild)";
}

std::string BuildFeatures::missingLoudnessMessage()
{
    return "Loudness measurement is not in this build: it was configured without libebur128 "
           "(install libebur128-dev and rebuild)";
}

} // namespace dragon

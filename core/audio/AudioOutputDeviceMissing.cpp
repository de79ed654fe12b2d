// The audio output of a build configured without PortAudio (core/CMakeLists.txt picks this
// file): never available, and every use says why.
#include "audio/AudioOutputDevice.h"
#include "util/BuildFeatures.h"

namespace dragon {

AudioOutputDevice::AudioOutputDevice() : m_status(BuildFeatures::missingAudioOutputMessage()) {}

AudioOutputDevice::~AudioOutputDevice() = default;

int AudioOutputDevice::playableRate(int, int rate) const
{
    return rate;
}

bool AudioOutputDevice::open(int, int, RenderCallback, void *, std::string &error)
{
    error = m_status;
    return false;
}

bool AudioOutputDevice::start(std::string &error)
{
    error = m_status;
    return false;
}

void AudioOutputDevice::abort() {}

void AudioOutputDevice::close() {}

} // namespace dragon

#include "audio/AudioOutputDevice.h"

#include <portaudio.h>

namespace dragon {

AudioOutputDevice::AudioOutputDevice()
{
    const PaError init = Pa_Initialize();
    if (init != paNoError) {
        m_status = std::string("Audio output unavailable: PortAudio failed to start (") +
                   Pa_GetErrorText(init) + ")";
        return;
    }
    m_initialised = true;
    const PaDeviceIndex device = Pa_GetDefaultOutputDevice();
    const PaDeviceInfo *info = device == paNoDevice ? nullptr : Pa_GetDeviceInfo(device);
    if (!info || info->maxOutputChannels < 1) {
        m_status = "No audio output device found: playback is disabled";
        return;
    }
    m_deviceIndex = device;
    m_maxChannels = info->maxOutputChannels;
    m_name = info->name ? info->name : "default";
    m_available = true;
    m_status = "Audio output: " + m_name;
}

AudioOutputDevice::~AudioOutputDevice()
{
    close();
    if (m_initialised)
        Pa_Terminate();
}

int AudioOutputDevice::playableRate(int channels, int rate) const
{
    PaStreamParameters params{};
    params.device = m_deviceIndex;
    params.channelCount = channels;
    params.sampleFormat = paFloat32;
    params.suggestedLatency = Pa_GetDeviceInfo(m_deviceIndex)->defaultLowOutputLatency;
    if (Pa_IsFormatSupported(nullptr, &params, rate) == paFormatIsSupported)
        return rate;
    return static_cast<int>(Pa_GetDeviceInfo(m_deviceIndex)->defaultSampleRate);
}

bool AudioOutputDevice::open(int channels, int rate, RenderCallback render, void *context,
                             std::string &error)
{
    close();
    PaStreamParameters params{};
    params.device = m_deviceIndex;
    params.channelCount = channels;
    params.sampleFormat = paFloat32;
    params.suggestedLatency = Pa_GetDeviceInfo(m_deviceIndex)->defaultLowOutputLatency;
    m_render = render;
    m_context = context;
    PaStream *stream = nullptr;
    const PaError result = Pa_OpenStream(
        &stream, nullptr, &params, rate, paFramesPerBufferUnspecified, paClipOff,
        [](const void *, void *output, unsigned long frames, const PaStreamCallbackTimeInfo *,
           PaStreamCallbackFlags, void *self) -> int {
            auto *device = static_cast<AudioOutputDevice *>(self);
            return device->m_render(device->m_context, static_cast<float *>(output), frames)
                       ? paContinue
                       : paComplete;
        },
        this);
    if (result != paNoError) {
        error = std::string("Cannot open the audio output: ") + Pa_GetErrorText(result);
        return false;
    }
    m_stream = stream;
    return true;
}

bool AudioOutputDevice::start(std::string &error)
{
    auto *stream = static_cast<PaStream *>(m_stream);
    if (Pa_IsStreamStopped(stream) != 1)
        Pa_AbortStream(stream);
    const PaError result = Pa_StartStream(stream);
    if (result != paNoError) {
        error = std::string("Cannot start the audio output: ") + Pa_GetErrorText(result);
        return false;
    }
    return true;
}

void AudioOutputDevice::abort()
{
    auto *stream = static_cast<PaStream *>(m_stream);
    if (stream && Pa_IsStreamStopped(stream) != 1)
        Pa_AbortStream(stream);
}

void AudioOutputDevice::close()
{
    if (m_stream) {
        Pa_AbortStream(static_cast<PaStream *>(m_stream));
        Pa_CloseStream(static_cast<PaStream *>(m_stream));
        m_stream = nullptr;
    }
}

} // namespace dragon

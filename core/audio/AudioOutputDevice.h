#pragma once

#include <string>

namespace dragon {

// The default audio output device and one float32 output stream on it: the only code that
// talks to PortAudio (AudioOutputDevice.cpp). A build configured without PortAudio compiles
// AudioOutputDeviceMissing.cpp instead, where available() is false and status() says why.
//
// The render callback runs on the device's realtime thread: it fills `frames` interleaved frames
// and returns false once the clip is played out (the stream then completes).
class AudioOutputDevice
{
public:
    using RenderCallback = bool (*)(void *context, float *out, unsigned long frames);

    AudioOutputDevice();
    ~AudioOutputDevice();
    AudioOutputDevice(const AudioOutputDevice &) = delete;
    AudioOutputDevice &operator=(const AudioOutputDevice &) = delete;

    bool available() const { return m_available; }
    const std::string &status() const { return m_status; }
    const std::string &name() const { return m_name; }
    int maxChannels() const { return m_maxChannels; }

    // `rate` when the device plays `channels` at that rate, else the device's default rate.
    int playableRate(int channels, int rate) const;

    // Closes any open stream and opens one; false with `error` set when the device refuses.
    bool open(int channels, int rate, RenderCallback render, void *context, std::string &error);
    bool isOpen() const { return m_stream != nullptr; }
    bool start(std::string &error);
    void abort(); // stops at once if running; afterwards the callback is quiet
    void close();

private:
    bool m_available = false;
    bool m_initialised = false;
    std::string m_status;
    std::string m_name;
    int m_deviceIndex = -1;
    int m_maxChannels = 0;
    void *m_stream = nullptr; // PaStream*
    RenderCallback m_render = nullptr;
    void *m_context = nullptr;
};

} // namespace dragon

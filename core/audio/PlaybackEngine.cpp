#include "audio/PlaybackEngine.h"

#include "audio/Resampler.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <portaudio.h>

namespace dragon {
namespace {

constexpr std::size_t kRingSamples = 1 << 16;
constexpr std::int64_t kFillChunkFrames = 4096;

std::int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

PlaybackEngine::PlaybackEngine() : m_ring(kRingSamples)
{
    const PaError init = Pa_Initialize();
    if (init != paNoError) {
        m_status = std::string("Audio output unavailable: PortAudio failed to start (") +
                   Pa_GetErrorText(init) + ")";
        return;
    }
    m_paInitialised = true;
    const PaDeviceIndex device = Pa_GetDefaultOutputDevice();
    const PaDeviceInfo *info = device == paNoDevice ? nullptr : Pa_GetDeviceInfo(device);
    if (!info || info->maxOutputChannels < 1) {
        m_status = "No audio output device found: playback is disabled";
        return;
    }
    m_deviceIndex = device;
    m_deviceMaxChannels = info->maxOutputChannels;
    m_deviceName = info->name ? info->name : "default";
    m_available = true;
    m_status = "Audio output: " + m_deviceName;
    m_fillThread = std::thread([this] { fillLoop(); });
}

PlaybackEngine::~PlaybackEngine()
{
    stop();
    {
        std::lock_guard<std::mutex> lock(m_fillMutex);
        m_quit = true;
    }
    m_fillWake.notify_all();
    if (m_fillThread.joinable())
        m_fillThread.join();
    closeStream();
    if (m_paInitialised)
        Pa_Terminate();
}

void PlaybackEngine::closeStream()
{
    if (m_stream) {
        Pa_AbortStream(static_cast<PaStream *>(m_stream));
        Pa_CloseStream(static_cast<PaStream *>(m_stream));
        m_stream = nullptr;
    }
}

std::int64_t PlaybackEngine::clipFrames() const
{
    return m_clip ? static_cast<std::int64_t>(m_clip->frames()) : 0;
}

bool PlaybackEngine::load(std::shared_ptr<const AudioBuffer> clip)
{
    stop();
    m_lastError.clear();
    if (!m_available) {
        m_lastError = m_status;
        return false;
    }
    if (!clip || clip->empty()) {
        m_lastError = "Nothing to play: the clip is empty";
        return false;
    }
    std::shared_ptr<const AudioBuffer> prepared = clip;
    if (clip->channels() > std::min(m_deviceMaxChannels, 2))
        prepared = std::make_shared<AudioBuffer>(clip->mixdownToMono());

    PaStreamParameters params{};
    params.device = m_deviceIndex;
    params.channelCount = prepared->channels();
    params.sampleFormat = paFloat32;
    params.suggestedLatency = Pa_GetDeviceInfo(m_deviceIndex)->defaultLowOutputLatency;
    if (Pa_IsFormatSupported(nullptr, &params, prepared->sampleRate()) != paFormatIsSupported) {
        const int deviceRate = static_cast<int>(Pa_GetDeviceInfo(m_deviceIndex)->defaultSampleRate);
        prepared = std::make_shared<AudioBuffer>(Resampler::resample(*prepared, deviceRate));
    }
    if (!m_stream || m_streamChannels != prepared->channels() ||
        m_streamRate != prepared->sampleRate()) {
        closeStream();
        PaStream *stream = nullptr;
        const PaError error = Pa_OpenStream(
            &stream, nullptr, &params, prepared->sampleRate(), paFramesPerBufferUnspecified,
            paClipOff,
            [](const void *, void *output, unsigned long frames, const PaStreamCallbackTimeInfo *,
               PaStreamCallbackFlags, void *self) {
                return static_cast<PlaybackEngine *>(self)->render(static_cast<float *>(output),
                                                                   frames);
            },
            this);
        if (error != paNoError) {
            m_lastError = std::string("Cannot open the audio output: ") + Pa_GetErrorText(error);
            return false;
        }
        m_stream = stream;
        m_streamChannels = prepared->channels();
        m_streamRate = prepared->sampleRate();
    }
    {
        std::lock_guard<std::mutex> lock(m_fillMutex);
        m_clip = std::move(prepared);
        m_fillFrame = 0;
    }
    m_startFrame = 0;
    m_consumedFrames = 0;
    return true;
}

bool PlaybackEngine::play()
{
    const std::int64_t called = nowNs();
    if (!m_available || !m_clip || !m_stream) {
        m_lastError = !m_available ? m_status : "Nothing to play: no clip is loaded";
        return false;
    }
    if (isPlaying())
        return true;
    auto *stream = static_cast<PaStream *>(m_stream);
    if (Pa_IsStreamStopped(stream) != 1)
        Pa_AbortStream(stream);
    std::int64_t start = m_startFrame.load();
    if (start >= clipFrames())
        start = 0;
    {
        std::lock_guard<std::mutex> lock(m_fillMutex);
        m_fillActive = false;
        m_ring.reset(); // the callback is not running and the fill thread is idle
        m_startFrame = start;
        m_consumedFrames = 0;
        m_finished = false;
        m_fillDone = false;
        m_fillFrame = start;
        m_firstSampleNs = 0;
        m_playCalledNs = called;
        fillOnce(); // prefill so the first callback already has audio
        m_fillActive = true;
    }
    m_fillWake.notify_all();
    const PaError error = Pa_StartStream(stream);
    if (error != paNoError) {
        std::lock_guard<std::mutex> lock(m_fillMutex);
        m_fillActive = false;
        m_lastError = std::string("Cannot start the audio output: ") + Pa_GetErrorText(error);
        return false;
    }
    m_playing = true;
    return true;
}

void PlaybackEngine::stop()
{
    if (!m_stream)
        return;
    auto *stream = static_cast<PaStream *>(m_stream);
    if (Pa_IsStreamStopped(stream) != 1)
        Pa_AbortStream(stream);
    // Only now is the callback quiet, so the position is final.
    const double position = positionSeconds();
    {
        std::lock_guard<std::mutex> lock(m_fillMutex);
        m_fillActive = false;
    }
    if (m_playing.exchange(false)) {
        m_startFrame = static_cast<std::int64_t>(position * m_streamRate + 0.5);
        m_consumedFrames = 0;
    }
}

void PlaybackEngine::seek(double seconds)
{
    const bool wasPlaying = isPlaying();
    stop();
    const std::int64_t frame = static_cast<std::int64_t>(std::max(0.0, seconds) * m_streamRate);
    m_startFrame = std::min(frame, clipFrames());
    m_consumedFrames = 0;
    if (wasPlaying)
        play();
}

void PlaybackEngine::setLooping(bool looping)
{
    if (looping == m_looping.load())
        return;
    // Position arithmetic depends on the mode, so restart from the current position.
    const bool wasPlaying = isPlaying();
    stop();
    m_looping = looping;
    if (wasPlaying)
        play();
}

bool PlaybackEngine::isPlaying() const
{
    return m_playing.load() && !m_finished.load();
}

double PlaybackEngine::positionSeconds() const
{
    const std::int64_t length = clipFrames();
    if (length == 0 || m_streamRate == 0)
        return 0.0;
    std::int64_t frame = m_startFrame.load() + m_consumedFrames.load();
    frame = m_looping.load() ? frame % length : std::min(frame, length);
    return double(frame) / m_streamRate;
}

double PlaybackEngine::durationSeconds() const
{
    return m_streamRate > 0 ? double(clipFrames()) / m_streamRate : 0.0;
}

double PlaybackEngine::lastStartLatencyMs() const
{
    const std::int64_t first = m_firstSampleNs.load();
    if (first == 0)
        return -1.0;
    return (first - m_playCalledNs.load()) / 1e6;
}

bool PlaybackEngine::fillOnce()
{
    if (!m_clip || m_fillDone.load())
        return false;
    const int channels = m_clip->channels();
    const std::int64_t length = clipFrames();
    const float *samples = m_clip->interleaved().data();
    std::int64_t room = static_cast<std::int64_t>(m_ring.writeAvailable()) / channels;
    bool wrote = false;
    while (room > 0) {
        if (m_fillFrame >= length) {
            if (!m_looping.load()) {
                m_fillDone = true;
                break;
            }
            m_fillFrame = 0;
        }
        const std::int64_t n = std::min({room, length - m_fillFrame, kFillChunkFrames});
        m_ring.write(samples + m_fillFrame * channels, static_cast<std::size_t>(n * channels));
        m_fillFrame += n;
        room -= n;
        wrote = true;
    }
    return wrote;
}

void PlaybackEngine::fillLoop()
{
    std::unique_lock<std::mutex> lock(m_fillMutex);
    while (!m_quit) {
        if (m_fillActive)
            fillOnce();
        m_fillWake.wait_for(lock, std::chrono::milliseconds(4));
    }
}

int PlaybackEngine::render(float *out, unsigned long frames)
{
    // Realtime thread: atomics and memcpy only.
    const std::size_t wanted = frames * static_cast<std::size_t>(m_streamChannels);
    const std::size_t got = m_ring.read(out, wanted);
    if (got > 0 && m_firstSampleNs.load(std::memory_order_relaxed) == 0)
        m_firstSampleNs.store(nowNs(), std::memory_order_relaxed);
    m_consumedFrames.fetch_add(static_cast<std::int64_t>(got / m_streamChannels));
    if (got < wanted) {
        std::memset(out + got, 0, (wanted - got) * sizeof(float));
        if (m_fillDone.load() && m_ring.readAvailable() == 0) {
            m_finished = true;
            return paComplete;
        }
        m_underruns.fetch_add(1);
    }
    return paContinue;
}

} // namespace dragon

#include "audio/PlaybackEngine.h"

#include "audio/Resampler.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

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
    m_status = m_device.status();
    if (!m_device.available())
        return;
    m_deviceName = m_device.name();
    m_available = true;
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
    m_device.close();
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
    if (clip->channels() > std::min(m_device.maxChannels(), 2))
        prepared = std::make_shared<AudioBuffer>(clip->mixdownToMono());
    const int rate = m_device.playableRate(prepared->channels(), prepared->sampleRate());
    if (rate != prepared->sampleRate())
        prepared = std::make_shared<AudioBuffer>(Resampler::resample(*prepared, rate));
    if (!m_device.isOpen() || m_streamChannels != prepared->channels() ||
        m_streamRate != prepared->sampleRate()) {
        auto render = [](void *self, float *out, unsigned long frames) {
            return static_cast<PlaybackEngine *>(self)->render(out, frames);
        };
        if (!m_device.open(prepared->channels(), prepared->sampleRate(), render, this, m_lastError))
            return false;
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
    if (!m_available || !m_clip || !m_device.isOpen()) {
        m_lastError = !m_available ? m_status : "Nothing to play: no clip is loaded";
        return false;
    }
    if (isPlaying())
        return true;
    m_device.abort();
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
    if (!m_device.start(m_lastError)) {
        std::lock_guard<std::mutex> lock(m_fillMutex);
        m_fillActive = false;
        return false;
    }
    m_playing = true;
    return true;
}

void PlaybackEngine::stop()
{
    if (!m_device.isOpen())
        return;
    m_device.abort();
    // Only now is the callback quiet, so the position is final.
    const double position = positionSeconds();
    {
        std::lock_guard<std::mutex> lock(m_fillMutex);
        m_fillActive = false;
    }
    if (m_playing.exchange(false)) {
        m_startFrame = std::llround(position * m_streamRate);
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

bool PlaybackEngine::render(float *out, unsigned long frames)
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
            return false;
        }
        m_underruns.fetch_add(1);
    }
    return true;
}

} // namespace dragon

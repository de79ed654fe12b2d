#pragma once

#include "audio/AudioBuffer.h"
#include "audio/AudioOutputDevice.h"
#include "audio/SpscRingBuffer.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace dragon {

// Plays one clip at a time through the default output device (AudioOutputDevice: PortAudio).
//
// Threads: a control thread (the GUI) calls load/play/stop/seek; a fill thread copies the clip
// into a lock-free ring buffer; PortAudio's realtime callback only reads that ring and updates
// atomics (no allocation, no lock, no system call). With no output device the engine still
// constructs, available() is false and statusMessage() says why; play() then returns false.
class PlaybackEngine
{
public:
    PlaybackEngine();
    ~PlaybackEngine();
    PlaybackEngine(const PlaybackEngine &) = delete;
    PlaybackEngine &operator=(const PlaybackEngine &) = delete;

    bool available() const { return m_available; }
    const std::string &statusMessage() const { return m_status; }
    const std::string &deviceName() const { return m_deviceName; }

    // Stops playback and makes `clip` current at position 0. Clips with more channels than the
    // device offers are mixed to mono. Returns false (with lastError()) if no stream can be opened.
    bool load(std::shared_ptr<const AudioBuffer> clip);
    bool hasClip() const { return m_clip != nullptr; }
    bool play();
    void stop();
    void seek(double seconds);
    void setLooping(bool looping);
    bool looping() const { return m_looping.load(); }

    // True from play() until stop() or until a non-looping clip has been played out.
    bool isPlaying() const;
    double positionSeconds() const;
    double durationSeconds() const;
    const std::string &lastError() const { return m_lastError; }

    // Milliseconds from the last play() call to the callback that first handed clip samples to
    // the device; negative until that has happened.
    double lastStartLatencyMs() const;
    // std::chrono::steady_clock time (ns since its epoch) of that first sample; 0 until then.
    std::int64_t firstSampleSteadyNs() const { return m_firstSampleNs.load(); }
    // Times the callback found the ring empty before the clip's end (should stay 0).
    std::uint64_t underruns() const { return m_underruns.load(); }

private:
    bool render(float *out, unsigned long frames); // false once the clip is played out
    void fillLoop();
    bool fillOnce(); // copies what fits; returns true if anything was written
    std::int64_t clipFrames() const;

    AudioOutputDevice m_device;
    bool m_available = false;
    std::string m_status;
    std::string m_deviceName;
    std::string m_lastError;

    int m_streamChannels = 0;
    int m_streamRate = 0;

    std::shared_ptr<const AudioBuffer> m_clip;
    SpscRingBuffer<float> m_ring;

    std::mutex m_fillMutex; // fill thread vs control thread; never taken by the callback
    std::condition_variable m_fillWake;
    std::thread m_fillThread;
    bool m_quit = false;
    bool m_fillActive = false;
    std::int64_t m_fillFrame = 0;
    std::atomic<bool> m_fillDone{false};

    std::atomic<bool> m_looping{false};
    std::atomic<bool> m_playing{false};
    std::atomic<bool> m_finished{false};
    std::atomic<std::int64_t> m_startFrame{0};
    std::atomic<std::int64_t> m_consumedFrames{0};
    std::atomic<std::int64_t> m_playCalledNs{0};
    std::atomic<std::int64_t> m_firstSampleNs{0};
    std::atomic<std::uint64_t> m_underruns{0};
};

} // namespace dragon

#pragma once

#include "dragon/DragonConfig.h"
#include "dragon/DragonEvents.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace dragon {

// Torch-free entry point for DRAGON training from the UI: runs a DragonTrainer on its own
// thread (grad mode and torch threads set there), reports through DragonCallbacks from that
// thread, and stops (within about a second: checked between sampler steps and gradient passes)
// or pauses (between phases) on request. The destructor stops and joins.
class TrainingService
{
public:
    struct Outcome
    {
        int rounds = 0; // completed rounds (checkpointed state)
        bool stopped = false;
        std::string error; // empty on success
    };
    using Finished = std::function<void(const Outcome &)>;

    TrainingService();
    ~TrainingService();

    // False if a run is active. Errors (unusable configuration, unreadable model, ...) arrive
    // in `finished` with `error` set.
    bool start(const DragonConfig &config, const std::string &runDir, DragonCallbacks callbacks,
               Finished finished);
    void stop();
    void setPaused(bool paused);
    bool isPaused() const { return m_pause.load(); }
    bool isRunning() const { return m_running.load(); }
    void wait();

private:
    std::thread m_thread;
    std::atomic<bool> m_stop{false}, m_pause{false}, m_running{false};
};

} // namespace dragon

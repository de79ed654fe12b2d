#include "facade/TrainingService.h"

#include "dragon/DragonTrainer.h"

#include <ATen/Parallel.h>

namespace dragon {

TrainingService::TrainingService() = default;

TrainingService::~TrainingService()
{
    stop();
    wait();
}

bool TrainingService::start(const DragonConfig &config, const std::string &runDir,
                            DragonCallbacks callbacks, Finished finished)
{
    if (m_running.load())
        return false;
    wait(); // a finished thread still needs joining
    m_stop = false;
    m_pause = false;
    m_running = true;
    m_thread = std::thread(
        [this, config, runDir, callbacks = std::move(callbacks), finished = std::move(finished)] {
            at::init_num_threads();
            Outcome outcome;
            try {
                DragonTrainer trainer(config, runDir, callbacks);
                outcome.rounds = trainer.run(&m_stop, &m_pause);
                outcome.stopped = m_stop.load() && outcome.rounds < config.rounds;
                outcome.error = trainer.unsavedWork(); // a run that could not save is not a success
            } catch (const std::exception &e) {
                outcome.error = e.what();
            }
            m_running = false;
            if (finished)
                finished(outcome);
        });
    return true;
}

void TrainingService::stop()
{
    m_stop = true;
}

void TrainingService::setPaused(bool paused)
{
    m_pause = paused;
}

void TrainingService::wait()
{
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id())
        m_thread.join();
}

} // namespace dragon

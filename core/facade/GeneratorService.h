#pragma once

#include "audio/AudioBuffer.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dragon {

// Torch-free entry point to text-to-music generation for the UI (and anything else that must
// not see tensors). Create it and call generate() on a worker thread: it sets grad mode and
// thread count there.
struct GenerationRequest
{
    std::string prompt;        // empty: unconditional
    std::uint64_t seed = 0;    // clip i uses seed + i
    int steps = 20;
    float guidance = 3.0f;
    int count = 1;
};

struct GenerationCheck
{
    int steps = 0;             // after clamping
    float guidance = 0.0f;     // after clamping
    int count = 0;             // after clamping (1..64)
    bool promptTruncated = false;
    int maxWords = 0;
    int unknownWords = 0;
    std::vector<std::string> messages; // what was clamped or cut, in words a user understands
};

struct GeneratedClip
{
    AudioBuffer audio;
    std::string prompt;
    std::uint64_t seed = 0;
    int steps = 0;
    float guidance = 0.0f;
};

class GeneratorService
{
public:
    ~GeneratorService();
    // Throws std::runtime_error naming the file and the problem.
    static std::unique_ptr<GeneratorService> loadPocket(const std::string &checkpoint);
    // $DRAGON_POCKET_CHECKPOINT, the installed share/dragon-studio/pocket.pt, or the source tree's.
    static std::string defaultPocketCheckpoint();

    std::string description() const; // e.g. "pocket model · 3.2 M parameters · 24 kHz"
    GenerationCheck check(const GenerationRequest &request) const;
    // Returns no clips if `cancel` became true (checked between sampler steps).
    std::vector<GeneratedClip> generate(const GenerationRequest &request,
                                        const std::function<void(int done, int total)> &progress,
                                        const std::atomic<bool> *cancel);

private:
    struct Impl;
    explicit GeneratorService(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace dragon

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
    std::string prompt; // empty: unconditional
    // Non-empty: clip i uses prompts[i % size] instead of `prompt` (one batch, many prompts).
    std::vector<std::string> prompts;
    std::uint64_t seed = 0; // clip i uses seed + i
    int steps = 20;
    float guidance = 3.0f;
    int count = 1;
};

struct GenerationCheck
{
    int steps = 0;         // after clamping
    float guidance = 0.0f; // after clamping
    int count = 0;         // after clamping (1..64)
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

// The one generation path of the CLI (`dragon generate`) and the Generate tab: any generator
// createGenerator knows (the pocket model, a pocket checkpoint, a TorchScript generator
// plug-in), one clip cap, one file naming and one sidecar format.
class GeneratorService
{
public:
    ~GeneratorService();
    static constexpr int kMaxClips = 64; // per request
    // `spec`: "" or "pocket", a pocket checkpoint or a TorchScript generator (.pt); `device`:
    // auto | cpu | cuda[:N]. Throws std::runtime_error naming the file and the problem.
    static std::unique_ptr<GeneratorService> load(const std::string &spec,
                                                  const std::string &device = "auto");
    // $DRAGON_POCKET_CHECKPOINT, the installed share/dragon-studio/pocket.pt, or the source tree's.
    static std::string defaultPocketCheckpoint();

    std::string description() const; // e.g. "pocket · 3.20 M parameters · 24 kHz"
    GenerationCheck check(const GenerationRequest &request) const;
    // Returns no clips if `cancel` became true (checked between sampler steps).
    std::vector<GeneratedClip> generate(const GenerationRequest &request,
                                        const std::function<void(int done, int total)> &progress,
                                        const std::atomic<bool> *cancel);
    // Writes each clip to `outputDir` as STAMP-seedN.wav (16-bit; STAMP = local time
    // YYYYmmdd-HHMMSS, a -2, -3 ... suffix when the name is taken) with a STAMP-seedN.json
    // sidecar: prompt, seed (text: exact for any 64-bit seed), steps, guidance, model, generator,
    // sampleRate, seconds, promptTruncated, unknownWords. Returns the WAV paths. Throws
    // std::runtime_error naming the file that could not be written.
    std::vector<std::string> save(const std::vector<GeneratedClip> &clips,
                                  const std::string &outputDir, const GenerationCheck &check) const;

private:
    struct Impl;
    explicit GeneratorService(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace dragon

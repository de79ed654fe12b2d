// Run configs (RUN/config.json, read back on --resume): parse; what loads must write back to
// the same text. The same bytes are then a run folder's row files (metrics.jsonl, eval.jsonl,
// an audition clip's sidecar), read as the Train and Compare tabs read a past run: those
// readers skip what they cannot read and must not throw at all.
#include "dragon/DragonConfig.h"
#include "dragon/RunHistory.h"
#include "project/ProjectFile.h"
#include "util/JsonFormatError.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

// One scratch run folder per process (in /dev/shm when it exists).
const std::filesystem::path &scratchRun()
{
    static const std::filesystem::path run = [] {
        const std::filesystem::path p =
            std::filesystem::path(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") /
            ("dragon-fuzz-run-" + std::to_string(getpid()));
        std::filesystem::create_directories(p / "audition");
        std::ofstream(p / "audition" / "round-000001-plus.wav"); // listed by name only
        return p;
    }();
    return run;
}

void readAsRunFolder(const std::string &bytes)
{
    const auto &run = scratchRun();
    for (const char *name : {"metrics.jsonl", "eval.jsonl", "audition/round-000001-plus.json"})
        std::ofstream(run / name, std::ios::binary | std::ios::trunc) << bytes;
    dragon::RunHistory::rounds(run.string());
    dragon::RunHistory::evaluations(run.string());
    dragon::RunHistory::summarise(run.string());
    // The clip is listed by its name whatever its sidecar holds.
    if (dragon::RunHistory::auditions(run.string()).size() != 1)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size)
{
    const std::string bytes(reinterpret_cast<const char *>(data), size);
    try {
        const auto c = dragon::DragonConfig::fromJson(bytes, "/nonexistent-fuzz-folder");
        const std::string text = c.toJson();
        if (dragon::DragonConfig::fromJson(text).toJson() != text)
            std::abort();
        c.validate();
    } catch (const dragon::JsonFormatError &) {
    } catch (const dragon::ProjectError &) { // a "project" field naming a file that is not one
    }
    readAsRunFolder(bytes); // no try: any exception is a finding
    return 0;
}

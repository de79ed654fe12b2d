#pragma once

#include "audio/AudioBuffer.h"
#include "audio/AudioFileInfo.h"

#include <cstddef>
#include <functional>
#include <string>

namespace dragon {

struct AudioReadOptions
{
    int targetSampleRate = 0; // 0 keeps the file's rate
    bool mixdownToMono = true;
    AudioLimits limits;
};

// Reads every format libsndfile supports here (WAV, FLAC, Ogg Vorbis, Opus, MP3, AIFF, ...).
// All failures are AudioError with the file's path and the cause; nothing is decoded before the
// header has passed the limits, and decoding is streamed in blocks so peak memory is the output.
class AudioFileReader
{
public:
    // Header only: fast, used to list files. Throws AudioError for anything unusable.
    static AudioFileInfo probe(const std::string &path, const AudioLimits &limits = {});

    // Whole file, optionally mixed to mono and resampled (libsoxr, high quality). Memory is
    // reserved from the header only up to a cap (headers may lie); running out of memory is an
    // AudioError(TooLarge), not std::bad_alloc. For Ogg and MPEG the header's frame count is an
    // estimate: a file that decodes to fewer frames is read as it is, not called truncated.
    static AudioBuffer read(const std::string &path, const AudioReadOptions &options = {});

    // Streams the file in blocks of interleaved (or mono, if requested) native-rate frames,
    // opening it once. `header` (optional) sees the checked header before anything is decoded
    // and may throw; `block` returns false to stop early. limits.maxSeconds is not applied here
    // (long files can be summarised without being held): call checkDuration from `header`.
    using HeaderCallback = std::function<void(const AudioFileInfo &info)>;
    using BlockCallback = std::function<bool(const float *frames, std::size_t count, int channels)>;
    static AudioFileInfo stream(const std::string &path, bool mono, const AudioLimits &limits,
                                const BlockCallback &block, const HeaderCallback &header = {});

    // Throws AudioError(TooLong) if the file is longer than limits.maxSeconds.
    static void checkDuration(const AudioFileInfo &info, const AudioLimits &limits);

private:
    static AudioBuffer readWhole(const std::string &path, const AudioReadOptions &options);
};

} // namespace dragon

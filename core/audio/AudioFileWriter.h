#pragma once

#include "audio/AudioBuffer.h"

#include <string>

namespace dragon {

enum class AudioContainer
{
    Wav,
    Flac,
    OggVorbis,
    OggOpus,
    Mp3
};
enum class SampleEncoding
{
    Pcm16,
    Pcm24,
    Float32
};

struct AudioWriteFormat
{
    AudioContainer container = AudioContainer::Wav;
    SampleEncoding encoding = SampleEncoding::Pcm16; // ignored by lossy containers
    // Lossy codecs: 0 (best) .. 1 (smallest), libsndfile's SFC_SET_COMPRESSION_LEVEL.
    double compressionLevel = 0.3;
};

// Writes through libsndfile to a temporary file beside the target and renames it into place, so
// a crash never leaves a half-written clip under the final name. Throws AudioError(WriteFailed).
// WAV and FLAC are the formats the app writes; the lossy ones exist for fixtures and exports.
class AudioFileWriter
{
public:
    static void write(const std::string &path, const AudioBuffer &buffer,
                      const AudioWriteFormat &format = {});
    // Picks the container from the extension (.wav .flac .ogg .opus .mp3).
    static AudioWriteFormat formatForPath(const std::string &path);
};

} // namespace dragon

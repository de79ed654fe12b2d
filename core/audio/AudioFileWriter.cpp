#include "audio/AudioFileWriter.h"

#include "audio/AudioError.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sndfile.h>
#include <unistd.h>

namespace dragon {
namespace {

int sndfileFormat(const AudioWriteFormat &format)
{
    int subtype = SF_FORMAT_PCM_16;
    if (format.encoding == SampleEncoding::Pcm24)
        subtype = SF_FORMAT_PCM_24;
    else if (format.encoding == SampleEncoding::Float32)
        subtype = SF_FORMAT_FLOAT;
    switch (format.container) {
    case AudioContainer::Wav:
        return SF_FORMAT_WAV | subtype;
    case AudioContainer::Flac:
        return SF_FORMAT_FLAC | (subtype == SF_FORMAT_FLOAT ? SF_FORMAT_PCM_24 : subtype);
    case AudioContainer::OggVorbis:
        return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    case AudioContainer::OggOpus:
        return SF_FORMAT_OGG | SF_FORMAT_OPUS;
    case AudioContainer::Mp3:
        return SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
    }
    return SF_FORMAT_WAV | subtype;
}

bool isLossy(AudioContainer c)
{
    return c == AudioContainer::OggVorbis || c == AudioContainer::OggOpus ||
           c == AudioContainer::Mp3;
}

} // namespace

AudioWriteFormat AudioFileWriter::formatForPath(const std::string &path)
{
    std::string ext = path.substr(
        path.find_last_of('.') == std::string::npos ? path.size() : path.find_last_of('.') + 1);
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    AudioWriteFormat format;
    if (ext == "flac")
        format.container = AudioContainer::Flac;
    else if (ext == "ogg")
        format.container = AudioContainer::OggVorbis;
    else if (ext == "opus")
        format.container = AudioContainer::OggOpus;
    else if (ext == "mp3")
        format.container = AudioContainer::Mp3;
    return format;
}

void AudioFileWriter::write(const std::string &path, const AudioBuffer &buffer,
                            const AudioWriteFormat &format)
{
    if (buffer.channels() <= 0 || buffer.sampleRate() <= 0)
        throw AudioError(AudioErrorKind::WriteFailed, path, "buffer has no channels or rate");
    SF_INFO info{};
    info.samplerate = buffer.sampleRate();
    info.channels = buffer.channels();
    info.format = sndfileFormat(format);
    if (!sf_format_check(&info))
        throw AudioError(AudioErrorKind::WriteFailed, path,
                         "libsndfile cannot write this format at " +
                             std::to_string(buffer.sampleRate()) + " Hz with " +
                             std::to_string(buffer.channels()) + " channels");
    const std::string temp = path + ".part-" + std::to_string(::getpid());
    SNDFILE *file = sf_open(temp.c_str(), SFM_WRITE, &info);
    if (!file) {
        const std::string reason = sf_strerror(nullptr);
        std::remove(temp.c_str()); // libsndfile may have created it before refusing
        throw AudioError(AudioErrorKind::WriteFailed, path, "cannot write: " + reason);
    }
    if (isLossy(format.container)) {
        double level = std::clamp(format.compressionLevel, 0.0, 1.0);
        sf_command(file, SFC_SET_COMPRESSION_LEVEL, &level, sizeof(level));
    }
    // Clip rather than wrap when integer formats meet samples beyond full scale.
    sf_command(file, SFC_SET_CLIPPING, nullptr, SF_TRUE);
    const sf_count_t frames = static_cast<sf_count_t>(buffer.frames());
    // Blocks, not one call: libsndfile 1.2's Vorbis encoder crashes on very large writes.
    constexpr sf_count_t kBlock = 4096;
    sf_count_t written = 0;
    while (written < frames) {
        const sf_count_t n = std::min(kBlock, frames - written);
        const sf_count_t done =
            sf_writef_float(file, buffer.interleaved().data() + written * buffer.channels(), n);
        written += done;
        if (done != n)
            break;
    }
    const std::string error = written == frames ? std::string() : sf_strerror(file);
    sf_write_sync(file);
    const int closeResult = sf_close(file);
    if (written != frames || closeResult != 0) {
        std::remove(temp.c_str());
        throw AudioError(AudioErrorKind::WriteFailed, path,
                         "writing failed (" +
                             (error.empty() ? std::string("close failed") : error) + ")");
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        std::remove(temp.c_str());
        throw AudioError(AudioErrorKind::WriteFailed, path,
                         "cannot move the finished file into place");
    }
}

} // namespace dragon

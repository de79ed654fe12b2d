#include "audio/AudioFileReader.h"

#include "audio/AudioError.h"
#include "audio/Resampler.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sndfile.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace dragon {
namespace {

constexpr std::size_t kBlockFrames = 1 << 15;
// Up-front reservation is capped: a header may lie (a 17 KB FLAC can claim 1,800 s of 8
// channels at 768 kHz, 44 GB of floats). Beyond this the buffer grows with what is decoded.
constexpr std::size_t kMaxReservedSamples = std::size_t(1) << 22;

// Formats whose header frame count is an estimate (Ogg's last granule position, MPEG's
// frame count): decoding a little less than promised is normal, not truncation.
bool frameCountIsEstimate(int format)
{
    const int major = format & SF_FORMAT_TYPEMASK;
    const int subtype = format & SF_FORMAT_SUBMASK;
    return major == SF_FORMAT_OGG || major == SF_FORMAT_MPEG || subtype == SF_FORMAT_VORBIS ||
           subtype == SF_FORMAT_OPUS || subtype == SF_FORMAT_MPEG_LAYER_III;
}

std::string formatDuration(double seconds)
{
    const long total = std::lround(seconds);
    std::ostringstream s;
    if (total >= 3600)
        s << total / 3600 << " h ";
    s << (total % 3600) / 60 << " min " << total % 60 << " s";
    return s.str();
}

std::string majorFormatName(int format)
{
    SF_FORMAT_INFO info{};
    info.format = format & SF_FORMAT_TYPEMASK;
    if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof(info)) == 0 && info.name)
        return info.extension ? std::string(info.extension) : std::string(info.name);
    return "unknown";
}

std::string subtypeName(int format)
{
    SF_FORMAT_INFO info{};
    info.format = format & SF_FORMAT_SUBMASK;
    if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof(info)) == 0 && info.name)
        return info.name;
    return "unknown";
}

// Owns the file descriptor and the SNDFILE, so every early throw closes both.
class SndFileHandle
{
public:
    SndFileHandle(const std::string &path, SF_INFO &info) : m_path(path)
    {
        struct stat st
        {
        };
        if (::stat(path.c_str(), &st) != 0) {
            if (errno == ENOENT || errno == ENOTDIR)
                throw AudioError(AudioErrorKind::NotFound, path, "file does not exist");
            if (errno == EACCES)
                throw AudioError(AudioErrorKind::PermissionDenied, path,
                                 "permission denied (cannot reach the file)");
            throw AudioError(AudioErrorKind::NotFound, path, std::strerror(errno));
        }
        if (!S_ISREG(st.st_mode))
            throw AudioError(AudioErrorKind::NotAFile, path, "is not a regular file");
        m_bytes = st.st_size;
        m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0) {
            if (errno == EACCES || errno == EPERM)
                throw AudioError(AudioErrorKind::PermissionDenied, path,
                                 "permission denied (cannot open the file for reading)");
            throw AudioError(AudioErrorKind::DecodeFailed, path, std::strerror(errno));
        }
        if (st.st_size == 0) {
            ::close(m_fd);
            throw AudioError(AudioErrorKind::EmptyFile, path, "file is empty (0 bytes)");
        }
        info = SF_INFO{};
        m_file = sf_open_fd(m_fd, SFM_READ, &info, SF_TRUE);
        if (!m_file) {
            // sf_open_fd closes nothing on failure.
            ::close(m_fd);
            const std::string reason = sf_strerror(nullptr);
            if (reason.find("hannel") != std::string::npos)
                throw AudioError(AudioErrorKind::BadChannelCount, path,
                                 "has an unusable channel count (libsndfile: " + reason + ")");
            throw AudioError(AudioErrorKind::UnsupportedFormat, path,
                             "not a readable audio file (libsndfile: " + reason + ")");
        }
    }
    ~SndFileHandle()
    {
        if (m_file)
            sf_close(m_file); // also closes the fd (close_desc = TRUE)
    }
    SndFileHandle(const SndFileHandle &) = delete;
    SndFileHandle &operator=(const SndFileHandle &) = delete;

    SNDFILE *get() const { return m_file; }
    std::int64_t bytes() const { return m_bytes; }
    std::string log() const
    {
        char buffer[4096] = {0};
        sf_command(m_file, SFC_GET_LOG_INFO, buffer, sizeof(buffer));
        return buffer;
    }

private:
    std::string m_path;
    SNDFILE *m_file = nullptr;
    int m_fd = -1;
    std::int64_t m_bytes = 0;
};

void checkHeader(const std::string &path, const SF_INFO &info, const AudioLimits &limits)
{
    if (info.channels <= 0 || info.channels > limits.maxChannels)
        throw AudioError(AudioErrorKind::BadChannelCount, path,
                         "has " + std::to_string(info.channels) + " channels; supported are 1 to " +
                             std::to_string(limits.maxChannels));
    if (info.samplerate < limits.minSampleRate || info.samplerate > limits.maxSampleRate)
        throw AudioError(AudioErrorKind::BadSampleRate, path,
                         "has a sample rate of " + std::to_string(info.samplerate) +
                             " Hz; supported are " + std::to_string(limits.minSampleRate) + " to " +
                             std::to_string(limits.maxSampleRate) + " Hz");
    if (info.frames <= 0)
        throw AudioError(AudioErrorKind::EmptyFile, path, "holds no audio frames");
}

AudioFileInfo makeInfo(const std::string &path, const SF_INFO &sf, std::int64_t bytes)
{
    AudioFileInfo info;
    info.path = path;
    info.formatName = majorFormatName(sf.format);
    info.encodingName = subtypeName(sf.format);
    info.sampleRate = sf.samplerate;
    info.channels = sf.channels;
    info.frames = sf.frames;
    info.fileBytes = bytes;
    return info;
}

// libsndfile trims a truncated WAV/AIFF's frame count silently and only notes it in its log,
// as "data : 40000 (should be 20000)" (or "SSND : ..." for AIFF).
bool logSaysTruncated(const std::string &log)
{
    std::istringstream lines(log);
    std::string line;
    while (std::getline(lines, line)) {
        const auto colon = line.find(" : ");
        if (colon == std::string::npos)
            continue;
        const std::string chunk = line.substr(0, colon);
        if (chunk.find("data") == std::string::npos && chunk.find("SSND") == std::string::npos)
            continue;
        long long declared = 0, actual = 0;
        if (std::sscanf(line.c_str() + colon + 3, "%lld (should be %lld)", &declared, &actual) ==
                2 &&
            actual < declared)
            return true;
    }
    return false;
}

} // namespace

AudioFileInfo AudioFileReader::probe(const std::string &path, const AudioLimits &limits)
{
    SF_INFO sf{};
    SndFileHandle file(path, sf);
    checkHeader(path, sf, limits);
    return makeInfo(path, sf, file.bytes());
}

void AudioFileReader::checkDuration(const AudioFileInfo &info, const AudioLimits &limits)
{
    if (info.durationSeconds() > limits.maxSeconds)
        throw AudioError(AudioErrorKind::TooLong, info.path,
                         "is " + formatDuration(info.durationSeconds()) +
                             " long; the limit for a whole-file read is " +
                             formatDuration(limits.maxSeconds));
}

AudioFileInfo AudioFileReader::stream(const std::string &path, bool mono, const AudioLimits &limits,
                                      const BlockCallback &block, const HeaderCallback &header)
{
    SF_INFO sf{};
    SndFileHandle file(path, sf);
    checkHeader(path, sf, limits);
    if (logSaysTruncated(file.log()))
        throw AudioError(AudioErrorKind::Truncated, path,
                         "file is truncated: its header promises more audio than it holds");
    const AudioFileInfo info = makeInfo(path, sf, file.bytes());
    if (header)
        header(info);
    const int channels = sf.channels;
    std::vector<float> buffer(kBlockFrames * channels);
    std::vector<float> monoBlock(mono && channels > 1 ? kBlockFrames : 0);
    const float scale = 1.0f / channels;
    std::int64_t total = 0;
    std::int64_t nonFinite = 0;
    for (;;) {
        const sf_count_t got = sf_readf_float(file.get(), buffer.data(), kBlockFrames);
        if (got <= 0)
            break;
        const std::size_t n = static_cast<std::size_t>(got) * channels;
        for (std::size_t i = 0; i < n; ++i)
            if (!std::isfinite(buffer[i]))
                ++nonFinite;
        if (nonFinite > 0)
            throw AudioError(AudioErrorKind::NonFiniteSamples, path,
                             "contains NaN or infinite samples (first found near " +
                                 formatDuration(double(total) / sf.samplerate) + ")");
        total += got;
        bool more = true;
        if (!monoBlock.empty()) {
            for (sf_count_t f = 0; f < got; ++f) {
                float sum = 0.0f;
                for (int c = 0; c < channels; ++c)
                    sum += buffer[f * channels + c];
                monoBlock[f] = sum * scale;
            }
            more = block(monoBlock.data(), static_cast<std::size_t>(got), 1);
        } else {
            more = block(buffer.data(), static_cast<std::size_t>(got), mono ? 1 : channels);
        }
        if (!more)
            return info;
    }
    if (sf_error(file.get()) != SF_ERR_NO_ERROR)
        throw AudioError(AudioErrorKind::DecodeFailed, path,
                         std::string("decoding failed: ") + sf_strerror(file.get()));
    if (frameCountIsEstimate(sf.format)) {
        if (total == 0)
            throw AudioError(AudioErrorKind::EmptyFile, path, "holds no decodable audio frames");
        AudioFileInfo decoded = info;
        decoded.frames = total; // what the file really holds
        return decoded;
    }
    if (total < sf.frames)
        throw AudioError(AudioErrorKind::Truncated, path,
                         "file is truncated: its header promises " + std::to_string(sf.frames) +
                             " frames but only " + std::to_string(total) + " could be decoded");
    return info;
}

AudioBuffer AudioFileReader::read(const std::string &path, const AudioReadOptions &options)
{
    try {
        return readWhole(path, options);
    } catch (const std::bad_alloc &) {
        throw AudioError(AudioErrorKind::TooLarge, path,
                         "decoding it needs more memory than is available");
    } catch (const std::length_error &) {
        throw AudioError(AudioErrorKind::TooLarge, path,
                         "decoding it needs more memory than is available");
    }
}

AudioBuffer AudioFileReader::readWhole(const std::string &path, const AudioReadOptions &options)
{
    std::vector<float> out;
    std::unique_ptr<Resampler> resampler;
    int outChannels = 1, outRate = 0;
    stream(
        path, options.mixdownToMono, options.limits,
        [&](const float *frames, std::size_t count, int) {
            if (resampler)
                resampler->process(frames, count, out);
            else
                out.insert(out.end(), frames, frames + count * outChannels);
            return true;
        },
        [&](const AudioFileInfo &header) {
            checkDuration(header, options.limits);
            outChannels = options.mixdownToMono ? 1 : header.channels;
            const bool convert =
                options.targetSampleRate > 0 && options.targetSampleRate != header.sampleRate;
            outRate = convert ? options.targetSampleRate : header.sampleRate;
            const double expected =
                (double(header.frames) * double(outRate) / header.sampleRate + 4096.0) *
                outChannels;
            out.reserve(std::size_t(std::min(expected, double(kMaxReservedSamples))));
            if (convert)
                resampler = std::make_unique<Resampler>(header.sampleRate, outRate, outChannels);
        });
    if (resampler)
        resampler->flush(out);
    return AudioBuffer(std::move(out), outChannels, outRate);
}

} // namespace dragon

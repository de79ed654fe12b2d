#pragma once

#include <stdexcept>
#include <string>

namespace dragon {

// Why an audio file could not be used. Every failure in core/audio is one of these, so callers
// (import dialogs, the CLI, tests) can react to the cause and always have a message naming the
// file.
enum class AudioErrorKind
{
    NotFound,
    PermissionDenied,
    NotAFile,
    EmptyFile,
    UnsupportedFormat, // libsndfile cannot parse it: garbage or an unknown container
    Truncated,         // the header promises more audio than the file holds
    BadChannelCount,
    BadSampleRate,
    TooLong,
    TooLarge, // decoding needs more memory than is available
    NonFiniteSamples,
    DecodeFailed,
    WriteFailed,
    ResampleFailed,
};

const char *audioErrorKindName(AudioErrorKind kind);

class AudioError : public std::runtime_error
{
public:
    AudioError(AudioErrorKind kind, std::string path, const std::string &cause);

    AudioErrorKind kind() const { return m_kind; }
    const std::string &path() const { return m_path; }
    // The cause alone, without the path (the full message is what()).
    const std::string &cause() const { return m_cause; }

private:
    AudioErrorKind m_kind;
    std::string m_path;
    std::string m_cause;
};

} // namespace dragon

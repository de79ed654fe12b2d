#include "audio/AudioError.h"

namespace dragon {

const char *audioErrorKindName(AudioErrorKind kind)
{
    switch (kind) {
    case AudioErrorKind::NotFound:
        return "not found";
    case AudioErrorKind::PermissionDenied:
        return "permission denied";
    case AudioErrorKind::NotAFile:
        return "not a regular file";
    case AudioErrorKind::EmptyFile:
        return "empty file";
    case AudioErrorKind::UnsupportedFormat:
        return "unsupported or damaged format";
    case AudioErrorKind::Truncated:
        return "truncated";
    case AudioErrorKind::BadChannelCount:
        return "bad channel count";
    case AudioErrorKind::BadSampleRate:
        return "bad sample rate";
    case AudioErrorKind::TooLong:
        return "too long";
    case AudioErrorKind::TooLarge:
        return "too large";
    case AudioErrorKind::NonFiniteSamples:
        return "non-finite samples";
    case AudioErrorKind::DecodeFailed:
        return "decode failed";
    case AudioErrorKind::WriteFailed:
        return "write failed";
    case AudioErrorKind::ResampleFailed:
        return "resample failed";
    }
    return "unknown";
}

AudioError::AudioError(AudioErrorKind kind, std::string path, const std::string &cause)
    : std::runtime_error(path + ": " + cause), m_kind(kind), m_path(std::move(path)), m_cause(cause)
{
}

} // namespace dragon

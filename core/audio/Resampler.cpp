#include "audio/Resampler.h"

#include "audio/AudioError.h"

#include <cmath>
#include <soxr.h>
#include <string>

namespace dragon {

Resampler::Resampler(double inputRate, double outputRate, int channels)
    : m_ratio(outputRate / inputRate), m_channels(channels)
{
    soxr_error_t error = nullptr;
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
    m_soxr = soxr_create(inputRate, outputRate, static_cast<unsigned>(channels), &error, &io,
                         &quality, &runtime);
    if (error || !m_soxr)
        throw AudioError(AudioErrorKind::ResampleFailed, "<resampler>",
                         std::string("soxr: ") + (error ? error : "unknown error"));
}

Resampler::~Resampler()
{
    soxr_delete(m_soxr);
}

void Resampler::run(const float *in, std::size_t frames, std::vector<float> &out)
{
    // Output per call is bounded by the ratio plus the filter's delay; loop until soxr is done.
    std::size_t consumed = 0;
    for (;;) {
        const std::size_t room =
            static_cast<std::size_t>(std::ceil((frames - consumed) * m_ratio)) + 1024;
        const std::size_t before = out.size();
        out.resize(before + room * m_channels);
        std::size_t used = 0, produced = 0;
        const soxr_error_t error =
            soxr_process(m_soxr, in ? in + consumed * m_channels : nullptr, frames - consumed,
                         &used, out.data() + before, room, &produced);
        out.resize(before + produced * m_channels);
        if (error)
            throw AudioError(AudioErrorKind::ResampleFailed, "<resampler>",
                             std::string("soxr: ") + error);
        consumed += used;
        if (in ? (consumed >= frames && produced < room) : produced == 0)
            break;
    }
}

void Resampler::process(const float *interleaved, std::size_t frames, std::vector<float> &out)
{
    if (frames > 0)
        run(interleaved, frames, out);
}

void Resampler::flush(std::vector<float> &out)
{
    run(nullptr, 0, out);
}

AudioBuffer Resampler::resample(const AudioBuffer &in, int outputRate)
{
    if (in.sampleRate() == outputRate || in.empty())
        return in.empty() ? AudioBuffer(in.channels(), outputRate) : in;
    Resampler resampler(in.sampleRate(), outputRate, in.channels());
    std::vector<float> out;
    out.reserve(static_cast<std::size_t>(in.interleaved().size() * resampler.m_ratio) + 4096);
    resampler.process(in.interleaved().data(), in.frames(), out);
    resampler.flush(out);
    return AudioBuffer(std::move(out), in.channels(), outputRate);
}

} // namespace dragon

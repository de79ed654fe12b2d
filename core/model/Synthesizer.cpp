#include "model/Synthesizer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace dragon {
namespace {

constexpr double kTwoPi = 6.283185307179586;

double midiToHz(int midi)
{
    return 440.0 * std::pow(2.0, (midi - 69) / 12.0);
}

// PolyBLEP correction for a discontinuity at phase 0 (t, dt in cycles).
double polyBlep(double t, double dt)
{
    if (t < dt) {
        t /= dt;
        return t + t - t * t - 1.0;
    }
    if (t > 1.0 - dt) {
        t = (t - 1.0) / dt;
        return t * t + t + t + 1.0;
    }
    return 0.0;
}

struct Xorshift
{
    std::uint32_t state;
    float next()
    {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        return static_cast<float>(state) / 2147483648.0f - 1.0f;
    }
};

void renderNote(std::vector<float> &out, const NoteEvent &note, Timbre timbre, float brightness,
                int rate, float gain, std::uint32_t seed)
{
    const double hz = midiToHz(note.pitch);
    const double dt = hz / rate;
    const bool plucked = timbre == Timbre::Pluck;
    const double attack = plucked ? 0.002 : (timbre == Timbre::Sine ? 0.02 : 0.01);
    const double release = plucked ? 0.05 : 0.08;
    const double decay = 0.15, sustain = plucked ? 0.0 : 0.7;
    const auto start = static_cast<long>(note.start * rate);
    const auto held = static_cast<long>(note.duration * rate);
    const long total = plucked ? std::max(held, static_cast<long>(0.8 * rate))
                               : held + static_cast<long>(release * rate);
    // One-pole low-pass: cutoff from ~300 Hz to ~9 kHz with brightness.
    const double cutoff = 300.0 * std::pow(30.0, std::clamp(brightness, 0.0f, 1.0f));
    const double alpha = 1.0 - std::exp(-kTwoPi * cutoff / rate);
    double lp = 0.0, phase = 0.0, modPhase = 0.0;
    // Karplus-Strong delay line for plucks.
    std::vector<float> line;
    std::size_t linePos = 0;
    if (plucked) {
        line.resize(std::max<std::size_t>(2, static_cast<std::size_t>(rate / hz)));
        Xorshift noise{seed | 1u};
        for (float &s : line)
            s = noise.next();
    }
    const float velocity = note.velocity * gain;
    for (long i = 0; i < total; ++i) {
        const long n = start + i;
        if (n >= static_cast<long>(out.size()))
            break;
        const double t = double(i) / rate;
        double env;
        if (t < attack)
            env = t / attack;
        else if (t < attack + decay)
            env = 1.0 - (1.0 - sustain) * (t - attack) / decay;
        else
            env = sustain;
        if (plucked)
            env = std::exp(-t * 3.0);
        else if (i >= held)
            env = sustain * std::max(0.0, 1.0 - double(i - held) / (release * rate));
        double v = 0.0;
        switch (timbre) {
        case Timbre::Saw:
            v = 2.0 * phase - 1.0 - polyBlep(phase, dt);
            break;
        case Timbre::Square: {
            v = phase < 0.5 ? 1.0 : -1.0;
            v += polyBlep(phase, dt);
            v -= polyBlep(std::fmod(phase + 0.5, 1.0), dt);
            v *= 0.7;
            break;
        }
        case Timbre::Sine:
            v = std::sin(kTwoPi * phase);
            break;
        case Timbre::FM: {
            const double index = 2.5 * std::exp(-t * 4.0) + 0.3;
            v = std::sin(kTwoPi * phase + index * std::sin(kTwoPi * modPhase));
            modPhase += 2.0 * dt;
            modPhase -= std::floor(modPhase);
            break;
        }
        case Timbre::Pluck: {
            const std::size_t next = (linePos + 1) % line.size();
            const float s = 0.5f * (line[linePos] + line[next]) * 0.996f;
            v = line[linePos];
            line[linePos] = s;
            linePos = next;
            break;
        }
        }
        phase += dt;
        phase -= std::floor(phase);
        lp += alpha * (v - lp);
        out[static_cast<std::size_t>(n)] += static_cast<float>(lp * env * velocity);
    }
}

void renderDrum(std::vector<float> &out, const DrumHit &hit, int rate, Xorshift &noise)
{
    const auto start = static_cast<long>(hit.time * rate);
    const double length = hit.drum == Drum::Kick ? 0.35 : hit.drum == Drum::Snare ? 0.2 : 0.06;
    const long total = static_cast<long>(length * rate);
    double phase = 0.0, hp = 0.0, lastNoise = 0.0;
    for (long i = 0; i < total && start + i < static_cast<long>(out.size()); ++i) {
        const double t = double(i) / rate;
        double v = 0.0;
        switch (hit.drum) {
        case Drum::Kick: {
            const double hz = 45.0 + 110.0 * std::exp(-t * 30.0);
            phase += hz / rate;
            v = std::sin(kTwoPi * phase) * std::exp(-t * 9.0) * 1.1;
            break;
        }
        case Drum::Snare: {
            phase += 190.0 / rate;
            v = 0.55 * noise.next() * std::exp(-t * 18.0) +
                0.4 * std::sin(kTwoPi * phase) * std::exp(-t * 25.0);
            break;
        }
        case Drum::Hat: {
            const double n = noise.next();
            hp = 0.6 * (hp + n - lastNoise); // crude high-pass
            lastNoise = n;
            v = 0.45 * hp * std::exp(-t * 60.0);
            break;
        }
        }
        out[static_cast<std::size_t>(start + i)] += static_cast<float>(v * hit.velocity * 0.6);
    }
}

// Freeverb-style: four parallel damped combs into two series allpasses.
void applyReverb(std::vector<float> &x, float wet, int rate)
{
    if (wet <= 0.01f)
        return;
    const double scale = rate / 44100.0;
    const std::array<int, 4> combLengths = {1116, 1188, 1277, 1356};
    const std::array<int, 2> allpassLengths = {556, 441};
    std::vector<float> sum(x.size(), 0.0f);
    for (int length : combLengths) {
        std::vector<float> buffer(static_cast<std::size_t>(length * scale), 0.0f);
        std::size_t pos = 0;
        float damp = 0.0f;
        for (std::size_t n = 0; n < x.size(); ++n) {
            const float out = buffer[pos];
            damp = out * 0.6f + damp * 0.4f;
            buffer[pos] = x[n] * 0.015f + damp * 0.84f;
            pos = (pos + 1) % buffer.size();
            sum[n] += out;
        }
    }
    for (int length : allpassLengths) {
        std::vector<float> buffer(static_cast<std::size_t>(length * scale), 0.0f);
        std::size_t pos = 0;
        for (float &s : sum) {
            const float delayed = buffer[pos];
            buffer[pos] = s + delayed * 0.5f;
            s = delayed - s;
            pos = (pos + 1) % buffer.size();
        }
    }
    for (std::size_t n = 0; n < x.size(); ++n)
        x[n] = x[n] * (1.0f - 0.5f * wet) + sum[n] * wet * 3.0f;
}

} // namespace

AudioBuffer Synthesizer::render(const Score &score) const
{
    const auto frames = static_cast<std::size_t>(std::lround(score.seconds * m_sampleRate));
    std::vector<float> mix(frames, 0.0f);
    std::uint32_t seed = 12345;
    const struct
    {
        const Part *part;
        float gain;
    } parts[] = {{&score.melody, 0.30f}, {&score.bass, 0.35f}, {&score.pad, 0.14f}};
    for (const auto &[part, gain] : parts) {
        if (!part->active)
            continue;
        for (const NoteEvent &note : part->notes)
            renderNote(mix, note, part->timbre, part->brightness, m_sampleRate, gain, seed += 7919);
    }
    Xorshift noise{987654321u};
    for (const DrumHit &hit : score.drums)
        renderDrum(mix, hit, m_sampleRate, noise);
    applyReverb(mix, score.reverb, m_sampleRate);
    float peak = 0.0f;
    for (float s : mix)
        peak = std::max(peak, std::fabs(s));
    const float limit = 0.89f;
    if (peak > limit)
        for (float &s : mix)
            s *= limit / peak;
    return AudioBuffer(std::move(mix), 1, m_sampleRate);
}

} // namespace dragon

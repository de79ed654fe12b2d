#include "model/LatentCodec.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace dragon {
namespace {

constexpr int kMelody = 0, kBass = 4, kPad = 8, kDrums = 13, kTimbre = 16, kBright = 31,
              kReverb = 34;

// Melody and pad pitches are (midi - 66) / 30 (MIDI 36..96); bass is (midi - 36) / 24 (12..60).
constexpr int kRange = 30;
int rangeFor(int centre)
{
    return centre == 36 ? 24 : kRange;
}

float pitchValue(int midi, int centre)
{
    return std::clamp(float(midi - centre) / rangeFor(centre), -1.0f, 1.0f);
}

int pitchFromValue(float v, int centre)
{
    return centre + static_cast<int>(std::lround(std::clamp(v, -1.0f, 1.0f) * rangeFor(centre)));
}

} // namespace

LatentCodec::LatentCodec(double seconds)
    : m_frames(static_cast<int>(std::lround(seconds * kFrameRate))), m_seconds(seconds)
{
}

std::vector<float> LatentCodec::encode(const Score &score) const
{
    const int T = m_frames;
    std::vector<float> z(static_cast<std::size_t>(kChannels) * T, -1.0f);
    auto at = [&](int c, int t) -> float & { return z[static_cast<std::size_t>(c) * T + t]; };
    auto frameOf = [&](double seconds) {
        return std::clamp(static_cast<int>(std::lround(seconds * kFrameRate)), 0, T - 1);
    };

    auto encodeMono = [&](const Part &part, int base, int centre) {
        for (int t = 0; t < T; ++t)
            at(base, t) = part.notes.empty() ? 0.0f : pitchValue(part.notes.front().pitch, centre);
        for (const NoteEvent &n : part.notes) {
            const int a = frameOf(n.start);
            const int b = std::max(a + 1, frameOf(n.start + n.duration));
            for (int t = a; t < std::min(b, T); ++t) {
                at(base + 1, t) = 1.0f;
                at(base + 3, t) = n.velocity * 2.0f - 1.0f;
            }
            at(base + 2, a) = 1.0f;
            // Pitch holds until the next note starts.
            for (int t = a; t < T; ++t)
                at(base, t) = pitchValue(n.pitch, centre);
        }
    };
    if (score.melody.active)
        encodeMono(score.melody, kMelody, 66);
    else
        for (int t = 0; t < T; ++t)
            at(kMelody, t) = 0.0f;
    if (score.bass.active)
        encodeMono(score.bass, kBass, 36);
    else
        for (int t = 0; t < T; ++t)
            at(kBass, t) = 0.0f;

    // Pad: the voices sounding in each frame, sorted, padded by repeating the top voice.
    for (int t = 0; t < T; ++t) {
        std::vector<int> voices;
        float level = -1.0f;
        const double time = double(t) / kFrameRate;
        for (const NoteEvent &n : score.pad.notes)
            if (time + 0.5 / kFrameRate >= n.start &&
                time + 0.5 / kFrameRate < n.start + n.duration) {
                voices.push_back(n.pitch);
                level = std::max(level, n.velocity * 2.0f - 1.0f);
            }
        std::sort(voices.begin(), voices.end());
        for (int v = 0; v < 3; ++v)
            at(kPad + v, t) =
                voices.empty() ? 0.0f
                               : pitchValue(voices[std::min<int>(v, int(voices.size()) - 1)], 66);
        at(kPad + 3, t) = voices.empty() ? -1.0f : 1.0f;
        at(kPad + 4, t) = level;
    }
    for (const DrumHit &h : score.drums) {
        float &cell = at(kDrums + static_cast<int>(h.drum), frameOf(h.time));
        cell = std::max(cell, 0.5f + 0.5f * std::clamp(h.velocity, 0.0f, 1.0f));
    }
    const Part *parts[3] = {&score.melody, &score.bass, &score.pad};
    for (int p = 0; p < 3; ++p) {
        for (int t = 0; t < T; ++t) {
            at(kTimbre + p * kTimbreCount + static_cast<int>(parts[p]->timbre), t) = 1.0f;
            at(kBright + p, t) = parts[p]->brightness * 2.0f - 1.0f;
        }
    }
    for (int t = 0; t < T; ++t)
        at(kReverb, t) = score.reverb * 2.0f - 1.0f;
    return z;
}

Score LatentCodec::decode(const float *z) const
{
    const int T = m_frames;
    auto at = [&](int c, int t) {
        return std::clamp(z[static_cast<std::size_t>(c) * T + t], -1.0f, 1.0f);
    };
    auto mean = [&](int c) {
        double sum = 0;
        for (int t = 0; t < T; ++t)
            sum += at(c, t);
        return float(sum / T);
    };
    const double frame = 1.0 / kFrameRate;
    Score s;
    s.seconds = m_seconds;

    // Model outputs are noisy, so decoding is deliberately robust: gates switch with hysteresis
    // (on above +0.2, off below -0.2), a note starts only at gate-on or at an onset peak, its
    // pitch is the median over its frames (pitch jitter does not retrigger), and a chord changes
    // only when new voices persist for kChordDebounce frames (the change is dated to its start).
    constexpr float kOn = 0.2f, kOff = -0.2f;
    constexpr int kChordDebounce = 3;
    constexpr float kDrumThreshold = -0.6f;
    auto median = [](std::vector<int> v) {
        std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
        return v[v.size() / 2];
    };
    auto decodeMono = [&](Part &part, int base, int centre) {
        part.notes.clear();
        int start = -1;
        float velocity = 0;
        std::vector<int> pitches;
        auto close = [&](int end) {
            if (start >= 0 && !pitches.empty())
                part.notes.push_back({start * frame, (end - start) * frame, median(pitches),
                                      std::clamp((velocity + 1.0f) / 2.0f, 0.05f, 1.0f)});
            start = -1;
            pitches.clear();
        };
        bool on = false;
        for (int t = 0; t < T; ++t) {
            const float gate = at(base + 1, t);
            on = on ? gate > kOff : gate > kOn;
            if (!on) {
                close(t);
                continue;
            }
            const float onset = at(base + 2, t);
            const bool onsetPeak = onset > 0.0f && (t == 0 || at(base + 2, t - 1) < onset) &&
                                   (t == T - 1 || at(base + 2, t + 1) <= onset);
            if (start < 0 || onsetPeak) {
                close(t);
                start = t;
                velocity = at(base + 3, t);
            }
            pitches.push_back(pitchFromValue(at(base, t), centre));
        }
        close(T);
        part.active = !part.notes.empty();
    };
    decodeMono(s.melody, kMelody, 66);
    decodeMono(s.bass, kBass, 36);

    s.pad.notes.clear();
    std::array<int, 3> current{};
    int start = -1, candidateStart = -1;
    std::array<int, 3> candidate{};
    float level = 0;
    auto closePad = [&](int end) {
        if (start < 0)
            return;
        int previous = -1000;
        for (int v : current) {
            if (v != previous)
                s.pad.notes.push_back({start * frame, (end - start) * frame, v,
                                       std::clamp((level + 1.0f) / 2.0f, 0.05f, 1.0f)});
            previous = v;
        }
        start = -1;
    };
    bool padOn = false;
    for (int t = 0; t < T; ++t) {
        const float gate = at(kPad + 3, t);
        padOn = padOn ? gate > kOff : gate > kOn;
        if (!padOn) {
            closePad(t);
            candidateStart = -1;
            continue;
        }
        std::array<int, 3> voices{};
        for (int v = 0; v < 3; ++v)
            voices[v] = pitchFromValue(at(kPad + v, t), 66);
        std::sort(voices.begin(), voices.end());
        if (start < 0) {
            start = t;
            current = voices;
            level = at(kPad + 4, t);
            candidateStart = -1;
            continue;
        }
        if (voices == current) {
            candidateStart = -1;
            continue;
        }
        if (candidateStart < 0 || voices != candidate) {
            candidateStart = t;
            candidate = voices;
        }
        if (t - candidateStart + 1 >= kChordDebounce) {
            closePad(candidateStart);
            start = candidateStart;
            current = candidate;
            level = at(kPad + 4, candidateStart);
            candidateStart = -1;
        }
    }
    closePad(T);
    s.pad.active = !s.pad.notes.empty();

    for (int d = 0; d < kDrumCount; ++d)
        for (int t = 0; t < T; ++t) {
            const float v = at(kDrums + d, t);
            // A hit is a local maximum above kDrumThreshold (a blurred hit counts once). Clean
            // latents hold -1 between hits; a model hedges on these one-frame impulses and
            // outputs soft bumps, so the threshold sits well below the encoded hit values.
            if (v > kDrumThreshold && (t == 0 || at(kDrums + d, t - 1) < v) &&
                (t == T - 1 || at(kDrums + d, t + 1) <= v))
                // Exact inverse of the encoding for clean hits; hedged bumps get a moderate floor.
                s.drums.push_back(
                    {t * frame, static_cast<Drum>(d), std::clamp(2.0f * v - 1.0f, 0.35f, 1.0f)});
        }
    std::sort(s.drums.begin(), s.drums.end(),
              [](const DrumHit &a, const DrumHit &b) { return a.time < b.time; });

    Part *parts[3] = {&s.melody, &s.bass, &s.pad};
    for (int p = 0; p < 3; ++p) {
        int best = 0;
        for (int k = 1; k < kTimbreCount; ++k)
            if (mean(kTimbre + p * kTimbreCount + k) > mean(kTimbre + p * kTimbreCount + best))
                best = k;
        parts[p]->timbre = static_cast<Timbre>(best);
        parts[p]->brightness = std::clamp((mean(kBright + p) + 1.0f) / 2.0f, 0.0f, 1.0f);
    }
    s.reverb = std::clamp((mean(kReverb) + 1.0f) / 2.0f, 0.0f, 1.0f);
    return s;
}

} // namespace dragon

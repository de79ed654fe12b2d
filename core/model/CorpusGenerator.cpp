#include "model/CorpusGenerator.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace dragon {
namespace {

struct StyleProfile
{
    double bpmLow, bpmHigh;
    double minorProbability;
    std::vector<Timbre> melodyTimbres, bassTimbres, padTimbres;
    double melodyDensity;   // probability of a note on each melody step
    int melodyStepsPerBeat; // 2 = eighths, 4 = sixteenths
    int melodyRegister;     // MIDI centre
    double padProbability;
    double drumProbability;
    enum Groove
    {
        None,
        BoomBap,
        FourOnFloor,
        Chip,
        Sparse,
        Swing,
        Folk
    } groove;
    double reverbLow, reverbHigh;
    double brightnessLow, brightnessHigh;
    enum BassPattern
    {
        Roots,
        Sixteenths,
        Offbeats,
        Walking,
        Held
    } bass;
    bool swing;
};

const StyleProfile &profile(Style style)
{
    using T = Timbre;
    static const StyleProfile profiles[kStyleCount] = {
        // ambient
        {60,
         80,
         0.6,
         {T::Sine, T::FM},
         {T::Sine},
         {T::Sine, T::FM, T::Saw},
         0.25,
         1,
         72,
         1.0,
         0.15,
         StyleProfile::Sparse,
         0.6,
         0.9,
         0.15,
         0.4,
         StyleProfile::Held,
         false},
        // lo-fi
        {70,
         90,
         0.5,
         {T::Pluck, T::Sine},
         {T::Sine},
         {T::Square, T::FM},
         0.45,
         2,
         69,
         0.9,
         1.0,
         StyleProfile::BoomBap,
         0.3,
         0.5,
         0.15,
         0.35,
         StyleProfile::Roots,
         true},
        // techno
        {124,
         136,
         0.85,
         {T::Square, T::Saw},
         {T::Saw},
         {T::Saw},
         0.25,
         4,
         67,
         0.4,
         1.0,
         StyleProfile::FourOnFloor,
         0.1,
         0.3,
         0.5,
         0.9,
         StyleProfile::Sixteenths,
         false},
        // chiptune
        {140,
         170,
         0.25,
         {T::Square},
         {T::Square},
         {T::Square},
         0.85,
         4,
         76,
         0.2,
         0.9,
         StyleProfile::Chip,
         0.0,
         0.1,
         0.8,
         1.0,
         StyleProfile::Roots,
         false},
        // folk
        {90,
         118,
         0.3,
         {T::Pluck},
         {T::Pluck, T::Sine},
         {T::Sine},
         0.6,
         2,
         67,
         0.3,
         0.3,
         StyleProfile::Folk,
         0.25,
         0.45,
         0.4,
         0.7,
         StyleProfile::Roots,
         false},
        // cinematic
        {60,
         88,
         0.8,
         {T::FM, T::Sine},
         {T::Saw},
         {T::Saw},
         0.3,
         1,
         70,
         1.0,
         0.5,
         StyleProfile::Sparse,
         0.6,
         0.9,
         0.3,
         0.6,
         StyleProfile::Held,
         false},
        // jazz
        {100,
         140,
         0.4,
         {T::FM, T::Sine},
         {T::Pluck},
         {T::FM},
         0.5,
         2,
         70,
         0.9,
         0.9,
         StyleProfile::Swing,
         0.2,
         0.4,
         0.3,
         0.6,
         StyleProfile::Walking,
         true},
        // house
        {118,
         127,
         0.6,
         {T::Pluck, T::Square},
         {T::Square, T::Saw},
         {T::Saw, T::FM},
         0.3,
         4,
         72,
         0.9,
         1.0,
         StyleProfile::FourOnFloor,
         0.2,
         0.4,
         0.4,
         0.8,
         StyleProfile::Offbeats,
         false},
    };
    return profiles[static_cast<int>(style)];
}

const int kMajorScale[7] = {0, 2, 4, 5, 7, 9, 11};
const int kMinorScale[7] = {0, 2, 3, 5, 7, 8, 10};
// Progressions as scale degrees (0-based), one chord per bar.
const std::vector<std::vector<int>> kMajorProgressions = {
    {0, 4, 5, 3}, {0, 3, 4, 0}, {0, 5, 3, 4}, {1, 4, 0, 0}};
const std::vector<std::vector<int>> kMinorProgressions = {
    {0, 5, 2, 6}, {0, 3, 4, 0}, {0, 6, 5, 4}, {0, 3, 6, 2}};

int scalePitch(const Score &s, int degree, int octaveBase)
{
    const int *scale = s.minor ? kMinorScale : kMajorScale;
    const int octave = static_cast<int>(std::floor(degree / 7.0));
    const int index = degree - octave * 7;
    return octaveBase + s.keyRoot + 12 * octave + scale[index];
}

template <typename T> const T &pick(std::mt19937_64 &rng, const std::vector<T> &options)
{
    return options[std::uniform_int_distribution<std::size_t>(0, options.size() - 1)(rng)];
}

double uniform(std::mt19937_64 &rng, double lo, double hi)
{
    return std::uniform_real_distribution<double>(lo, hi)(rng);
}

bool chance(std::mt19937_64 &rng, double p)
{
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < p;
}

} // namespace

Score CorpusGenerator::generate(std::uint64_t seed) const
{
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ULL + 1);
    const auto style =
        static_cast<Style>(std::uniform_int_distribution<int>(0, kStyleCount - 1)(rng));
    return build(rng, style);
}

Score CorpusGenerator::generate(std::uint64_t seed, Style style) const
{
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ULL + 1);
    rng.discard(1);
    return build(rng, style);
}

Score CorpusGenerator::build(std::mt19937_64 &rng, Style style) const
{
    const StyleProfile &p = profile(style);
    Score s;
    s.style = style;
    s.seconds = m_seconds;
    s.bpm = std::round(uniform(rng, p.bpmLow, p.bpmHigh));
    s.keyRoot = std::uniform_int_distribution<int>(0, 11)(rng);
    s.minor = chance(rng, p.minorProbability);
    s.reverb = float(uniform(rng, p.reverbLow, p.reverbHigh));
    const double beat = 60.0 / s.bpm;
    const double bar = 4 * beat;
    const int bars = static_cast<int>(std::ceil(s.seconds / bar));
    const auto &progressions = s.minor ? kMinorProgressions : kMajorProgressions;
    const std::vector<int> progression = pick(rng, progressions);
    auto chordDegree = [&](int barIndex) { return progression[barIndex % progression.size()]; };
    auto swingTime = [&](double t, int stepsPerBeat) {
        if (!p.swing || stepsPerBeat != 2)
            return t;
        const double step = beat / 2;
        const long index = std::lround(t / step);
        return index % 2 == 1 ? t + step / 3.0 : t;
    };

    // Melody: a random walk on the scale, biased to chord tones on strong steps.
    s.melody.active = true;
    s.melody.timbre = pick(rng, p.melodyTimbres);
    s.melody.brightness = float(uniform(rng, p.brightnessLow, p.brightnessHigh));
    {
        const double step = beat / p.melodyStepsPerBeat;
        const int steps = static_cast<int>(s.seconds / step);
        int degree = std::uniform_int_distribution<int>(0, 6)(rng);
        const int base = p.melodyRegister - 6;
        for (int i = 0; i < steps; ++i) {
            if (!chance(rng, p.melodyDensity))
                continue;
            degree += std::uniform_int_distribution<int>(-2, 2)(rng);
            degree = std::clamp(degree, -3, 10);
            const double start = swingTime(i * step, p.melodyStepsPerBeat);
            int length = 1;
            while (i + length < steps && length < 4 * p.melodyStepsPerBeat &&
                   chance(rng, 1.0 - p.melodyDensity))
                ++length;
            NoteEvent note;
            note.start = start;
            note.duration = std::min(length * step * 0.9, s.seconds - start);
            note.pitch = scalePitch(s, degree, base);
            note.velocity = float(uniform(rng, 0.55, 0.95));
            s.melody.notes.push_back(note);
            i += length - 1;
        }
        if (s.melody.notes.empty()) // sparse styles: the melody still has something to say
            s.melody.notes.push_back(
                {0.0, std::min(2 * beat, s.seconds), scalePitch(s, 0, base + 6), 0.7f});
    }

    // Bass: chord roots in the style's pattern.
    s.bass.active = true;
    s.bass.timbre = pick(rng, p.bassTimbres);
    s.bass.brightness = float(uniform(rng, p.brightnessLow, p.brightnessHigh));
    for (int b = 0; b < bars; ++b) {
        const int root = scalePitch(s, chordDegree(b), 36);
        const double t0 = b * bar;
        auto add = [&](double t, double d, int pitch, float v) {
            if (t >= s.seconds)
                return;
            s.bass.notes.push_back({t, std::min(d, s.seconds - t), pitch, v});
        };
        switch (p.bass) {
        case StyleProfile::Roots:
            add(t0, beat * 1.8, root, 0.9f);
            add(t0 + 2 * beat, beat * 1.8, root + (chance(rng, 0.3) ? 7 : 0), 0.8f);
            break;
        case StyleProfile::Sixteenths:
            for (int i = 0; i < 16; ++i)
                if (i % 4 != 0 || chance(rng, 0.2))
                    add(t0 + i * beat / 4, beat / 4 * 0.6, root + (i % 8 == 6 ? 12 : 0),
                        i % 2 ? 0.6f : 0.85f);
            break;
        case StyleProfile::Offbeats:
            for (int i = 0; i < 4; ++i)
                add(t0 + (i + 0.5) * beat, beat * 0.45, root, 0.9f);
            break;
        case StyleProfile::Walking:
            for (int i = 0; i < 4; ++i)
                add(t0 + i * beat, beat * 0.9,
                    scalePitch(s,
                               chordDegree(b) +
                                   (i == 0 ? 0 : std::uniform_int_distribution<int>(-2, 4)(rng)),
                               36),
                    0.8f);
            break;
        case StyleProfile::Held:
            add(t0, bar * 0.98, root, 0.7f);
            break;
        }
    }

    // Pad: the chord's triad (or seventh for jazz, as its top voice) held for the bar.
    s.pad.active = chance(rng, p.padProbability);
    s.pad.timbre = pick(rng, p.padTimbres);
    s.pad.brightness = float(uniform(rng, p.brightnessLow, p.brightnessHigh));
    if (s.pad.active) {
        for (int b = 0; b < bars; ++b) {
            const int degree = chordDegree(b);
            const double t0 = b * bar;
            if (t0 >= s.seconds)
                break;
            const bool stabs = style == Style::House || style == Style::Techno;
            const int top = style == Style::Jazz ? 6 : 4;
            for (int voice : {0, 2, top}) {
                const int pitch = scalePitch(s, degree + voice, 57);
                if (stabs) {
                    for (int i = 0; i < 4; ++i)
                        if (t0 + (i + 0.5) * beat < s.seconds)
                            s.pad.notes.push_back({t0 + (i + 0.5) * beat, beat * 0.3, pitch, 0.6f});
                } else {
                    s.pad.notes.push_back({t0, std::min(bar * 0.98, s.seconds - t0), pitch, 0.55f});
                }
            }
        }
    }

    // Drums.
    if (chance(rng, p.drumProbability)) {
        const int sixteenths = static_cast<int>(s.seconds / (beat / 4));
        for (int i = 0; i < sixteenths; ++i) {
            const double t = i * beat / 4;
            const int inBar = i % 16;
            auto hit = [&](Drum d, float v) { s.drums.push_back({t, d, v}); };
            auto swingHit = [&](Drum d, float v) { s.drums.push_back({swingTime(t, 2), d, v}); };
            switch (p.groove) {
            case StyleProfile::FourOnFloor:
                if (inBar % 4 == 0)
                    hit(Drum::Kick, 1.0f);
                if (inBar == 4 || inBar == 12)
                    hit(Drum::Snare, 0.8f);
                if (inBar % 4 == 2)
                    hit(Drum::Hat, 0.8f);
                else if (style == Style::Techno && inBar % 2 == 1)
                    hit(Drum::Hat, 0.4f);
                break;
            case StyleProfile::BoomBap:
                if (inBar == 0 || inBar == 10)
                    hit(Drum::Kick, 0.9f);
                if (inBar == 4 || inBar == 12)
                    hit(Drum::Snare, 0.7f);
                if (inBar % 2 == 0)
                    swingHit(Drum::Hat, 0.45f);
                break;
            case StyleProfile::Chip:
                if (inBar == 0 || inBar == 8)
                    hit(Drum::Kick, 0.8f);
                if (inBar == 4 || inBar == 12)
                    hit(Drum::Snare, 0.7f);
                if (inBar % 2 == 0)
                    hit(Drum::Hat, 0.5f);
                break;
            case StyleProfile::Sparse:
                if (inBar == 0)
                    hit(Drum::Kick, 0.9f);
                if (inBar == 8 && chance(rng, 0.5))
                    hit(Drum::Snare, 0.5f);
                break;
            case StyleProfile::Swing:
                if (inBar % 4 == 0)
                    swingHit(Drum::Hat, 0.55f);
                if (inBar % 8 == 6)
                    swingHit(Drum::Hat, 0.4f);
                if (inBar == 0)
                    hit(Drum::Kick, 0.5f);
                break;
            case StyleProfile::Folk:
                if (inBar == 0 || inBar == 8)
                    hit(Drum::Kick, 0.6f);
                if (inBar == 4 || inBar == 12)
                    hit(Drum::Snare, 0.4f);
                break;
            case StyleProfile::None:
                break;
            }
        }
    }
    return s;
}

namespace {

const std::vector<std::vector<std::string>> &styleWords()
{
    static const std::vector<std::vector<std::string>> words = {
        {"ambient", "atmospheric ambient", "dreamy ambient"},
        {"lo-fi", "lofi hip hop", "chill lo-fi"},
        {"techno", "driving techno", "dark techno"},
        {"chiptune", "8-bit", "retro video game"},
        {"folk", "acoustic folk", "gentle folk"},
        {"cinematic", "orchestral", "epic film score"},
        {"jazz", "jazzy", "smooth jazz"},
        {"house", "deep house", "dance house"},
    };
    return words;
}

const std::vector<std::vector<std::string>> &tempoWords()
{
    static const std::vector<std::vector<std::string>> words = {{"slow", "laid-back", "relaxed"},
                                                                {"mid-tempo", "steady", "moderate"},
                                                                {"fast", "upbeat", "energetic"}};
    return words;
}

std::string timbreWord(Timbre t, std::uint64_t variant)
{
    static const std::vector<std::vector<std::string>> words = {
        {"saw synth", "buzzy synth"},
        {"square lead", "square wave"},
        {"soft sine", "pure tone"},
        {"electric piano", "bell-like keys"},
        {"plucked strings", "pluck"}};
    const auto &options = words[static_cast<int>(t)];
    return options[variant % options.size()];
}

} // namespace

int CorpusGenerator::phrasingCount()
{
    return 6;
}

std::string CorpusGenerator::caption(const Score &s, std::uint64_t phrasing)
{
    const std::uint64_t v = phrasing / phrasingCount();
    const auto &styles = styleWords()[static_cast<int>(s.style)];
    const std::string style = styles[v % styles.size()];
    const auto &tempos = tempoWords()[static_cast<int>(tempoBucket(s.bpm))];
    const std::string tempo = tempos[(v / 3) % tempos.size()];
    const std::string key = s.keyName();
    std::string lower = key;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    const std::string lead = timbreWord(s.melody.timbre, v);
    const std::string drums =
        s.hasDrums() ? (s.drums.size() > 40 ? "busy drums" : "soft drums") : "no drums";
    std::ostringstream c;
    switch (phrasing % phrasingCount()) {
    case 0:
        c << "a " << tempo << " " << style << " track in " << lower << " with " << lead;
        break;
    case 1:
        c << style << " music, " << tempo << ", " << lower << ", " << drums;
        break;
    case 2:
        c << tempo << " " << style << " " << lead << " in " << lower;
        break;
    case 3:
        c << "a " << style << " piece in " << (s.minor ? "a minor key" : "a major key") << " with "
          << drums;
        break;
    case 4:
        c << style;
        break;
    case 5:
        c << tempo << " " << style << " with " << lead << " and " << drums << ", " << int(s.bpm)
          << " bpm";
        break;
    }
    return c.str();
}

std::vector<std::string> CorpusGenerator::vocabulary()
{
    std::set<std::string> words;
    auto addPhrase = [&](const std::string &phrase) {
        std::string word;
        for (char ch : phrase + " ") {
            if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '#') {
                word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
            } else if (!word.empty()) {
                words.insert(word);
                word.clear();
            }
        }
    };
    for (const auto &list : styleWords())
        for (const auto &w : list)
            addPhrase(w);
    for (const auto &list : tempoWords())
        for (const auto &w : list)
            addPhrase(w);
    for (int t = 0; t < kTimbreCount; ++t)
        for (int v = 0; v < 2; ++v)
            addPhrase(timbreWord(static_cast<Timbre>(t), v));
    addPhrase("a track in with music piece key and busy soft no drums bpm major minor");
    for (int bpm = 50; bpm <= 180; ++bpm)
        words.insert(std::to_string(bpm));
    for (const char *n : {"c", "c#", "d", "d#", "e", "f", "f#", "g", "g#", "a", "a#", "b"})
        words.insert(n);
    return {words.begin(), words.end()};
}

std::string CorpusGenerator::vocabularySummary()
{
    auto list = [](const std::vector<std::string> &items) {
        std::string out;
        for (const auto &item : items)
            out += (out.empty() ? "" : ", ") + item;
        return out;
    };
    std::vector<std::string> styles, tempos, instruments;
    for (const auto &group : styleWords())
        styles.push_back(group.front());
    for (const auto &group : tempoWords())
        tempos.insert(tempos.end(), group.begin(), group.end());
    for (int t = 0; t < kTimbreCount; ++t)
        instruments.push_back(timbreWord(static_cast<Timbre>(t), 0));
    return "styles (" + list(styles) + "), tempos (" + list(tempos) + "), instruments (" +
           list(instruments) +
           "), keys (C major, F# minor), bpm (50-180) and drums (busy, soft, no)";
}

} // namespace dragon

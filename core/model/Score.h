#pragma once

#include <array>
#include <string>
#include <vector>

namespace dragon {

enum class Style
{
    Ambient,
    LoFi,
    Techno,
    Chiptune,
    Folk,
    Cinematic,
    Jazz,
    House
};
constexpr int kStyleCount = 8;
enum class Timbre
{
    Saw,
    Square,
    Sine,
    FM,
    Pluck
};
constexpr int kTimbreCount = 5;
enum class Drum
{
    Kick,
    Snare,
    Hat
};
constexpr int kDrumCount = 3;

const char *styleName(Style style);
const char *timbreName(Timbre timbre);
// Tempo buckets used in captions and in the text-adherence report.
enum class TempoBucket
{
    Slow,
    Medium,
    Fast
};
TempoBucket tempoBucket(double bpm);
const char *tempoBucketName(TempoBucket bucket);

struct NoteEvent
{
    double start = 0.0;    // seconds
    double duration = 0.0; // seconds
    int pitch = 60;        // MIDI note
    float velocity = 0.8f; // 0..1
};

struct DrumHit
{
    double time = 0.0;
    Drum drum = Drum::Kick;
    float velocity = 0.8f;
};

struct Part
{
    bool active = false;
    Timbre timbre = Timbre::Sine;
    float brightness = 0.5f; // 0..1, filter cutoff
    std::vector<NoteEvent> notes;
};

// One clip of the procedural corpus: what the synthesiser plays and what captions describe.
// Pad notes are chord voices (up to three sound at once).
struct Score
{
    Style style = Style::Ambient;
    double bpm = 100.0;
    int keyRoot = 0; // 0 = C .. 11 = B
    bool minor = false;
    double seconds = 6.0;
    Part melody, bass, pad;
    std::vector<DrumHit> drums;
    float reverb = 0.3f; // 0..1 wet amount

    bool hasDrums() const { return !drums.empty(); }
    std::string keyName() const; // e.g. "D minor"
};

} // namespace dragon

#include "model/Score.h"

namespace dragon {

const char *styleName(Style style)
{
    static const char *names[] = {"ambient", "lo-fi",     "techno", "chiptune",
                                  "folk",    "cinematic", "jazz",   "house"};
    return names[static_cast<int>(style)];
}

const char *timbreName(Timbre timbre)
{
    static const char *names[] = {"saw", "square", "sine", "fm", "pluck"};
    return names[static_cast<int>(timbre)];
}

TempoBucket tempoBucket(double bpm)
{
    if (bpm < 90.0)
        return TempoBucket::Slow;
    if (bpm < 120.0)
        return TempoBucket::Medium;
    return TempoBucket::Fast;
}

const char *tempoBucketName(TempoBucket bucket)
{
    static const char *names[] = {"slow", "medium", "fast"};
    return names[static_cast<int>(bucket)];
}

std::string Score::keyName() const
{
    static const char *notes[] = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
    return std::string(notes[keyRoot % 12]) + (minor ? " minor" : " major");
}

} // namespace dragon

#pragma once

#include <string>
#include <vector>

namespace dragon {

// Cuts the reward-suite benchmark's real-music exemplar sets out of whole tracks: `clips` clips
// of `seconds` each, mono at `sampleRate`, taken round-robin over the tracks (sorted by name) at
// evenly spaced offsets past each track's first tenth (intros), skipping near-silent windows;
// written as FLAC to `outDir` as "<track>-<offset>s.flac". The same inputs give the same clips.
// A manifest (clips.txt) makes a second call return the clips without decoding again. Throws
// AudioError naming a track that cannot be read, std::runtime_error when fewer clips than asked
// can be cut or outDir cannot be written.
class SuiteClipCutter
{
public:
    static std::vector<std::string> cut(const std::vector<std::string> &tracks,
                                        const std::string &outDir, int clips, double seconds,
                                        int sampleRate);
    // The audio files directly in `dir` (by extension: ogg, mp3, flac, wav), sorted.
    static std::vector<std::string> tracksIn(const std::string &dir);
};

} // namespace dragon

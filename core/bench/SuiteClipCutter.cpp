#include "bench/SuiteClipCutter.h"

#include "audio/AudioFileReader.h"
#include "audio/AudioFileWriter.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace dragon {
namespace fs = std::filesystem;

namespace {

const char *kManifest = "clips.txt";

std::vector<std::string> readManifest(const fs::path &dir, int clips)
{
    std::ifstream in(dir / kManifest);
    std::vector<std::string> files;
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            files.push_back((dir / line).string());
    const bool complete =
        int(files.size()) == clips &&
        std::all_of(files.begin(), files.end(), [](const std::string &f) { return fs::exists(f); });
    return complete ? files : std::vector<std::string>{};
}

} // namespace

std::vector<std::string> SuiteClipCutter::tracksIn(const std::string &dir)
{
    std::vector<std::string> tracks;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(dir, ec)) {
        std::string ext = e.path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        if (e.is_regular_file() &&
            (ext == ".ogg" || ext == ".mp3" || ext == ".flac" || ext == ".wav"))
            tracks.push_back(e.path().string());
    }
    std::sort(tracks.begin(), tracks.end());
    return tracks;
}

std::vector<std::string> SuiteClipCutter::cut(const std::vector<std::string> &tracks,
                                              const std::string &outDir, int clips, double seconds,
                                              int sampleRate)
{
    const fs::path dir(outDir);
    if (auto done = readManifest(dir, clips); !done.empty())
        return done;
    if (tracks.empty() || clips <= 0 || seconds <= 0 || sampleRate <= 0)
        throw std::runtime_error(outDir + ": nothing to cut (no tracks, or no clips asked for)");
    fs::create_directories(dir);
    const std::size_t length = std::size_t(std::llround(seconds * sampleRate));
    // Clips per track: as even as the count allows, the first tracks taking the remainder; what
    // a track cannot give (too short, silent) is carried to the next.
    const int n = int(tracks.size());
    int carry = 0;
    std::vector<std::string> files;
    std::vector<std::string> names;
    for (int t = 0; t < n && int(files.size()) < clips; ++t) {
        const int want = clips / n + (t < clips % n ? 1 : 0) + carry;
        carry = want;
        if (want == 0)
            continue;
        AudioReadOptions options;
        options.targetSampleRate = sampleRate;
        options.mixdownToMono = true;
        const AudioBuffer track = AudioFileReader::read(tracks[t], options);
        const std::size_t start = track.frames() / 10;
        if (track.frames() < start + length)
            continue; // shorter than one clip past its intro
        const std::size_t span = track.frames() - start - length;
        // Candidate offsets evenly spaced; near-silent windows are passed over.
        const int candidates = want * 3;
        int taken = 0;
        for (int c = 0; c < candidates && taken < want; ++c) {
            const std::size_t offset =
                start + (candidates > 1 ? span * std::size_t(c) / std::size_t(candidates - 1) : 0);
            const AudioBuffer clip = track.cropOrPad(offset, length);
            if (clip.peak() < 1e-3f)
                continue;
            const std::string name = fs::path(tracks[t]).stem().string() + "-" +
                                     std::to_string(offset / std::size_t(sampleRate)) + "s.flac";
            if (std::find(names.begin(), names.end(), name) != names.end())
                continue;
            AudioFileWriter::write((dir / name).string(), clip, {AudioContainer::Flac});
            names.push_back(name);
            files.push_back((dir / name).string());
            ++taken;
        }
        carry = want - taken;
    }
    if (int(files.size()) < clips)
        throw std::runtime_error(outDir + ": only " + std::to_string(files.size()) + " of " +
                                 std::to_string(clips) + " clips of " + std::to_string(seconds) +
                                 " s could be cut from " + std::to_string(n) + " tracks");
    std::ofstream manifest(dir / kManifest);
    for (const auto &name : names)
        manifest << name << "\n";
    if (!manifest)
        throw std::runtime_error((dir / kManifest).string() + ": cannot be written");
    return files;
}

} // namespace dragon
